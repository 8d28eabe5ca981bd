/**
 * @module The impression log's rows: a served page (`ServedPage`, what the engine logs, one per feed response)
 * and a served item (`Impression`, what readers get back, one per post on a page), with what off-policy
 * evaluation and experiment reports need: the request id clients echo on their events to join feedback back,
 * and the probability with which the serving policy put that post at that position.
 */

/** The policy of the blended ranking: deterministic, so each of its items was placed with probability 1. */
export const BLEND_POLICY = 'blend';

/** One post of a served page. Without `exploration`, the page's blended ranking placed it (propensity 1). */
export interface ServedItem {
  postId: string;
  /** The candidate source that contributed most. */
  source: string;
  /** The blended score it was ranked by. */
  score: number;
  /** When an exploration policy placed it: the policy, what it chose (a candidate source) and with what probability. */
  exploration?: { policy: string; arm?: string; propensity: number };
}

/** One served feed page. */
export interface ServedPage {
  /** The response's id; events that answer it carry it as `request_id`. */
  requestId: string;
  userId: string;
  /** 0-based rank of the first item in the user's list. */
  offset: number;
  /** Experiment and arm the user was assigned to, when one runs (`experiment:arm`). */
  experiment?: string;
  /** Epoch ms at which the page was served. */
  at: number;
  items: readonly ServedItem[];
}

/** One served item as the log reads it back. */
export interface Impression {
  requestId: string;
  userId: string;
  postId: string;
  /** 0-based rank in the user's list (page offset + index on the page). */
  position: number;
  source: string;
  score: number;
  policy: string;
  arm?: string;
  propensity: number;
  experiment?: string;
  at: number;
}

/** Feed request ids: random UUIDs (version 4, lowercase). Any other string an event carries is malformed. */
export const REQUEST_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
