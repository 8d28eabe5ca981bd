/**
 * @module Link-prediction evaluation of who-to-follow (`resonate eval --task follow`): for each seed, hide a random
 * 20 % of the follow edges (a friendship listed both ways is hidden both ways, `holdOutEdges`), fit every model
 * on the rest, and score the top-k suggestions of each user with at least one hidden and one kept out-edge
 * against that user's hidden edges (recall@k = hits / hidden edges of the user, nDCG@k with binary gains, MRR).
 * Suggestions never include the user or accounts the user still follows. The result has the shape of an item
 * evaluation (`result.json`: `{ models: [{ id, metrics: { "recall@20": … } }] }`).
 */
import { createError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { noProgress, throwIfAborted, type Progress } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { nnz } from '../../math/csr.js';
import { evaluableUsers, holdOutEdges } from '../../social/edge-holdout.js';
import { viewerExclusions } from '../../social/exclusions.js';
import { edgeCount, type FollowGraph } from '../../social/follow-graph.js';
import { createFollowModel, FOLLOW_MODEL_IDS } from '../../social/follow-models.js';
import type { RankerOptions } from '../../social/follow-ranker.js';
import { socialSignalsOf } from '../../social/signals.js';
import type { EvaluationResult, ModelResult } from '../evaluation-result.js';
import { dataFingerprint } from '../fingerprint.js';
import { evaluateRankings } from '../metrics/evaluate-rankings.js';
import { mean, sampleStd, seedList } from '../run-evaluation.js';

export interface FollowEvaluationOptions {
  data: Dataset;
  /** Follow model ids (`follow/…`), or `'all'`. */
  models: 'all' | readonly string[];
  /** Headline cut-off (default 20). */
  k?: number;
  /** Cut-offs reported (default 1, 5, 10, 20, 50). */
  ks?: readonly number[];
  seeds?: number | readonly number[];
  /** Share of edges hidden (default 0.2). */
  holdout?: number;
  /**
   * `validation`: hide the same share again inside each seed's training graph and score that carve instead, so
   * choices can be made without touching the hidden test edges (default `test`).
   */
  part?: 'test' | 'validation';
  /** Generator and ranker settings of every model. */
  modelOptions?: RankerOptions;
  progress?: Progress;
  signal?: AbortSignal;
  logger?: Logger;
}

const METRICS = ['recall', 'ndcg', 'mrr', 'precision', 'hit', 'map'];

/** The users evaluated and each one's hidden edges, for one seed: shared with peer scripts through a file. */
export function followSplit(graph: FollowGraph, holdout: number, seed: number): { train: FollowGraph; users: Int32Array; relevant: Set<number>[] } {
  const h = holdOutEdges(graph, holdout, seed);
  const users = evaluableUsers(h);
  const relevant = Array.from(users, (u) => new Set(h.hidden.indices.subarray(h.hidden.indptr[u]!, h.hidden.indptr[u + 1]!)));
  return { train: h.train, users, relevant };
}

export async function runFollowEvaluation(options: FollowEvaluationOptions): Promise<EvaluationResult> {
  const { data, k = 20, holdout = 0.2 } = options;
  const progress = options.progress ?? noProgress;
  if (!(Number.isInteger(k) && k >= 1)) throw createError('INVALID_INPUT', { field: 'k', problem: `expected an integer ≥ 1, got ${k}` });
  if (!(holdout > 0 && holdout < 1)) throw createError('INVALID_INPUT', { field: 'holdout', problem: `expected a share between 0 and 1, got ${holdout}` });
  if (nnz(data.follows) === 0) throw createError('DATASET_EMPTY', { what: 'follows' });
  const ids = options.models === 'all' || options.models.includes('all') ? [...FOLLOW_MODEL_IDS] : [...options.models];
  for (const id of ids) createFollowModel(id); // unknown ids fail before any work
  const ks = [...new Set([...(options.ks ?? [1, 5, 10, 20, 50]), k])].filter((x) => Number.isInteger(x) && x >= 1).sort((a, b) => a - b);
  const seeds = seedList(options.seeds ?? 1);
  const signals = socialSignalsOf(data);
  const runs = ids.map(() => [] as { metrics: Record<string, number>; fit: number; rec: number }[]);
  const evaluated: number[] = [];
  let done = 0;
  for (const seed of seeds) {
    const outer = followSplit(signals.graph, holdout, seed);
    const split = options.part === 'validation' ? followSplit(outer.train, holdout, seed) : outer;
    if (split.users.length === 0) throw createError('DATASET_EMPTY', { what: 'users with both a hidden and a kept follow' });
    evaluated.push(split.users.length);
    for (let m = 0; m < ids.length; m++) {
      throwIfAborted(options.signal, 'evaluation');
      progress(done, ids.length * seeds.length, `${ids[m]} seed ${seed}`);
      const model = createFollowModel(ids[m]!, options.modelOptions);
      const t0 = performance.now();
      model.fit({ ...signals, graph: split.train }, seed);
      const t1 = performance.now();
      const depth = ks[ks.length - 1]!;
      const lists = Array.from(split.users, (u) => Int32Array.from(model.suggest(u, depth, viewerExclusions(split.train, u)), (c) => c.user));
      const t2 = performance.now();
      const all = evaluateRankings({ lists, relevant: split.relevant, ks });
      const metrics = Object.fromEntries(Object.entries(all).filter(([key]) => METRICS.includes(key.slice(0, key.lastIndexOf('@')))));
      runs[m]!.push({ metrics, fit: (t1 - t0) / 1000, rec: (t2 - t1) / 1000 });
      options.logger?.info({ model: ids[m], seed, [`recall@${k}`]: metrics[`recall@${k}`] }, 'evaluated');
      progress(++done, ids.length * seeds.length, `${ids[m]} seed ${seed}: done`);
    }
  }
  return {
    protocol: {
      name: 'follow-links',
      description: (options.part === 'validation' ? 'VALIDATION carve (the same holdout applied to the training graph; the test edges unused) of: ' : '') + `link prediction: ${Math.round(holdout * 100)} % of the follow edges hidden at random (a follow listed both ways hidden both ways); each user with a hidden and a kept follow ranks every account they do not follow; relevant = their hidden follows`,
      ranking: 'full',
      users: 'warm',
      options: { holdout },
    },
    models: ids.map((id, m) => summarise(id, runs[m]!, k, ks)),
    seed: seeds[0]!,
    seeds,
    k,
    ks,
    data: { fingerprint: dataFingerprint(data), users: data.users.size, items: data.users.size, interactions: edgeCount(signals.graph) },
    evaluatedUsers: mean(evaluated),
    createdAt: new Date().toISOString(),
  };
}

function summarise(id: string, runs: { metrics: Record<string, number>; fit: number; rec: number }[], k: number, ks: readonly number[]): ModelResult {
  const metrics: Record<string, number> = {}, std: Record<string, number> = {};
  for (const key of Object.keys(runs[0]!.metrics).filter((x) => x.endsWith(`@${k}`))) {
    metrics[key] = mean(runs.map((r) => r.metrics[key]!));
    std[key] = sampleStd(runs.map((r) => r.metrics[key]!));
  }
  std.fitSeconds = sampleStd(runs.map((r) => r.fit));
  const atK = Object.fromEntries(ks.map((kk) => [String(kk), Object.fromEntries(METRICS.map((name) => [name, mean(runs.map((r) => r.metrics[`${name}@${kk}`]!))]))]));
  return { id, metrics, std, fitSeconds: mean(runs.map((r) => r.fit)), recommendSeconds: mean(runs.map((r) => r.rec)), params: {}, atK };
}
