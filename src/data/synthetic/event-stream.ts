/**
 * @module Simulates feed sessions and streams the resulting events in ascending time, in bounded memory.
 *
 * Sessions: user u opens the app N_{u,d} ~ Poisson(sessionsPerDay · a_u) times on day d, each at an hour drawn
 * from their daily cycle (daily-cycle.ts). A session shows 1 + Poisson(exposuresPerSession − 1) posts created
 * in the last `windowHours` before it, each from one source:
 *   followees (P = 0.5): a random post of a random followee (up to 3 followees tried, else popular);
 *   popular   (P = 0.3): the highest-quality of 8 random recent posts;
 *   random    (P = 0.2): a uniformly random recent post.
 * Own posts and repeats within a session are skipped. Each exposure becomes events via engagement.ts: a view
 * at the cursor, then dwell / like / comment / share / hide / report a few seconds later; the cursor moves on by
 * the dwell plus 1–5 s of scrolling.
 *
 * Memory: one day's sessions (two numbers each) and the events of sessions still in progress. Sessions are
 * processed in start order, so every pending event earlier than the next session's start is final; those are
 * sorted by (time, sequence) and emitted in batches of `batchSize`.
 */
import type { EventType } from '../../core/config.js';
import type { Rng } from '../../core/rng.js';
import type { Event } from '../schemas.js';
import { sampleActionHour } from './daily-cycle.js';
import { DWELL, ENGAGEMENT_RATES, engagementScore, negativeProbabilities } from './engagement.js';
import { follows, type FollowGraph } from './follow-graph.js';
import type { Population } from './population.js';
import { lowerBound, type PostLatents } from './posts.js';
import { writeCommentText } from './post-text.js';
import type { ResolvedSyntheticConfig } from './synthetic-config.js';
import type { TopicVocabulary } from './vocabulary.js';

export interface SimulationInput {
  readonly config: ResolvedSyntheticConfig;
  readonly population: Population;
  readonly posts: PostLatents;
  readonly graph: FollowGraph;
  readonly topics: readonly TopicVocabulary[];
}

/** Exposure sources: cumulative probabilities of followees, then popular; random takes the rest. */
const SOURCE_FOLLOWEES = 0.5;
const SOURCE_POPULAR = 0.8;
/** Followees tried before falling back to a popular post. */
const FOLLOWEE_TRIES = 3;
/** Random recent posts compared by quality for the "popular" source. */
const POPULAR_POOL = 8;
const DAY_MS = 86_400_000;
/** Bits for the user index in a packed session key: msInDay · 2^26 + user stays below 2^53 (users ≤ 50 M). */
const USER_BITS = 26;

/** Event types in the pending buffer, by code. */
const TYPES: readonly EventType[] = ['view', 'dwell', 'like', 'comment', 'share', 'hide', 'report'];
const VIEW = 0, DWELL_T = 1, LIKE = 2, COMMENT = 3, SHARE = 4, HIDE = 5, REPORT = 6;

/**
 * Events of sessions still in progress, as parallel typed arrays (no object per event until emission).
 * Slots keep insertion order, so sorting slot numbers by (time, slot) is a stable sort by time.
 */
class PendingEvents {
  length = 0;
  time = new Float64Array(1024);
  user = new Int32Array(1024);
  post = new Int32Array(1024);
  type = new Uint8Array(1024);
  /** Dwell seconds × 10 (integer, so the emitted value is an exact one-decimal number). */
  tenths = new Int32Array(1024);
  text = new Map<number, string>();

  push(time: number, user: number, post: number, type: number, tenths = 0, text?: string): void {
    if (this.length === this.time.length) this.grow();
    const k = this.length++;
    this.time[k] = time;
    this.user[k] = user;
    this.post[k] = post;
    this.type[k] = type;
    this.tenths[k] = tenths;
    if (text !== undefined) this.text.set(k, text);
  }

  /** Slot numbers in (time, slot) order, through one native float64 sort of time·2^21 + slot offsets. */
  order(): Float64Array {
    let base = Infinity;
    for (let k = 0; k < this.length; k++) if (this.time[k]! < base) base = this.time[k]!;
    const keys = new Float64Array(this.length);
    // Pending events span minutes (≪ 2^32 ms) and fewer than 2^21 slots: the key stays exact below 2^53.
    for (let k = 0; k < this.length; k++) keys[k] = (this.time[k]! - base) * SLOT_SCALE + k;
    return keys.sort();
  }

  /** Keeps only the slots listed (in that order). */
  keep(slots: ArrayLike<number>): void {
    const text = new Map<number, string>();
    for (let j = 0; j < slots.length; j++) {
      const k = slots[j]!;
      this.time[j] = this.time[k]!;
      this.user[j] = this.user[k]!;
      this.post[j] = this.post[k]!;
      this.type[j] = this.type[k]!;
      this.tenths[j] = this.tenths[k]!;
      const t = this.text.get(k);
      if (t !== undefined) text.set(j, t);
    }
    this.length = slots.length;
    this.text = text;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const grow = <A extends Float64Array | Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.time = grow(this.time, (m) => new Float64Array(m));
    this.user = grow(this.user, (m) => new Int32Array(m));
    this.post = grow(this.post, (m) => new Int32Array(m));
    this.type = grow(this.type, (m) => new Uint8Array(m));
    this.tenths = grow(this.tenths, (m) => new Int32Array(m));
  }
}

const SLOT_SCALE = 2 ** 21;

/** Poisson(λ): Knuth's product method below 30, a rounded normal approximation above. */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const limit = Math.exp(-lambda);
  let k = 0, p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Expected number of exposures (views), for progress totals. */
export function expectedViews(config: ResolvedSyntheticConfig): number {
  return config.users * config.days * config.sessionsPerDay * config.exposuresPerSession;
}

/** Yields the events of the whole period in ascending time, `batchSize` at a time (the last batch may be short). */
export function* simulateEvents(input: SimulationInput, rng: Rng): Generator<Event[]> {
  const { config, population: pop, posts, graph, topics } = input;
  const T = pop.topics;
  const windowSeconds = config.windowHours * 3600;
  const pending = new PendingEvents();
  let nextId = 0;
  const out: Event[] = [];

  // Keys in the schema's order, so `eventSchema.parse(row)` serialises to the same JSON.
  const toEvent = (k: number): Event => {
    const id = `e${nextId++}`, user = `u${pending.user[k]!}`, post = `p${pending.post[k]!}`;
    const type = TYPES[pending.type[k]!]!, timestamp = pending.time[k]!;
    if (type === 'dwell') return { id, user, type, post, value: pending.tenths[k]! / 10, timestamp };
    const text = pending.text.get(k);
    if (text !== undefined) return { id, user, type, post, text, timestamp };
    return { id, user, type, post, timestamp };
  };
  /** Moves pending events before `bound` to the output, in (time, slot) order. */
  const settle = (bound: number): void => {
    const keys = pending.order();
    let j = 0;
    for (; j < keys.length; j++) {
      const slot = keys[j]! % SLOT_SCALE;
      if (!(pending.time[slot]! < bound)) break;
      out.push(toEvent(slot));
    }
    const rest = new Int32Array(keys.length - j);
    for (let r = 0; r < rest.length; r++) rest[r] = keys[j + r]! % SLOT_SCALE;
    rest.sort(); // back to insertion order
    pending.keep(rest);
  };

  const pickFromFollowees = (u: number, lo: number, hi: number): number => {
    const start = graph.indptr[u]!, deg = graph.indptr[u + 1]! - start;
    if (deg === 0) return -1;
    for (let t = 0; t < FOLLOWEE_TRIES; t++) {
      const f = graph.indices[start + rng.int(deg)]!;
      const a0 = posts.byAuthorPtr[f]!, a1 = posts.byAuthorPtr[f + 1]!;
      const from = lowerBound(posts.byAuthor, lo, a0, a1);
      const to = lowerBound(posts.byAuthor, hi, from, a1);
      if (to > from) return posts.byAuthor[from + rng.int(to - from)]!;
    }
    return -1;
  };
  const pickPopular = (lo: number, hi: number): number => {
    let best = lo + rng.int(hi - lo);
    for (let k = 1; k < POPULAR_POOL; k++) {
      const p = lo + rng.int(hi - lo);
      if (posts.quality[p]! > posts.quality[best]!) best = p;
    }
    return best;
  };

  const runSession = (u: number, t0: number): void => {
    const x = (t0 - config.start) / 1000; // seconds since start; posts with second < x exist at t0
    const hi = lowerBound(posts.second, x);
    const lo = lowerBound(posts.second, x - windowSeconds, 0, hi);
    if (hi <= lo) return;
    const wanted = 1 + poisson(rng, config.exposuresPerSession - 1);
    const shown: number[] = [];
    let cursor = t0;
    for (let attempt = 0; shown.length < wanted && attempt < 2 * wanted; attempt++) {
      const r = rng.next();
      let p = r < SOURCE_FOLLOWEES ? pickFromFollowees(u, lo, hi) : -1;
      if (p < 0) p = r < SOURCE_POPULAR ? pickPopular(lo, hi) : lo + rng.int(hi - lo);
      if (posts.author[p] === u || shown.includes(p)) continue;
      shown.push(p);
      const z = posts.topic[p]!;
      const interest = pop.theta[u * T + z]!;
      const pi = engagementScore(config.beta, interest, follows(graph, u, posts.author[p]!), posts.quality[p]!);
      pending.push(cursor, u, p, VIEW);
      const dwell = Math.exp(Math.log(DWELL.base + DWELL.perScore * pi) + DWELL.sigma * rng.normal());
      const dwellMs = Math.max(1, Math.round(dwell * 1000));
      if (dwell >= DWELL.minLogged) pending.push(cursor + dwellMs, u, p, DWELL_T, Math.round(dwell * 10));
      const liked = rng.next() < pi * ENGAGEMENT_RATES.like;
      if (liked) pending.push(cursor + 1 + rng.int(dwellMs), u, p, LIKE);
      if (rng.next() < pi * ENGAGEMENT_RATES.comment) {
        const sentiment = posts.sentiment[p] as -1 | 0 | 1;
        pending.push(cursor + Math.round(dwellMs * (0.5 + 0.5 * rng.next())) + 1, u, p, COMMENT, 0, writeCommentText(rng, topics[z]!, sentiment));
      }
      if (rng.next() < pi * ENGAGEMENT_RATES.share) pending.push(cursor + dwellMs + 1, u, p, SHARE);
      const neg = negativeProbabilities(interest);
      if (!liked && rng.next() < neg.hide) pending.push(cursor + dwellMs + 2, u, p, HIDE);
      if (rng.next() < neg.report) pending.push(cursor + dwellMs + 3, u, p, REPORT);
      cursor += dwellMs + 1000 + rng.int(4000);
    }
  };

  const scale = 2 ** USER_BITS;
  // Settling sorts the pending events; do it once a batch's worth has gathered (slots must stay below 2^21).
  const settleAt = Math.min(config.batchSize, 2 ** 20);
  const keys: number[] = [];
  for (let d = 0; d < config.days; d++) {
    keys.length = 0;
    for (let u = 0; u < pop.size; u++) {
      const count = poisson(rng, config.sessionsPerDay * pop.activity[u]!);
      for (let s = 0; s < count; s++) keys.push(Math.floor(sampleActionHour(rng, pop.preferredHour[u]!) * 3_600_000) * scale + u);
    }
    const day = Float64Array.from(keys).sort();
    const dayStart = config.start + d * DAY_MS;
    for (let j = 0; j < day.length; j++) {
      const k = day[j]!;
      const ms = Math.floor(k / scale);
      const t0 = dayStart + ms;
      if (pending.length >= settleAt) settle(t0);
      while (out.length >= config.batchSize) yield out.splice(0, config.batchSize);
      runSession(k - ms * scale, t0);
    }
  }
  settle(Infinity);
  while (out.length >= config.batchSize) yield out.splice(0, config.batchSize);
  if (out.length > 0) yield out;
}
