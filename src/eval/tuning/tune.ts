/**
 * @module Hyperparameter tuning of one registered model: random search plus successive halving, always on a
 * validation split carved from the training part of the protocol's split — the test part is never scored.
 *
 * Resource (what a low rung saves): with `resource: 'auto'` (default) the model's own `epochs` or `iterations`
 * parameter when it has one (a rung at fraction f trains ⌈f·max⌉ epochs, max = the searched or default value),
 * otherwise the share of validation users scored (nested random subsets, so each rung re-scores a superset).
 * Epochs save fit time, which dominates for iterative models; validation users save scoring time for
 * closed-form models (EASE, kNN), which fit once per configuration anyway.
 */
import { createError } from '../../core/errors.js';
import { noProgress, type Progress } from '../../core/progress.js';
import { createRng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { rowIndices } from '../../math/csr.js';
import type { Recommender } from '../../models/recommender.js';
import { createModel as registryCreate } from '../../models/registry.js';
import { evaluateRankings } from '../metrics/evaluate-rankings.js';
import { recommendLists } from '../recommend-lists.js';
import { makeSplit, type ProtocolOptions } from '../splits/make-split.js';
import { testUsers } from '../splits/pairs.js';
import type { ProtocolName, SplitPart } from '../splits/types.js';
import type { Params, SearchSpace } from './search-space.js';
import { successiveHalving, type Trial } from './successive-halving.js';

export interface TuneOptions {
  /** The full dataset: the protocol's test part is set aside, validation is carved from the rest. */
  data: Dataset;
  modelId: string;
  space: SearchSpace;
  /** Number of random configurations (default 27). */
  budget?: number;
  seed?: number;
  /** Split protocol (default `msr`). */
  protocol?: ProtocolName;
  protocolOptions?: ProtocolOptions;
  /** Objective, a key of `evaluateRankings` at k (default `ndcg@k`). */
  metric?: string;
  k?: number;
  /** Successive-halving factor η (default 3). */
  eta?: number;
  /** false: plain random search (default true). */
  halving?: boolean;
  /** What a rung's resource fraction scales (see the module comment). */
  resource?: 'auto' | 'users' | { param: string; max: number };
  /** Parameters fixed for every trial. */
  fixed?: Record<string, unknown>;
  progress?: Progress;
  createModel?: (id: string, params?: Record<string, unknown>) => Recommender;
}

export interface TuneResult {
  modelId: string;
  metric: string;
  best: { params: Record<string, unknown>; score: number };
  trials: Trial[];
  /** What the resource fraction scaled: `users` or the parameter name. */
  resource: string;
  validation: { users: number; protocol: ProtocolName; seed: number };
}

export async function tune(o: TuneOptions): Promise<TuneResult> {
  const { data, modelId, space, seed = 42, protocol = 'msr', k = 10, fixed = {} } = o;
  const metric = o.metric ?? `ndcg@${k}`;
  const create = o.createModel ?? registryCreate;
  const split = makeSplit(data, protocol, seed, o.protocolOptions ?? {}, true);
  const validation: SplitPart = split.validation!;
  const users = testUsers(validation.test, validation.train.interactions);
  if (users.length === 0) throw createError('DATASET_EMPTY', { what: 'validation users (too few interactions per user to carve a validation split)' });
  // Nested subsets for the users resource: one shuffle, rung r scores a prefix.
  const order = createRng(seed ^ 0x5bd1e995).shuffle(Array.from(users));
  const resource = resolveResource(o.resource ?? 'auto', create(modelId, { ...fixed }), space);

  const evaluate = async (params: Params, fraction: number): Promise<number> => {
    const p: Record<string, unknown> = { ...fixed, ...params };
    let evalUsers = order;
    if (resource.kind === 'param') {
      const max = typeof p[resource.param] === 'number' ? (p[resource.param] as number) : resource.max;
      p[resource.param] = Math.max(1, Math.ceil(fraction * max));
    } else {
      evalUsers = order.slice(0, Math.max(1, Math.ceil(fraction * order.length)));
    }
    const model = create(modelId, p);
    await model.fit(validation.train, { seed });
    const lists = recommendLists(model, evalUsers, k);
    const relevant = evalUsers.map((u) => new Set<number>(rowIndices(validation.test, u)));
    const m = evaluateRankings({ lists, relevant, ks: [k] });
    if (!(metric in m)) throw createError('UNKNOWN_OPTION', { kind: 'metric', name: metric, expected: Object.keys(m).join(', ') });
    return m[metric]!;
  };

  const res = await successiveHalving({ space, evaluate, budget: o.budget, eta: o.eta, halving: o.halving, seed, progress: o.progress ?? noProgress });
  return {
    modelId,
    metric,
    best: { params: { ...fixed, ...res.best.params }, score: res.best.score },
    trials: res.trials,
    resource: resource.kind === 'param' ? resource.param : 'users',
    validation: { users: users.length, protocol, seed },
  };
}

const EPOCH_PARAMS = ['epochs', 'iterations'];

function resolveResource(r: NonNullable<TuneOptions['resource']>, probe: Recommender, space: SearchSpace): { kind: 'users' } | { kind: 'param'; param: string; max: number } {
  if (r === 'users') return { kind: 'users' };
  if (typeof r === 'object') return { kind: 'param', param: r.param, max: r.max };
  for (const name of EPOCH_PARAMS) {
    const def = probe.params[name];
    const s = space[name];
    if (typeof def === 'number') return { kind: 'param', param: name, max: s && s.type !== 'choice' ? s.max : def };
  }
  return { kind: 'users' };
}
