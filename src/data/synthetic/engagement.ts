/**
 * @module The known preference model that synthetic events are drawn from.
 *
 * For user u shown post p (topic z_p, author a_p, quality q_p):
 *   π = σ(β₀ + β₁·θ_u[z_p] + β₂·[u follows a_p] + β₃·ln q_p)              engagement score
 *   P(like) = π,  P(comment) = 0.25·π,  P(share) = 0.12·π                   (independent draws)
 *   P(hide) = 0.06·(1 − θ_u[z_p])⁴,  P(report) = 0.005·(1 − θ_u[z_p])⁴      (rise as interest falls)
 *   dwell seconds = exp(ln(2 + 25·π) + 0.5·ε), ε ~ N(0,1), logged when ≥ 3 s
 * A view is logged on every exposure. Models that recover π (topic affinity, in-network, popularity) should
 * rank what the user actually engages with.
 */
import type { EngagementBeta } from './synthetic-config.js';

/** Per-type multipliers of π. */
export const ENGAGEMENT_RATES = { like: 1, comment: 0.25, share: 0.12 } as const;
/** Base rates of the negative signals, reached when θ_u[z_p] = 0. */
export const NEGATIVE_RATES = { hide: 0.06, report: 0.005 } as const;
/** Power of (1 − θ_u[z_p]) in the negative rates: 4 keeps them near zero unless interest is low. */
export const NEGATIVE_POWER = 4;
/** Dwell model: median seconds 2 + 25·π, log-normal spread 0.5; shorter dwells are not logged. */
export const DWELL = { base: 2, perScore: 25, sigma: 0.5, minLogged: 3 } as const;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** π = σ(β₀ + β₁·interest + β₂·followsAuthor + β₃·ln quality). */
export function engagementScore(beta: EngagementBeta, interest: number, followsAuthor: boolean, quality: number): number {
  return sigmoid(beta.b0 + beta.b1 * interest + (followsAuthor ? beta.b2 : 0) + beta.b3 * Math.log(quality));
}

/** P(hide) and P(report) for a post the user has interest θ_u[z_p] in. */
export function negativeProbabilities(interest: number): { hide: number; report: number } {
  const d = Math.pow(1 - interest, NEGATIVE_POWER);
  return { hide: NEGATIVE_RATES.hide * d, report: NEGATIVE_RATES.report * d };
}
