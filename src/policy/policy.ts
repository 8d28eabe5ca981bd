/**
 * @module The `Policy` contract: what every exploration policy does. A decision chooses one of the options
 * offered for a slot — distinct arms for the multi-armed policies, candidates (each with its arm and a context
 * vector) for the contextual ones — and returns it with its propensity, the probability that this policy, in
 * this state, picks that option from that offer (what off-policy evaluation divides by). `update` folds in one
 * observed reward; `toJSON` is the whole learned state, which `restorePolicy` (create-policy.ts) reads back.
 */
import type { PolicyId, PolicySpec } from '../core/config.js';

/** The options of one decision. */
export interface Offer {
  /** The arm of each option (indices into the policy's arms); distinct for a multi-armed policy. */
  arms: ArrayLike<number>;
  /** Contextual policies: the options' context vectors, row-major (options × dim). Ignored by multi-armed ones. */
  contexts?: Float64Array;
}

export interface Choice {
  /** Index of the chosen option in the offer. */
  option: number;
  /** The chosen option's arm. */
  arm: number;
  /** Probability that the policy picks this option from this offer, in (0, 1]. */
  propensity: number;
}

/** The saved state of a policy: its spec, its arms and dimension, the number of updates and its statistics. */
export interface PolicyState {
  format: 'resonate-policy';
  formatVersion: 1;
  spec: PolicySpec;
  arms: string[];
  dim: number;
  seed: number;
  updates: number;
  /** Per-policy statistics (plain arrays of numbers). */
  stats: Record<string, number[]>;
}

export interface Policy {
  readonly id: PolicyId;
  /** Whether decisions use the options' context vectors. */
  readonly contextual: boolean;
  /** Arm names (the feed's candidate sources). */
  readonly arms: readonly string[];
  /** Context dimension (0 for a multi-armed policy). */
  readonly dim: number;
  /** Rewards folded in so far. */
  readonly updates: number;
  choose(offer: Offer): Choice;
  /** Folds in one reward (0 or 1 for engagement) of `arm`, with the option's context for a contextual policy. */
  update(arm: number, reward: number, context?: Float64Array): void;
  toJSON(): PolicyState;
}

/** How a policy is made: its arms, the context dimension for the contextual ones, and the random seed. */
export interface PolicyOptions {
  arms: readonly string[];
  dim?: number;
  seed?: number;
}
