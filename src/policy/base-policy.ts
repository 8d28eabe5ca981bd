/**
 * @module What every policy shares: its spec, arms and dimension, a seeded random stream, the update count, and
 * the saved state (`toJSON`) with its checks on restore. A restored policy draws from a stream seeded by
 * (seed, updates), so it does not replay the decisions it made before it was saved.
 */
import type { PolicySpec } from '../core/config.js';
import { createError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import type { Choice, Offer, Policy, PolicyOptions, PolicyState } from './policy.js';

export abstract class BasePolicy<S extends PolicySpec> implements Policy {
  readonly arms: readonly string[];
  readonly dim: number;
  readonly seed: number;
  updates = 0;
  protected rng: Rng;

  constructor(readonly spec: S, options: PolicyOptions, readonly contextual: boolean) {
    if (options.arms.length === 0) throw createError('INVALID_INPUT', { field: 'arms', problem: 'a policy needs at least one arm' });
    this.arms = [...options.arms];
    this.dim = contextual ? (options.dim ?? 0) : 0;
    if (contextual && !(Number.isInteger(this.dim) && this.dim >= 1)) throw createError('INVALID_INPUT', { field: 'dim', problem: `a contextual policy needs an integer dimension ≥ 1, got ${options.dim}` });
    this.seed = options.seed ?? 42;
    this.rng = createRng(this.seed);
  }

  get id(): S['id'] {
    return this.spec.id;
  }

  abstract choose(offer: Offer): Choice;
  abstract update(arm: number, reward: number, context?: Float64Array): void;
  /** The learned statistics, as named arrays. */
  protected abstract stats(): Record<string, Float64Array>;

  /** The offer's size, checked (at least one option; arms in range; contexts of the right length). */
  protected checkOffer(offer: Offer): number {
    const n = offer.arms.length;
    if (n === 0) throw createError('INVALID_INPUT', { field: 'offer', problem: 'nothing to choose from' });
    for (let i = 0; i < n; i++) {
      const a = offer.arms[i]!;
      if (!(Number.isInteger(a) && a >= 0 && a < this.arms.length)) throw createError('INVALID_INPUT', { field: `offer.arms[${i}]`, problem: `expected an arm index in 0..${this.arms.length - 1}, got ${a}` });
    }
    if (this.contextual && offer.contexts?.length !== n * this.dim) {
      throw createError('INVALID_INPUT', { field: 'offer.contexts', problem: `expected ${n} × ${this.dim} numbers, got ${offer.contexts?.length ?? 0}` });
    }
    return n;
  }

  protected checkUpdate(arm: number, reward: number, context: Float64Array | undefined): void {
    if (!(Number.isInteger(arm) && arm >= 0 && arm < this.arms.length)) throw createError('INVALID_INPUT', { field: 'arm', problem: `expected an arm index in 0..${this.arms.length - 1}, got ${arm}` });
    if (!Number.isFinite(reward)) throw createError('INVALID_INPUT', { field: 'reward', problem: `expected a finite number, got ${reward}` });
    if (this.contextual && context?.length !== this.dim) throw createError('INVALID_INPUT', { field: 'context', problem: `expected ${this.dim} numbers, got ${context?.length ?? 0}` });
  }

  toJSON(): PolicyState {
    const stats: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(this.stats())) stats[k] = Array.from(v);
    return { format: 'resonate-policy', formatVersion: 1, spec: this.spec, arms: [...this.arms], dim: this.dim, seed: this.seed, updates: this.updates, stats };
  }

  /** Copies saved statistics in (sizes checked: ARTIFACT_INVALID names the array that does not fit). */
  loadState(state: PolicyState): this {
    const own = this.stats();
    for (const [name, target] of Object.entries(own)) {
      const saved = state.stats[name];
      if (!Array.isArray(saved) || saved.length !== target.length || !saved.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw createError('ARTIFACT_INVALID', { path: `policy state stats.${name}`, problem: `expected ${target.length} finite numbers` });
      }
      target.set(saved);
    }
    this.updates = state.updates;
    this.rng = createRng((this.seed ^ Math.imul(state.updates, 0x9e3779b1)) >>> 0);
    this.afterLoad();
    return this;
  }

  /** Derived state to rebuild after `loadState` (cached factorizations). */
  protected afterLoad(): void {}
}
