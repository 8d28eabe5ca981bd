import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { runCli } from '../../../test/fixtures/run-cli.js';
import { resolveSpace } from './tune.js';
import { DEFAULT_SPACES } from '../../eval/tuning/default-spaces.js';
import { sampleParams } from '../../eval/tuning/search-space.js';
import { createModel } from '../../models/registry.js';
import { resolveModelSpecs } from '../../models/model-spec.js';

/** 60 users in 3 taste groups over 30 items (10 per group), 8 in-group likes each plus 1 random item. */
function writeInteractions(file: string): void {
  const rng = createRng(3);
  const lines = ['user\titem'];
  for (let u = 0; u < 60; u++) {
    const g = u % 3, chosen = new Set<number>();
    while (chosen.size < 8) chosen.add(g * 10 + rng.int(10));
    chosen.add(rng.int(30));
    for (const i of chosen) lines.push(`u${u}\ti${i}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/** The CLI in-process; `out` is everything it printed, on either stream. */
async function resonate(...args: string[]): Promise<{ out: string; code: number }> {
  const r = await runCli(args);
  return { out: r.stdout + r.stderr, code: r.code };
}

afterEach(() => { process.exitCode = 0; });

describe('resonate tune', () => {
  it('searches on validation, writes best.json and report.md, and scores the test part once with --test', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-tune-'));
    const data = join(dir, 'likes.tsv');
    writeInteractions(data);
    const out = join(dir, 'report');
    // Neighbours 1 vs 20: with 8 in-group likes per user, 20 neighbours reach every in-group item, 1 barely any.
    const space = JSON.stringify({ neighbours: { type: 'choice', values: [1, 20] } });
    const r = await resonate('tune', '--data', `interactions:${data}`, '--model', 'item-knn/cosine', '--space', space, '--budget', '4', '--test', '--out', out);
    expect(r.code, r.out).toBe(0);
    const text = readFileSync(join(out, 'best.json'), 'utf8');
    const best = JSON.parse(text) as { id: string; params: Record<string, unknown>; tuning: { metric: string; validationScore: number; test: { tuned: Record<string, number> } } };
    expect(best.id).toBe('item-knn/cosine');
    expect(best.params.neighbours).toBe(20);
    expect(best.tuning.metric).toBe('ndcg@10');
    expect(best.tuning.validationScore).toBeGreaterThan(0);
    expect(best.tuning.test.tuned['ndcg@10']).toBeGreaterThan(0);
    // The file is a model spec the engine and the evaluation read as it is.
    expect(resolveModelSpecs([join(out, 'best.json')], 'feed.sources')).toEqual([{ id: 'item-knn/cosine', params: best.params, weight: 1 }]);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('# Tuning item-knn/cosine');
    expect(report).toContain('| config | rung |');
    expect(r.out).toContain('best ndcg@10 on validation');
  });

  it('refuses an unknown model, bad JSON and a model without a default space', async () => {
    expect((await resonate('tune', '--data', 'interactions:x.tsv', '--model', 'no/such')).code).toBe(1);
    expect((await resonate('tune', '--data', 'interactions:x.tsv', '--model', 'ease', '--space', '{oops')).out).toMatch(/--space/);
    expect(() => resolveSpace('content/tfidf', undefined, {})).toThrow(/no default search space/);
  });

  it('every default space names registered models and samples parameters they accept', () => {
    const rng = createRng(1);
    for (const [id, space] of Object.entries(DEFAULT_SPACES)) for (let t = 0; t < 5; t++) expect(() => createModel(id, sampleParams(space, rng)), id).not.toThrow();
  });

  it('defaults to the model\'s own space, or to every member weight of a hybrid', () => {
    expect(resolveSpace('ease', undefined, {})).toBe(DEFAULT_SPACES.ease);
    expect(Object.keys(resolveSpace('hybrid/score-fusion', undefined, { members: [{ id: 'ease' }, { id: 'mf/ials' }] }))).toEqual(['members.0.weight', 'members.1.weight']);
  });
});
