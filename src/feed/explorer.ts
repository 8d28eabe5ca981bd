/**
 * @module The feed's exploration: the policy that fills one slot in `feed.exploration.every`, its arms (the
 * feed's candidate sources), and the decisions served and awaiting their reward.
 *
 * - Multi-armed policies choose among the sources that have a post left for the slot; the slot gets that
 *   source's best-ranked post (a post belongs to the source that contributed most to its score). The logged
 *   propensity is the probability of that source, hence of that post.
 * - Contextual policies choose among posts (the best `OPTIONS_PER_SOURCE` left of each source), each with its
 *   source as arm and its context (exploration-context.ts).
 *
 * The chosen post carries `exploration: { policy, arm, propensity }`. When a page is served, its decisions wait
 * in a `DecisionLog` keyed by (user, post); `feedback` joins an engagement to its decision and updates the
 * policy, and a decision without one within `rewardWindowSeconds` is learned as reward 0. One `Explorer` serves
 * every feed built over a model version and the next ones (the engine keeps it), so learning carries over.
 */
import type { PolicySpec, PolicySpecInput } from '../core/config.js';
import { createPolicy, isContextual, restorePolicy, stateFits } from '../policy/create-policy.js';
import { DecisionLog, type PendingDecision } from '../policy/decision-log.js';
import type { Policy, PolicyState } from '../policy/policy.js';
import { FIXED_FEATURES, writeContext, type ContextualCandidate, type UserContext } from './exploration-context.js';
import type { Picker } from './exploration.js';
import type { ExplorationDecision } from './types.js';

/** Posts of each source a contextual policy is offered per slot. */
const OPTIONS_PER_SOURCE = 8;
/** Decisions awaiting a reward, at most (the oldest is learned as reward 0 beyond). */
const PENDING_CAPACITY = 100_000;

export interface ExplorerOptions {
  /** One slot in `every` positions; 0: exploration off. */
  every: number;
  policy: PolicySpecInput | PolicySpec;
  rewardWindowSeconds: number;
  /** Arm names: the feed's candidate sources. */
  arms: readonly string[];
  seed?: number;
  /** Wall clock for the reward window (default Date.now). */
  now?: () => number;
}

/** A candidate the explorer can place: its source, what the context needs, and the decision once placed. */
export interface Explorable extends ContextualCandidate {
  source: string;
  exploration?: ExplorationDecision;
}

export class Explorer {
  readonly every: number;
  readonly arms: readonly string[];
  private policyNow: Policy;
  private readonly spec: PolicySpec;
  private readonly armIndex: Map<string, number>;
  private readonly pending = new WeakMap<ExplorationDecision, PendingDecision>();
  private readonly logged = new WeakSet<ExplorationDecision>();
  private readonly log: DecisionLog;
  private readonly now: () => number;
  private contexts = new Float64Array(0);
  private offerArms = new Int32Array(0);

  constructor(o: ExplorerOptions) {
    this.every = o.every;
    this.arms = [...o.arms];
    this.armIndex = new Map(this.arms.map((a, i) => [a, i]));
    this.policyNow = createPolicy(o.policy, { arms: this.arms.length > 0 ? this.arms : ['none'], dim: FIXED_FEATURES + this.arms.length, seed: o.seed });
    this.spec = (this.policyNow.toJSON()).spec;
    this.now = o.now ?? Date.now;
    this.log = new DecisionLog({ windowMs: o.rewardWindowSeconds * 1000, capacity: PENDING_CAPACITY, expired: (d) => this.learn(d, 0) });
  }

  get policy(): Policy {
    return this.policyNow;
  }

  get dim(): number {
    return this.policyNow.dim;
  }

  /** Takes saved state when it was saved for the same spec, arms and dimension; false (state ignored) otherwise. */
  adopt(state: unknown): boolean {
    const s = state as PolicyState;
    if (!s || typeof s !== 'object' || !Array.isArray(s.arms) || !stateFits(s, this.spec, this.arms, FIXED_FEATURES + this.arms.length)) return false;
    this.policyNow = restorePolicy(s);
    return true;
  }

  toJSON(): PolicyState {
    return this.policyNow.toJSON();
  }

  /**
   * The slot filler of one ranking (for `pagesWithExploration`): offers the policy the candidates' sources, or the
   * candidates themselves for a contextual policy, and marks the chosen post with its decision.
   */
  picker<T extends Explorable>(userOf: () => UserContext, halfLifeHours: number): Picker<T> {
    if (this.arms.length === 0) return () => undefined;
    const contextual = isContextual(this.spec);
    let user: UserContext | undefined;
    const pick: Picker<T> = (candidates) => {
      const options: T[] = [];
      const perArm = new Map<number, number>();
      for (const c of candidates) {
        const arm = this.armIndex.get(c.source);
        if (arm === undefined) continue;
        const n = perArm.get(arm) ?? 0;
        if (n >= (contextual ? OPTIONS_PER_SOURCE : 1)) continue;
        perArm.set(arm, n + 1);
        options.push(c);
      }
      if (options.length === 0) return undefined;
      const n = options.length, d = this.dim;
      if (this.offerArms.length < n) this.offerArms = new Int32Array(n);
      const arms = this.offerArms.subarray(0, n);
      options.forEach((c, i) => (arms[i] = this.armIndex.get(c.source)!));
      let contexts: Float64Array | undefined;
      if (contextual) {
        if (this.contexts.length < n * d) this.contexts = new Float64Array(n * d);
        contexts = this.contexts.subarray(0, n * d);
        user ??= userOf();
        options.forEach((c, i) => writeContext(contexts!, i * d, user!, c, this.arms, halfLifeHours));
      }
      const choice = this.policyNow.choose({ arms, contexts });
      const chosen = options[choice.option]!;
      const decision: ExplorationDecision = { policy: this.spec.id, arm: this.arms[choice.arm]!, propensity: choice.propensity };
      this.pending.set(decision, { arm: choice.arm, ...(contexts ? { context: contexts.slice(choice.option * d, (choice.option + 1) * d) } : {}) });
      chosen.exploration = decision;
      return chosen;
    };
    // The options are the first of each arm: candidates past every arm's quota are never looked at.
    pick.quota = { keys: this.arms.length, perKey: contextual ? OPTIONS_PER_SOURCE : 1, keyOf: (c) => this.armIndex.get(c.source) };
    return pick;
  }

  /** Call when a page is served to `userId`: its decisions start waiting for their reward (each once). */
  served(userId: string, items: readonly { postId: string; exploration?: ExplorationDecision }[]): void {
    for (const item of items) {
      const decision = item.exploration;
      if (!decision || this.logged.has(decision)) continue;
      const pending = this.pending.get(decision);
      if (!pending) continue;
      this.logged.add(decision);
      this.log.add(key(userId, item.postId), pending, this.now());
    }
  }

  /** An engagement (reward 1) or a rejection (reward 0) of a post served to the user; false when no decision waits for it. */
  feedback(userId: string, postId: string, reward: number): boolean {
    const decision = this.log.resolve(key(userId, postId), this.now());
    if (!decision) return false;
    this.learn(decision, reward);
    return true;
  }

  /** Forgets the decisions served to a user (erasure): nothing of them is learned or kept. */
  forget(userId: string): number {
    const prefix = key(userId, '');
    return this.log.drop((k) => k.startsWith(prefix));
  }

  /** Learns reward 0 for decisions past their window (also done on every `served` and `feedback`). */
  expire(): void {
    this.log.expire(this.now());
  }

  /** Decisions served and awaiting their reward. */
  get waiting(): number {
    return this.log.size;
  }

  private learn(decision: PendingDecision, reward: number): void {
    this.policyNow.update(decision.arm, reward, decision.context);
  }
}

function key(userId: string, postId: string): string {
  return `${userId}\n${postId}`;
}
