/**
 * @module The impression log's row: one served feed item, with what off-policy evaluation and experiment reports
 * need to join feedback back to it (the request id clients echo on their events) and to re-weight it (the
 * probability with which the serving policy put that post at that position).
 */

/** One feed item as it was served. */
export interface Impression {
  /** The feed response's id; events that answer it carry it as `request_id`. */
  requestId: string;
  userId: string;
  postId: string;
  /** 0-based rank in the user's list (page offset + index on the page). */
  position: number;
  /** The candidate source that contributed most. */
  source: string;
  /** The blended score it was ranked by. */
  score: number;
  /** The policy that placed it: `blend` for the ranked list, an exploration policy's id for its slots. */
  policy: string;
  /** What that policy chose (a source for the multi-armed policies); absent for the ranked list. */
  arm?: string;
  /** Probability with which the policy put this post at this position (1 for the deterministic ranking). */
  propensity: number;
  /** Experiment and arm the user was assigned to, when one runs (`experiment:arm`). */
  experiment?: string;
  /** Epoch ms at which the page was served. */
  at: number;
}

/** Feed request ids: random UUIDs (version 4, lowercase). Any other string an event carries is malformed. */
export const REQUEST_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
