/**
 * @module Decisions awaiting their reward: a served decision waits here under its key (user and post) until an
 * engagement with it arrives (`resolve`), or until `windowMs` has passed or `capacity` newer ones pushed it out,
 * when it is handed to `expired` (learned as reward 0: served, not engaged). Insertion order is serving order,
 * so expiry reads from the front: O(1) amortized per decision.
 */
export interface PendingDecision {
  arm: number;
  /** The chosen option's context (contextual policies). */
  context?: Float64Array;
}

export class DecisionLog {
  private readonly pending = new Map<string, { decision: PendingDecision; at: number }>();

  constructor(
    private readonly o: { windowMs: number; capacity: number; expired: (decision: PendingDecision) => void },
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Records a served decision (a key already waiting keeps its first decision). */
  add(key: string, decision: PendingDecision, now: number): void {
    this.expire(now);
    if (this.pending.has(key)) return;
    if (this.pending.size >= this.o.capacity) this.expireFirst();
    this.pending.set(key, { decision, at: now });
  }

  /** The decision waiting under `key`, removed; undefined when none (or it expired). */
  resolve(key: string, now: number): PendingDecision | undefined {
    this.expire(now);
    const entry = this.pending.get(key);
    if (!entry) return undefined;
    this.pending.delete(key);
    return entry.decision;
  }

  /** Drops the waiting decisions whose key `matches`, learning nothing from them; returns how many. */
  drop(matches: (key: string) => boolean): number {
    let n = 0;
    for (const key of [...this.pending.keys()]) if (matches(key) && this.pending.delete(key)) n++;
    return n;
  }

  /** Hands every decision older than the window to `expired`. */
  expire(now: number): void {
    for (const entry of this.pending.values()) {
      if (now - entry.at < this.o.windowMs) break;
      this.expireFirst();
    }
  }

  private expireFirst(): void {
    const first = this.pending.entries().next();
    if (first.done) return;
    this.pending.delete(first.value[0]);
    this.o.expired(first.value[1].decision);
  }
}
