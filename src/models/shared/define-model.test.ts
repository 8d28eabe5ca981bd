import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { builtinModels } from '../builtin.js';
import { PopularRecommender, TRENDING_ID, trendingFactory } from '../popular/popular.js';
import type { Artifact } from '../recommender.js';
import { defineModel } from './define-model.js';

const schema = z.strictObject({ halfLifeHours: z.number().positive().default(24) });

function codeOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { return (e as { code?: string }).code; }
  return undefined;
}

describe('defineModel', () => {
  const seen: unknown[] = [];
  const factory = defineModel({
    id: TRENDING_ID,
    version: 3,
    description: 'test model',
    params: schema,
    create: (params) => { seen.push(params); return new PopularRecommender(TRENDING_ID, params); },
    restore: (artifact) => PopularRecommender.load(artifact),
  });

  it('states id, version, description and schema once', () => {
    expect(factory).toMatchObject({ id: TRENDING_ID, version: 3, description: 'test model', paramsSchema: schema });
  });

  it('hands create the validated params with defaults filled', () => {
    factory.create({});
    factory.create({ halfLifeHours: 2 });
    expect(seen).toEqual([{ halfLifeHours: 24 }, { halfLifeHours: 2 }]);
  });

  it('rejects unknown or invalid params with INVALID_INPUT before building', () => {
    const before = seen.length;
    expect(codeOf(() => factory.create({ halfLife: 2 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => factory.create({ halfLifeHours: -1 }))).toBe('INVALID_INPUT');
    expect(seen.length).toBe(before);
  });

  it('refuses an artifact of another kind', () => {
    const foreign: Artifact = { kind: 'popular/all-time', version: 3, params: {}, tensors: {}, state: {} };
    expect(codeOf(() => factory.load(foreign))).toBe('ARTIFACT_INVALID');
  });
});

describe('built-in factories', () => {
  it('all carry their params schema; create() with no params gives its defaults, or INVALID_INPUT when a param is required', () => {
    let required = 0;
    for (const f of builtinModels()) {
      expect(f.paramsSchema, f.id).toBeDefined();
      const defaults = f.paramsSchema!.safeParse({});
      if (defaults.success) expect(f.create().params, f.id).toEqual(defaults.data);
      else { required++; expect(codeOf(() => f.create()), f.id).toBe('INVALID_INPUT'); }
    }
    // The hybrids need their members named.
    expect(required).toBe(3);
  });

  it('ids are unique', () => {
    const ids = builtinModels().map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(trendingFactory.id).toBe(TRENDING_ID);
  });
});
