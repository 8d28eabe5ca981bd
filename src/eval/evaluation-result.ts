/**
 * @module The JSON an evaluation produces (`result.json`), read by reports, the CLI and the dashboard.
 */
import type { ProtocolName } from './splits/types.js';

export interface ModelResult {
  /** Registry id (`mf/ials`). */
  id: string;
  /** Display name when the same id runs with several parameter sets (defaults to `id`). */
  label?: string;
  /** Mean over seeds: `ndcg@10`, `map@10`, `precision@10`, … at the headline k, plus `auc` and beyond-accuracy. */
  metrics: Record<string, number>;
  /** Sample standard deviation over seeds (n − 1 denominator; 0 with one seed): the keys of `metrics`, plus `fitSeconds`. */
  std: Record<string, number>;
  /** Mean wall-clock seconds of `fit`. */
  fitSeconds: number;
  /** Mean wall-clock seconds to produce every test user's list. */
  recommendSeconds: number;
  /** Hyperparameters in effect (defaults filled). */
  params: Record<string, unknown>;
  /** Accuracy metrics at each k of the curve (from one list at the largest k): `atK["5"]["ndcg"]`. */
  atK: Record<string, Record<string, number>>;
}

export interface EvaluationResult {
  protocol: {
    /** A split protocol of items, `follow-links` (who-to-follow link prediction) or `hashtag-search` (search). */
    name: ProtocolName | 'follow-links' | 'hashtag-search';
    /** The protocol in words, for reports. */
    description: string;
    /** `full`: every item not seen in training is a candidate; `sampled`: positives + n sampled negatives. */
    ranking: 'full' | 'sampled';
    /** `warm`: test users with at least one training interaction (default); `all`: every test user. */
    users: 'warm' | 'all';
    options: Record<string, unknown>;
  };
  models: ModelResult[];
  /** First seed (the seed of a single-seed run). */
  seed: number;
  seeds: number[];
  /** Headline cut-off. */
  k: number;
  /** Cut-offs of the metric-vs-k curve. */
  ks: number[];
  data: { fingerprint: string; users: number; items: number; interactions: number };
  /** Mean number of evaluated test users per seed. */
  evaluatedUsers: number;
  /** Present when ranking is sampled: negatives per test user. */
  sampledNegatives?: number;
  /** ISO time the run finished. */
  createdAt: string;
}
