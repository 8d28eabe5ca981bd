import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createModel } from '../models/registry.js';
import { registerBuiltinModels } from '../models/builtin.js';
import { parseModelList } from './model-list.js';

registerBuiltinModels();

const blend = JSON.stringify({
  id: 'hybrid/score-fusion',
  label: 'blend',
  about: 'chosen on validation',
  params: { members: [{ id: 'ease', weight: 1 }, { id: 'mf/ials', params: { factors: 32 }, weight: 0.5 }] },
});

describe('parseModelList', () => {
  it('keeps ids and "all" in order and drops empty entries', () => {
    expect(parseModelList(' ease, all ,,mf/ials')).toEqual(['ease', 'all', 'mf/ials']);
  });

  it('reads a .json entry as one spec, without the free-text "about"', () => {
    const files: Record<string, string> = { 'configs/b.json': blend };
    expect(parseModelList('sar,configs/b.json', (f) => files[f]!)).toEqual([
      'sar',
      { id: 'hybrid/score-fusion', label: 'blend', params: { members: [{ id: 'ease', weight: 1 }, { id: 'mf/ials', params: { factors: 32 }, weight: 0.5 }] } },
    ]);
  });

  it('reads an array file as several specs', () => {
    const text = JSON.stringify([{ id: 'ease', params: { lambda: 200 } }, { id: 'sar' }]);
    expect(parseModelList('m.json', () => text)).toEqual([{ id: 'ease', params: { lambda: 200 } }, { id: 'sar' }]);
  });

  it('rejects unreadable, malformed and mis-shaped files with INVALID_INPUT', () => {
    expect(() => parseModelList('gone.json', () => { throw new Error('ENOENT'); })).toThrow(/cannot read model file gone.json/);
    expect(() => parseModelList('bad.json', () => '{')).toThrow(/not valid JSON/);
    expect(() => parseModelList('bad.json', () => '{"params":{}}')).toThrow(/id/);
    expect(() => parseModelList('bad.json', () => '{"id":"ease","weights":1}')).toThrow(/weights|Unrecognized/);
  });
});

describe('configs/*.json', () => {
  it('every committed model file parses and builds with the registry', () => {
    const dir = new URL('../../configs/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toContain('ml-100k-blend.json');
    for (const f of files) {
      for (const spec of parseModelList(`configs/${f}`, () => readFileSync(new URL(f, dir), 'utf8'))) {
        if (spec === 'all' || typeof spec === 'string') throw new Error(`${f}: expected specs`);
        // `feed` is the served engine (a list model of the CLI, with a recipe as params), not a registry model.
        if (spec.id === 'feed') continue;
        expect(() => createModel(spec.id, spec.params)).not.toThrow();
      }
    }
  });
});
