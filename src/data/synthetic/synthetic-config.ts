/**
 * @module The knobs of the synthetic social network, each with its default and why it has that value.
 *
 * Defaults are tuned so that `users: 2000` gives about 20,000 posts, 60,000 follows and 200,000 events over
 * 30 simulated days (see `generate-network.ts` for the model these knobs drive).
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { firstProblem } from '../schemas.js';
import { TOPICS } from './vocabulary.js';

export const syntheticConfigSchema = z.strictObject({
  /** Number of users. */
  users: z.number().int().min(2).max(50_000_000).default(2000),
  /** Seed of every random draw: the same seed gives byte-identical output. */
  seed: z.number().int().default(42),
  /** Number of topics T (at most the number of vocabularies in `vocabulary.ts`). */
  topics: z.number().int().min(1).max(TOPICS.length).default(12),
  /** Dirichlet concentration per topic for θ_u; 0.1 is sparse: most users put most mass on 1–3 topics. */
  alpha: z.number().positive().default(0.1),
  /** Length of the simulated period in days. */
  days: z.number().int().min(1).max(3650).default(30),
  /** Start of the simulated period, epoch ms (a fixed date, so output never depends on the clock). */
  start: z.number().int().default(Date.UTC(2024, 0, 1)),
  /** Mean number of posts per user over the period (posts total = users × postsPerUser). */
  postsPerUser: z.number().positive().default(10),
  /** σ of log activity: activity a_u = exp(σ·N(0,1) − σ²/2), mean 1; 1.2 gives a heavy tail (top 1% ≈ 10× mean). */
  activitySigma: z.number().min(0).default(1.2),
  /** Mean out-degree of the follow graph. */
  meanFollows: z.number().positive().default(30),
  /** σ of log out-degree (discrete log-normal); 1.0 makes max degree ≫ median. */
  followSigma: z.number().min(0).default(1.0),
  /** Cap on any user's out-degree (also capped at half the other users). */
  maxFollows: z.number().int().positive().default(2000),
  /** Pareto tail index of "fame", the weight with which a user attracts followers; 1.6 gives celebrity hubs. */
  fameTail: z.number().positive().default(1.6),
  /** Mean feed sessions per user per day (times activity). */
  sessionsPerDay: z.number().positive().default(0.32),
  /** Mean posts shown per session. */
  exposuresPerSession: z.number().positive().default(5),
  /** How far back a feed reaches, in hours. */
  windowHours: z.number().positive().default(72),
  /**
   * Coefficients of the engagement model P(engage) = σ(β₀ + β₁·θ_u[z_p] + β₂·follows(u, author) + β₃·log q_p).
   * β₀ = −3.2 keeps off-topic engagement near 4%; β₁ = 5 lifts it to ~70% on a user's main topic.
   */
  beta: z
    .strictObject({
      b0: z.number().default(-3.2),
      b1: z.number().default(5),
      b2: z.number().default(1),
      b3: z.number().default(0.5),
    })
    .prefault({}),
  /**
   * Share of posts that get one reply (a post with `reply_to`, id `r<k>`, written by another user within the hour).
   * 0 (the default) writes none, so every other planted quantity and the output of existing seeds stay as they were.
   */
  replyRate: z.number().min(0).max(1).default(0),
  /** Rows per emitted batch. */
  batchSize: z.number().int().positive().default(5000),
});

export type SyntheticConfig = z.input<typeof syntheticConfigSchema>;
export type ResolvedSyntheticConfig = z.output<typeof syntheticConfigSchema>;
export type EngagementBeta = ResolvedSyntheticConfig['beta'];

/** The network `resonate demo` and `resonate generate` build by default. */
export const DEMO_NETWORK = { users: 2000, seed: 42 } as const satisfies SyntheticConfig;

/** Fills defaults and validates; throws INVALID_INPUT naming the field. */
export function resolveSyntheticConfig(config: SyntheticConfig = {}): ResolvedSyntheticConfig {
  const parsed = syntheticConfigSchema.safeParse(config);
  if (!parsed.success) {
    const { field, problem } = firstProblem(parsed.error, 'synthetic');
    throw createError('INVALID_INPUT', { field, problem });
  }
  return parsed.data;
}
