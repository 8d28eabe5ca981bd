/**
 * @module The who-to-follow models by id, for `resonate eval --task follow` and the engine: each heuristic
 * generator alone (the baselines), and `follow/default`, the learned ranker over every generator's pool.
 */
import { createError } from '../core/errors.js';
import { topCandidates, type Candidate, type Excluded } from './candidates.js';
import { candidatePool, FEATURE_NAMES, N_FEATURES } from './features.js';
import { rankerScore, trainFollowRanker, type FollowRanker, type RankerOptions } from './follow-ranker.js';
import { buildGenerators, type Generators, type SocialSignals } from './signals.js';

export const FOLLOW_MODEL_IDS = [
  'follow/common-neighbours', 'follow/adamic-adar', 'follow/personalized-pagerank', 'follow/salsa', 'follow/embedding', 'follow/default',
] as const;
export type FollowModelId = (typeof FOLLOW_MODEL_IDS)[number];

export interface FollowModel {
  readonly id: FollowModelId;
  /** Builds the generators (and trains the ranker, for `follow/default`) on a network. */
  fit(signals: SocialSignals, seed: number): void;
  /** The k best accounts for viewer u, best first, none excluded. */
  suggest(u: number, k: number, excluded: Excluded): Candidate[];
}

export function isFollowModelId(id: string): id is FollowModelId {
  return (FOLLOW_MODEL_IDS as readonly string[]).includes(id);
}

export function createFollowModel(id: string, options: RankerOptions = {}): FollowModel {
  if (!isFollowModelId(id)) throw createError('MODEL_UNKNOWN', { model: id, expected: FOLLOW_MODEL_IDS.join(', ') });
  return id === 'follow/default' ? new RankedFollowModel(options) : new HeuristicFollowModel(id, options);
}

const HEURISTIC: Record<Exclude<FollowModelId, 'follow/default'>, keyof Generators> = {
  'follow/common-neighbours': 'commonNeighbours',
  'follow/adamic-adar': 'adamicAdar',
  'follow/personalized-pagerank': 'pageRank',
  'follow/salsa': 'salsa',
  'follow/embedding': 'embedding',
};

class HeuristicFollowModel implements FollowModel {
  private generators: Generators | undefined;

  constructor(readonly id: Exclude<FollowModelId, 'follow/default'>, private readonly options: RankerOptions) {}

  fit(signals: SocialSignals): void {
    this.generators = buildGenerators(signals, this.options.generators);
  }

  suggest(u: number, k: number, excluded: Excluded): Candidate[] {
    const g = this.generators?.[HEURISTIC[this.id]];
    if (!g) throw createError('MODEL_NOT_FITTED', { model: this.id });
    return g.scores(u).top(k, excluded);
  }
}

/** A network too small to hide edges from is ranked by personalized PageRank alone (relative to the best). */
function trainOrFallBack(signals: SocialSignals, seed: number, options: RankerOptions): FollowRanker {
  try {
    return trainFollowRanker(signals, seed, options);
  } catch (e) {
    if ((e as { code?: string }).code !== 'DATASET_EMPTY') throw e;
    const weights = new Float64Array(N_FEATURES);
    weights[FEATURE_NAMES.indexOf('pagerank-relative')] = 1;
    return { weights, bias: 0, mean: new Float64Array(N_FEATURES), scale: new Float64Array(N_FEATURES).fill(1) };
  }
}

/** The generators' pooled candidates ordered by the learned ranker. */
export class RankedFollowModel implements FollowModel {
  readonly id = 'follow/default' as const;
  private fitted: { signals: SocialSignals; generators: Generators; ranker: FollowRanker } | undefined;

  constructor(private readonly options: RankerOptions = {}) {}

  fit(signals: SocialSignals, seed: number): void {
    const ranker = trainOrFallBack(signals, seed, this.options);
    this.fitted = { signals, generators: buildGenerators(signals, this.options.generators), ranker };
  }

  get ranker(): FollowRanker | undefined {
    return this.fitted?.ranker;
  }

  /** Bytes of the user vectors behind embedding neighbours. */
  get vectorBytes(): number {
    return this.fitted?.generators.embedding.bytes ?? 0;
  }

  suggest(u: number, k: number, excluded: Excluded): Candidate[] {
    if (!this.fitted) throw createError('MODEL_NOT_FITTED', { model: this.id });
    const { generators, signals, ranker } = this.fitted;
    const pool = candidatePool(generators, signals.graph, u, Math.max(this.options.perGenerator ?? 50, k), excluded, signals.profileSimilarity);
    const score = new Map<number, number>();
    pool.users.forEach((v, i) => score.set(v, rankerScore(ranker, pool.features, i * N_FEATURES)));
    // The ranker's probability σ(logit): same order as the logit, and positive (what `topCandidates` keeps).
    return topCandidates(pool.users, (v) => 1 / (1 + Math.exp(-score.get(v)!)), k, excluded);
  }
}
