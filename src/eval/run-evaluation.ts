/**
 * @module The experiment runner: split the data by a protocol, fit every model on the training part, ask it
 * for each test user's top-k in batches (`recommend(users, { k, excludeSeen: true })`), score the lists, and
 * repeat over seeds; returns means with standard deviations beside them.
 *
 * Seeds: `seeds: n` runs seeds 42, 43, …, 42 + n − 1 (42 first, as Microsoft Recommenders); a list runs those
 * seeds. Each seed drives the split (msr), the negative sampling and the model's `fit`.
 * Ranking is over the full catalogue by default (every item the user did not train on is a candidate);
 * `sampledNegatives: n` ranks each user's test items among n sampled unseen items instead (SASRec), and the
 * result says `ranking: 'sampled'`.
 *
 * List models (`listModels`, e.g. the served feed) are fitted the same way and asked for each test user's list
 * asynchronously; their lists are not full rankings, so they get no `auc`, and they cannot rank sampled
 * candidates.
 */
import { createError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { noProgress, throwIfAborted, type Progress } from '../core/progress.js';
import { createRng } from '../core/rng.js';
import type { Dataset } from '../data/dataset.js';
import { CATALOG_AUTHOR } from '../data/importers/types.js';
import { nnz, rowIndices, rowNnz } from '../math/csr.js';
import type { Recommender } from '../models/recommender.js';
import { createModel as registryCreate, modelIds } from '../models/registry.js';
import type { EvaluationResult, ModelResult } from './evaluation-result.js';
import { dataFingerprint } from './fingerprint.js';
import { cosineFromVectors, tagJaccardSimilarity } from './metrics/beyond-accuracy.js';
import { evaluateRankings } from './metrics/evaluate-rankings.js';
import { describeProtocol, makeSplit, PROTOCOLS, type ProtocolOptions } from './splits/make-split.js';
import { testUsers } from './splits/pairs.js';
import type { ProtocolName } from './splits/types.js';
import { sampleNegatives } from './sampled-negatives.js';
import { recommendLists } from './recommend-lists.js';
import type { ListModelFactory } from './list-model.js';

export type Protocol = ProtocolName;

/** A registry id, or an id with parameters (and a label to tell variants apart). */
export type ModelSpec = string | { id: string; params?: Record<string, unknown>; label?: string };

export interface EvaluationOptions {
  data: Dataset;
  /** Split protocol (default `msr`). */
  protocol?: Protocol;
  protocolOptions?: ProtocolOptions;
  /** Models to compare; `'all'` (alone or as an entry) expands to every registered id. */
  models: 'all' | readonly (ModelSpec | 'all')[];
  /** Headline cut-off (default 10). */
  k?: number;
  /** Cut-offs of the metric-vs-k curve (default 1, 5, 10, 20, 50); all come from one list at the largest. */
  ks?: readonly number[];
  /** Number of seeds (42, 43, …) or the list of seeds (default 1 → [42]). */
  seeds?: number | readonly number[];
  /** Rank among this many sampled negatives per user instead of the full catalogue. */
  sampledNegatives?: number;
  /**
   * `validation`: fit on and score the validation carve of each split's training part (the same protocol applied
   * to the training part), so choices can be made without ever scoring the test part (default `test`).
   */
  part?: 'test' | 'validation';
  /** Which test users count (default `warm`: those with training history, as MSR's common users). */
  users?: 'warm' | 'all';
  /**
   * Per-user AUC needs the whole ranking: always computed when sampled; in full ranking when `true`, or with
   * `'auto'` (default) when the catalogue has at most 5 000 items (one full sort per user stays cheap).
   */
  auc?: boolean | 'auto';
  /** Coverage, Gini, ILD, novelty, popularity bias at the headline k (default true). */
  beyondAccuracy?: boolean;
  /**
   * Item vectors for intra-list diversity (cosine), e.g. embeddings or tag vectors; default: binary
   * co-occurrence columns of each split's training matrix.
   */
  itemVectors?: (item: number) => ArrayLike<number>;
  progress?: Progress;
  signal?: AbortSignal;
  logger?: Logger;
  /** Score at most this many test users per seed (a seeded uniform sample); default all. */
  maxUsers?: number;
  /** Builds a model (default: the registry). */
  createModel?: (id: string, params?: Record<string, unknown>) => Recommender;
  /** Models by id that answer lists asynchronously (e.g. `feed`, the whole engine); checked before `createModel`. */
  listModels?: Readonly<Record<string, ListModelFactory>>;
}

/** Catalogue size up to which `auc: 'auto'` ranks the full catalogue per user. */
const AUTO_AUC_MAX_ITEMS = 5000;
const DEFAULT_KS = [1, 5, 10, 20, 50];

export async function runEvaluation(options: EvaluationOptions): Promise<EvaluationResult> {
  const { data, protocol = 'msr', protocolOptions = {}, k = 10, users: userMode = 'warm', beyondAccuracy = true } = options;
  const progress = options.progress ?? noProgress;
  if (!PROTOCOLS.includes(protocol)) throw createError('UNKNOWN_OPTION', { kind: 'protocol', name: String(protocol), expected: PROTOCOLS.join(', ') });
  if (!(Number.isInteger(k) && k >= 1)) throw createError('INVALID_INPUT', { field: 'k', problem: `expected an integer ≥ 1, got ${k}` });
  if (nnz(data.interactions) === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
  const seeds = seedList(options.seeds ?? 1);
  const specs = expandModels(options.models);
  const ks = [...new Set([...(options.ks ?? DEFAULT_KS), k])].filter((x) => Number.isInteger(x) && x >= 1).sort((a, b) => a - b);
  const sampled = options.sampledNegatives;
  if (sampled !== undefined && !(Number.isInteger(sampled) && sampled >= 1)) {
    throw createError('INVALID_INPUT', { field: 'sampledNegatives', problem: `expected an integer ≥ 1, got ${sampled}` });
  }
  const nItems = data.items.size;
  const auc = sampled !== undefined || options.auc === true || ((options.auc ?? 'auto') === 'auto' && nItems <= AUTO_AUC_MAX_ITEMS);
  const create = options.createModel ?? registryCreate;
  const itemSimilarity = options.itemVectors ? cosineFromVectors(options.itemVectors) : undefined;
  // Topic diversity and author coverage where the data has them (catalogue items have no author of their own).
  const tagSimilarity = data.itemTags.some((t) => t.length > 0) ? tagJaccardSimilarity(data.itemTags) : undefined;
  const catalog = data.users.index(CATALOG_AUTHOR);
  const authorOf = data.itemAuthors.some((a) => a >= 0 && a !== catalog) ? (item: number): number => (data.itemAuthors[item] === catalog ? -1 : data.itemAuthors[item]!) : undefined;

  const listModelOf = (id: string): ListModelFactory | undefined => (options.listModels && Object.hasOwn(options.listModels, id) ? options.listModels[id] : undefined);
  const listSpec = specs.find((s) => listModelOf(s.id));
  if (listSpec && sampled !== undefined) {
    throw createError('INVALID_INPUT', { field: 'sampledNegatives', problem: `model ${listSpec.id} answers lists, it cannot rank sampled candidates` });
  }

  // runs[m][s]: metrics of model m at seed s.
  const runs = specs.map(() => [] as { metrics: Record<string, number>; fit: number; rec: number }[]);
  const params: Record<string, unknown>[] = specs.map(() => ({}));
  const evaluated: number[] = [];
  const total = seeds.length * specs.length;
  let done = 0;
  for (const seed of seeds) {
    const outer = makeSplit(data, protocol, seed, protocolOptions, false);
    const split = options.part === 'validation' ? makeSplit(outer.train, protocol, seed, protocolOptions, false) : outer;
    const users = sampleUsers(testUsers(split.test, userMode === 'warm' ? split.train.interactions : undefined), options.maxUsers, seed);
    if (users.length === 0) throw createError('DATASET_EMPTY', { what: `test users with held-out interactions under protocol ${protocol}` });
    evaluated.push(users.length);
    const relevant = Array.from(users, (u) => new Set<number>(rowIndices(split.test, u)));
    // Sampled candidates: the user's test items and the sampled negatives, shuffled so that score ties (which
    // rankers break by position) favour no side; the same order for every model.
    const candidates = sampled === undefined ? undefined : Array.from(users, (u, j) => {
      const rng = createRng(seed * 1_000_003 + u);
      return Int32Array.from(rng.shuffle([...relevant[j]!, ...sampleNegatives(data.interactions, u, sampled, rng)]));
    });
    for (let m = 0; m < specs.length; m++) {
      throwIfAborted(options.signal, 'evaluation');
      const spec = specs[m]!;
      progress(done, total, `${spec.label ?? spec.id} seed ${seed}: fit`);
      const listFactory = listModelOf(spec.id);
      const depth = auc && !listFactory ? nItems : ks[ks.length - 1]!;
      let fit: number, rec: number, lists: Int32Array[];
      if (listFactory) {
        const model = listFactory({ data, params: spec.params });
        params[m] = { ...model.params };
        try {
          const t0 = performance.now();
          await model.fit(split.train, { seed, signal: options.signal, logger: options.logger });
          fit = (performance.now() - t0) / 1000;
          progress(done, total, `${spec.label ?? spec.id} seed ${seed}: recommend`);
          const t1 = performance.now();
          lists = await model.recommendLists(Int32Array.from(users), depth, { k, signal: options.signal });
          rec = (performance.now() - t1) / 1000;
        } finally {
          await model.close?.();
        }
      } else {
        const model = create(spec.id, spec.params);
        params[m] = { ...model.params };
        const t0 = performance.now();
        await model.fit(split.train, { seed, signal: options.signal, logger: options.logger });
        fit = (performance.now() - t0) / 1000;
        progress(done, total, `${spec.label ?? spec.id} seed ${seed}: recommend`);
        const t1 = performance.now();
        lists = sampled === undefined
          ? recommendLists(model, users, depth)
          : Array.from(users, (u, j) => Int32Array.from(model.recommend(u, { k: candidates![j]!.length, candidates: candidates![j]!, excludeSeen: true }), (r) => r.item));
        rec = (performance.now() - t1) / 1000;
      }
      const aucCandidates = !auc || listFactory ? undefined : sampled === undefined
        ? Int32Array.from(users, (u) => nItems - rowNnz(split.train.interactions, u))
        : Int32Array.from(users, (_, j) => candidates![j]!.length);
      const metrics = evaluateRankings({
        lists, relevant, ks, aucCandidates,
        beyond: beyondAccuracy ? { train: split.train.interactions, ks: [k], similarity: itemSimilarity, tagSimilarity, authorOf } : undefined,
      });
      runs[m]!.push({ metrics, fit, rec });
      options.logger?.info({ model: spec.id, seed, fitSeconds: fit, [`ndcg@${k}`]: metrics[`ndcg@${k}`] }, 'evaluated');
      progress(++done, total, `${spec.label ?? spec.id} seed ${seed}: done`);
    }
  }

  const models: ModelResult[] = specs.map((spec, m) => summarise(spec, params[m]!, runs[m]!, k, ks));
  const result: EvaluationResult = {
    protocol: {
      name: protocol,
      description: (options.part === 'validation' ? 'VALIDATION carve (the same protocol applied to the training part; the test part unused) of: ' : '') + describeProtocol(protocol, protocolOptions) +
        (sampled === undefined ? '; full ranking over every item the user did not train on'
          : `; SAMPLED ranking: each user's test items among ${sampled} sampled items the user never interacted with`),
      ranking: sampled === undefined ? 'full' : 'sampled',
      users: userMode,
      options: { ...(protocolOptions[protocol] ?? {}) },
    },
    models,
    seed: seeds[0]!,
    seeds,
    k,
    ks,
    data: { fingerprint: dataFingerprint(data), users: data.users.size, items: nItems, interactions: nnz(data.interactions) },
    evaluatedUsers: evaluated.reduce((a, b) => a + b, 0) / evaluated.length,
    createdAt: new Date().toISOString(),
  };
  if (sampled !== undefined) result.sampledNegatives = sampled;
  return result;
}

/** `n` → [42, …, 42 + n − 1]; a list is used as given. */
export function seedList(seeds: number | readonly number[]): number[] {
  if (typeof seeds === 'number') {
    if (!(Number.isInteger(seeds) && seeds >= 1)) throw createError('INVALID_INPUT', { field: 'seeds', problem: `expected a count ≥ 1 or a list of seeds, got ${seeds}` });
    return Array.from({ length: seeds }, (_, i) => 42 + i);
  }
  if (seeds.length === 0) throw createError('INVALID_INPUT', { field: 'seeds', problem: 'the seed list is empty' });
  return [...seeds];
}

function buildsWithDefaults(id: string): boolean {
  try {
    registryCreate(id, {});
    return true;
  } catch {
    return false;
  }
}

function expandModels(models: EvaluationOptions['models']): { id: string; params?: Record<string, unknown>; label?: string }[] {
  const list = models === 'all' ? ['all' as const] : models;
  const out: { id: string; params?: Record<string, unknown>; label?: string }[] = [];
  for (const m of list) {
    // Models that need parameters to exist at all (hybrids need their members) are left out of `all`.
    if (m === 'all') out.push(...modelIds().filter(buildsWithDefaults).map((id) => ({ id })));
    else out.push(typeof m === 'string' ? { id: m } : m);
  }
  if (out.length === 0) throw createError('INVALID_INPUT', { field: 'models', problem: 'no model to evaluate (is the model registry loaded? call registerBuiltinModels() from src/models/builtin.js)' });
  return out;
}

function summarise(
  spec: { id: string; label?: string },
  params: Record<string, unknown>,
  runs: { metrics: Record<string, number>; fit: number; rec: number }[],
  k: number,
  ks: readonly number[],
): ModelResult {
  const headline = (key: string): boolean => key === 'auc' || key.endsWith(`@${k}`);
  const keys = Object.keys(runs[0]!.metrics);
  const metrics: Record<string, number> = {}, std: Record<string, number> = {};
  for (const key of keys.filter(headline)) {
    const v = runs.map((r) => r.metrics[key]!);
    metrics[key] = mean(v);
    std[key] = sampleStd(v);
  }
  std.fitSeconds = sampleStd(runs.map((r) => r.fit));
  const atK: Record<string, Record<string, number>> = {};
  for (const kk of ks) {
    const row: Record<string, number> = {};
    for (const key of keys) {
      const at = key.lastIndexOf('@');
      if (at > 0 && key.slice(at + 1) === String(kk)) row[key.slice(0, at)] = mean(runs.map((r) => r.metrics[key]!));
    }
    atK[String(kk)] = row;
  }
  const out: ModelResult = {
    id: spec.id,
    metrics,
    std,
    fitSeconds: mean(runs.map((r) => r.fit)),
    recommendSeconds: mean(runs.map((r) => r.rec)),
    params,
    atK,
  };
  if (spec.label !== undefined) out.label = spec.label;
  return out;
}

export function mean(v: readonly number[]): number {
  return v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sampleStd(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}


/** A seeded uniform sample of at most `max` users, in ascending order (all of them when `max` is unset). */
function sampleUsers(users: Int32Array, max: number | undefined, seed: number): Int32Array {
  if (max === undefined || users.length <= max) return users;
  const picked = createRng(seed * 7919 + users.length).shuffle(Array.from(users)).slice(0, max);
  return Int32Array.from(picked.sort((a, b) => a - b));
}
