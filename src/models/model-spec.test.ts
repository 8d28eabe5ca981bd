import { describe, expect, it } from 'vitest';
import { isResonateError } from '../core/errors.js';
import { registerBuiltinModels } from './builtin.js';
import { canonicalJson, resolveModelSpec, resolveModelSpecs, specKey } from './model-spec.js';

registerBuiltinModels();

function problem(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isResonateError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('model specs', () => {
  it('resolves bare ids, objects and spec files into one shape', () => {
    const files: Record<string, string> = {
      'blend.json': JSON.stringify({ id: 'hybrid/score-fusion', label: 'blend', about: 'x', params: { members: [{ id: 'popular/all-time' }, { id: 'item-knn/cosine', weight: 2 }] } }),
      'best.json': JSON.stringify([{ id: 'mf/ials', params: { factors: 8 }, tuning: { metric: 'ndcg@10' } }]),
    };
    const specs = resolveModelSpecs(['popular/trending', { id: 'item-knn/cosine', weight: 0.5 }, 'blend.json', 'best.json'], 'feed.sources', { read: (p) => files[p]! });
    expect(specs).toEqual([
      { id: 'popular/trending', params: {}, weight: 1 },
      { id: 'item-knn/cosine', params: {}, weight: 0.5 },
      { id: 'hybrid/score-fusion', params: { members: [{ id: 'popular/all-time' }, { id: 'item-knn/cosine', weight: 2 }] }, weight: 1, label: 'blend' },
      { id: 'mf/ials', params: { factors: 8 }, weight: 1 },
    ]);
    expect(specs.map(specKey)).toEqual(['popular/trending', 'item-knn/cosine', 'blend', 'mf/ials']);
  });

  it('names the field path of an unknown id, wrong params, a hybrid without members and a missing file', () => {
    expect(problem(() => resolveModelSpecs(['popular/trending', 'no/such-model'], 'feed.sources'))).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('feed.sources[1].id') });
    expect(problem(() => resolveModelSpecs([{ id: 'mf/ials', params: { factors: -3 } }], 'models.train'))).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('models.train[0].params') });
    expect(problem(() => resolveModelSpecs([{ id: 'hybrid/score-fusion', params: {} }], 'feed.sources')).message).toContain('feed.sources[0].params');
    expect(problem(() => resolveModelSpecs(['missing.json'], 'feed.sources')).message).toMatch(/feed\.sources\[0\].*cannot read model spec file missing\.json/);
    expect(problem(() => resolveModelSpecs([{ id: 'mf/ials', parms: {} } as never], 'feed.sources')).message).toContain('feed.sources[0]');
  });

  it('refuses two different specs under one key, and merges identical ones', () => {
    expect(problem(() => resolveModelSpecs([{ id: 'mf/ials', params: { factors: 8 } }, { id: 'mf/ials', params: { factors: 16 } }], 'models.train')).message).toContain('give one a "label"');
    expect(resolveModelSpecs(['mf/ials', { id: 'mf/ials' }], 'models.train')).toHaveLength(1);
  });

  it('flags can ask for INVALID_INPUT instead, and one spec is one spec', () => {
    expect(problem(() => resolveModelSpec('nope/nope', '--model', { code: 'INVALID_INPUT' })).code).toBe('INVALID_INPUT');
    expect(resolveModelSpec({ id: 'sar' }, 'x')).toEqual({ id: 'sar', params: {}, weight: 1 });
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
  });
});
