/**
 * @module Hyperparameter tuning of one registered model: random search plus successive halving, always on a
 * validation split carved from the training part of the protocol's split — the test part is never scored.
 *
 * Resource (what a low rung saves): with `resource: 'auto'` (default) the model's own `epochs` or `iterations`
 * parameter when it has one (a rung at fraction f trains ⌈f·max⌉ epochs, max = the searched or default value),
 * otherwise the share of validation users scored (nested random subsets, so each rung re-scores a superset).
 * Epochs save fit time, which dominates for iterative models; validation users save scoring time for
 * closed-form models (EASE, kNN), which fit once per configuration anyway.
 *
 * Nested parameters are searched by dotted paths: `members.1.weight` sets the weight of a hybrid's second member
 * inside the `fixed` member list. Hybrid members are fitted once per (id, params) and reused across trials
 * (hybrid/fit-cache), so a search over blend weights costs scoring only. `folds: n` carves n validation splits
 * (seeds seed, seed + 1, …, each from the same training part) and averages the objective over them: less noise
 * when candidates differ by little.
 */
import { createError } from '../../core/errors.js';
import { noProgress, type Progress } from '../../core/progress.js';
import { createRng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { rowIndices } from '../../math/csr.js';
import { withMemberFitCache } from '../../models/hybrid/fit-cache.js';
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
  /** Parameters fixed for every trial; searched dotted paths (`members.0.weight`) are set inside them. */
  fixed?: Record<string, unknown>;
  /** Validation splits to average the objective over (default 1). */
  folds?: number;
  /**
   * msr only: the share of each group's training interactions the validation carve fits on (default: the
   * protocol's own ratio, 0.75). The carve's training part is then ratio × validationRatio of the data (0.75 × 0.75
   * = 56 % by default, against the 75 % the test split fits on); a larger share brings its density closer to the
   * test-time one, which matters for weights that trade members whose value depends on density (blend weights),
   * at the price of fewer validation positives per fold (more folds make up for it).
   */
  validationRatio?: number;
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
  validation: { users: number; protocol: ProtocolName; seed: number; folds: number; ratio?: number };
}

/**
 * `fixed` with every searched value written at its path: `a` sets a key, `a.b.2.c` walks objects and array
 * indices (copying what it touches, never mutating `fixed`). A path through a missing or scalar value is
 * INVALID_INPUT.
 */
export function withParams(fixed: Record<string, unknown>, params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fixed };
  for (const [path, value] of Object.entries(params)) {
    const keys = path.split('.');
    let node: Record<string, unknown> | unknown[] = out;
    for (let d = 0; d < keys.length - 1; d++) {
      const key = keys[d]!;
      const child: unknown = Array.isArray(node) ? node[Number(key)] : node[key];
      if (child === null || typeof child !== 'object') throw createError('INVALID_INPUT', { field: `space.${path}`, problem: `"${keys.slice(0, d + 1).join('.')}" is not an object or array in the fixed parameters` });
      const copy: Record<string, unknown> | unknown[] = Array.isArray(child) ? [...(child as unknown[])] : { ...(child as Record<string, unknown>) };
      if (Array.isArray(node)) node[Number(key)] = copy;
      else node[key] = copy;
      node = copy;
    }
    const last = keys[keys.length - 1]!;
    if (Array.isArray(node)) node[Number(last)] = value;
    else node[last] = value;
  }
  return out;
}

export async function tune(o: TuneOptions): Promise<TuneResult> {
  const { data, modelId, space, seed = 42, protocol = 'msr', k = 10, fixed = {}, folds = 1 } = o;
  if (!(Number.isInteger(folds) && folds >= 1)) throw createError('INVALID_INPUT', { field: 'folds', problem: `expected an integer ≥ 1, got ${folds}` });
  const metric = o.metric ?? `ndcg@${k}`;
  const create = o.createModel ?? registryCreate;
  // Fold f carves its validation part from the same training part (the test part stays aside) with seed + f.
  const train: Dataset = makeSplit(data, protocol, seed, o.protocolOptions ?? {}, false).train;
  const carve = carveOptions(protocol, o.protocolOptions ?? {}, o.validationRatio);
  const parts: { validation: SplitPart; order: number[] }[] = [];
  for (let f = 0; f < folds; f++) {
    const validation = f === 0 && o.validationRatio === undefined ? makeSplit(data, protocol, seed, o.protocolOptions ?? {}, true).validation! : makeSplit(train, protocol, seed + f, carve, false);
    const users = testUsers(validation.test, validation.train.interactions);
    if (users.length === 0) throw createError('DATASET_EMPTY', { what: 'validation users (too few interactions per user to carve a validation split)' });
    // Nested subsets for the users resource: one shuffle, rung r scores a prefix.
    parts.push({ validation, order: createRng((seed + f) ^ 0x5bd1e995).shuffle(Array.from(users)) });
  }
  const resource = resolveResource(o.resource ?? 'auto', create(modelId, withParams(fixed, {})), space);

  const evaluateFold = async (p: Record<string, unknown>, fraction: number, part: { validation: SplitPart; order: number[] }): Promise<number> => {
    let evalUsers = part.order;
    if (resource.kind === 'users') evalUsers = part.order.slice(0, Math.max(1, Math.ceil(fraction * part.order.length)));
    const model = create(modelId, p);
    await model.fit(part.validation.train, { seed });
    const lists = recommendLists(model, evalUsers, k);
    const relevant = evalUsers.map((u) => new Set<number>(rowIndices(part.validation.test, u)));
    const m = evaluateRankings({ lists, relevant, ks: [k] });
    if (!(metric in m)) throw createError('UNKNOWN_OPTION', { kind: 'metric', name: metric, expected: Object.keys(m).join(', ') });
    return m[metric]!;
  };
  const evaluate = async (params: Params, fraction: number): Promise<number> => {
    const p = withParams(fixed, params);
    if (resource.kind === 'param') {
      const max = typeof p[resource.param] === 'number' ? (p[resource.param] as number) : resource.max;
      p[resource.param] = Math.max(1, Math.ceil(fraction * max));
    }
    let total = 0;
    for (const part of parts) total += await evaluateFold(p, fraction, part);
    return total / parts.length;
  };

  const res = await withMemberFitCache(() => successiveHalving({ space, evaluate, budget: o.budget, eta: o.eta, halving: o.halving, seed, progress: o.progress ?? noProgress }));
  return {
    modelId,
    metric,
    best: { params: withParams(fixed, res.best.params), score: res.best.score },
    trials: res.trials,
    resource: resource.kind === 'param' ? resource.param : 'users',
    validation: { users: parts[0]!.order.length, protocol, seed, folds, ...(o.validationRatio === undefined ? {} : { ratio: o.validationRatio }) },
  };
}

/** Protocol options of the validation carve: the protocol's own, with msr's ratio replaced by `validationRatio`. */
function carveOptions(protocol: ProtocolName, options: ProtocolOptions, validationRatio: number | undefined): ProtocolOptions {
  if (validationRatio === undefined) return options;
  if (protocol !== 'msr') throw createError('INVALID_INPUT', { field: 'validationRatio', problem: `only the msr protocol has a ratio to carve by, got protocol ${protocol}` });
  if (!(validationRatio > 0 && validationRatio < 1)) throw createError('INVALID_INPUT', { field: 'validationRatio', problem: `expected a number in (0, 1), got ${validationRatio}` });
  return { ...options, msr: { ...options.msr, ratio: validationRatio } };
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
