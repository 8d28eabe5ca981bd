import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig } from '../core/config.js';
import { createRng } from '../core/rng.js';
import type { Dataset } from '../data/dataset.js';
import { writeDatasetToStore } from '../data/dataset-to-store.js';
import { CATALOG_AUTHOR } from '../data/importers/types.js';
import { createEngine } from './create-engine.js';
import { feedModel } from './feed-model.js';
import { loadEvaluationData } from '../eval/load-data.js';
import type { ListModelFactory } from '../eval/list-model.js';
import { runEvaluation } from '../eval/run-evaluation.js';
import { registerBuiltinModels } from '../models/builtin.js';

registerBuiltinModels();
import { openStore } from '../storage/open-store.js';

const dir = mkdtempSync(join(tmpdir(), 'feed-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A planted catalogue in the jsonl format: 40 users in two taste groups, 24 items by `__catalog__` without text;
 * group g rates 8 of its own 12 items (4 or 5 stars) and 1 item of the other group, in 2020 (historical data).
 */
function plantedJsonl(): string {
  const rng = createRng(7);
  const lines: object[] = [{ kind: 'user', id: CATALOG_AUTHOR }];
  const t0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < 24; i++) lines.push({ kind: 'post', id: `m${i}`, author: CATALOG_AUTHOR, created_at: t0, tags: [i < 12 ? 'A' : 'B'] });
  let e = 0;
  for (let u = 0; u < 40; u++) {
    lines.push({ kind: 'user', id: `u${u}` });
    const own = u < 20 ? 0 : 12, other = u < 20 ? 12 : 0;
    const picked = rng.shuffle(Array.from({ length: 12 }, (_, j) => own + j)).slice(0, 8);
    picked.push(other + rng.int(12));
    for (const i of picked) {
      lines.push({ kind: 'event', id: `e${e++}`, user: `u${u}`, type: 'rating', post: `m${i}`, value: 4 + rng.int(2), timestamp: t0 + 3_600_000 * (1 + rng.int(24 * 60)) });
    }
  }
  const path = join(dir, 'planted.jsonl');
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return path;
}

/** Random lists (seeded): the floor the feed must beat. */
const randomModel: ListModelFactory = () => {
  let train: Dataset | undefined, seed = 0;
  return {
    params: {},
    fit(t, options) {
      train = t;
      seed = options.seed ?? 0;
      return Promise.resolve();
    },
    recommendLists(users, depth) {
      const rng = createRng(seed);
      const m = train!.interactions;
      return Promise.resolve(Array.from(users, (u) => {
        const seen = new Set(m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!));
        const unseen = Array.from({ length: train!.items.size }, (_, i) => i).filter((i) => !seen.has(i));
        return Int32Array.from(rng.shuffle(unseen).slice(0, depth));
      }));
    },
  };
};

const config = validateConfig({ models: { ranker: true }, feed: { rankerWeight: 0.5 } });

describe('feed model (the served feed evaluated like any model)', () => {
  const path = plantedJsonl();

  it('appears in the result beside the lab models, above random, on jsonl catalogue data', async () => {
    const data = await loadEvaluationData(`jsonl:${path}`, config.weights);
    const perUser = { msr: { filterBy: 'user' as const } };
    const result = await runEvaluation({
      data, protocol: 'msr', protocolOptions: perUser, k: 5, seeds: 1,
      models: ['feed', 'popular/trending', 'test/random'],
      listModels: { feed: feedModel({ config }), 'test/random': randomModel },
    });
    expect(result.models.map((m) => m.id)).toEqual(['feed', 'popular/trending', 'test/random']);
    const [feed, popular, random] = result.models;
    expect(feed!.metrics['ndcg@5']).toBeGreaterThan(random!.metrics['ndcg@5']! + 0.1);
    expect(feed!.metrics['hit@5']).toBeGreaterThan(random!.metrics['hit@5']!);
    expect(popular!.metrics['ndcg@5']).toBeGreaterThan(0);
    // Lists are pages, not full rankings: no AUC for the feed; the lab model keeps its own.
    expect(feed!.metrics.auc).toBeUndefined();
    expect(popular!.metrics.auc).toBeGreaterThan(0);
    expect(feed!.params).toMatchObject({ models: config.models.train, ranker: true });
    expect(feed!.fitSeconds).toBeGreaterThan(0);
  }, 120_000);

  it('runs under the leave-one-out and temporal protocols', async () => {
    const data = await loadEvaluationData(`jsonl:${path}`, config.weights);
    for (const protocol of ['loo', 'temporal'] as const) {
      const result = await runEvaluation({ data, protocol, k: 5, models: ['feed'], listModels: { feed: feedModel({ config: { ...config, models: { ...config.models, ranker: false } } }) } });
      expect(result.models[0]!.id).toBe('feed');
      expect(result.models[0]!.metrics['hit@5']).toBeGreaterThan(0);
    }
  }, 120_000);

  it('fills a first page with catalogue items (the author cap does not apply to __catalog__)', async () => {
    const data = await loadEvaluationData(`jsonl:${path}`, config.weights);
    const store = await openStore('sqlite://:memory:');
    await writeDatasetToStore(data, store, { weights: config.weights });
    const engine = await createEngine({ store, config: { ...config, models: { ...config.models, ranker: false, behavior: false } } });
    try {
      await engine.train({ save: false, secondary: false });
      const page = await engine.feed('u0', { pageSize: 5 });
      expect(DEFAULT_CONFIG.feed.authorCap).toBeLessThan(5);
      expect(page.items).toHaveLength(5);
      const seen = new Set(data.interactions.indices.subarray(data.interactions.indptr[data.users.index('u0')]!, data.interactions.indptr[data.users.index('u0') + 1]!));
      for (const it of page.items) expect(seen.has(data.items.index(it.postId))).toBe(false);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
