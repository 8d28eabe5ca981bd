/**
 * @module DatasetBuilder: turns a stream of users, posts, follows and events into a `Dataset` in one pass.
 *
 * Event weights come from the config (`weights`): positive weights feed the users × items matrix and the
 * interaction log; hide and report feed `negatives`; follow/unfollow events edit the follow graph, so events
 * must arrive in ascending time order (as `Store.scanEvents` yields them).
 */
import { DEFAULT_CONFIG, EVENT_TYPES, type ResonateConfig } from '../core/config.js';
import { IdMap } from '../core/id-map.js';
import { csrFromCoo } from '../math/csr.js';
import type { Dataset, ItemVectors } from './dataset.js';
import { NowTracker, type DatasetNowOptions } from './dataset-now.js';
import { cutGaps, idleGaps, mergeAscending, remapTimes } from './data-clock.js';
import { postVectors, type Event, type Follow, type Post, type User } from './schemas.js';

export type EventWeights = ResonateConfig['weights'];

const TYPE_INDEX = new Map(EVENT_TYPES.map((t, i) => [t, i] as const));
/** Seconds of dwell that count as one full positive signal. */
const DWELL_FULL_SECONDS = 30;

/** Weight one event contributes: rating × w.rating, min(dwell/30 s, 1) × w.dwell, else the type's weight. */
export function eventWeight(e: Pick<Event, 'type' | 'value'>, weights: EventWeights): number {
  switch (e.type) {
    case 'rating':
      return (e.value ?? 0) * weights.rating;
    case 'dwell':
      return Math.min((e.value ?? 0) / DWELL_FULL_SECONDS, 1) * weights.dwell;
    default:
      return weights[e.type];
  }
}

class GrowableArray<T extends Float64Array | Float32Array | Int32Array | Uint8Array> {
  private buf: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.buf = make(1024);
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = this.make(this.buf.length * 2);
      next.set(this.buf as never);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  finish(): T {
    return this.buf.slice(0, this.length) as T;
  }
}

export class DatasetBuilder {
  readonly users = new IdMap();
  readonly items = new IdMap();
  private readonly texts: string[] = [];
  private readonly tags: string[][] = [];
  private readonly authors: number[] = [];
  private readonly createdAt: number[] = [];
  private readonly langs: (string | null)[] = [];
  private readonly sentiment: number[] = [];
  private readonly offensive: number[] = [];
  /** Per vector name, per item: the post's vector. */
  private readonly vectors = new Map<string, (readonly number[] | undefined)[]>();
  private readonly followEdges = new Map<number, Set<number>>();
  private readonly logUser = new GrowableArray((n) => new Int32Array(n));
  private readonly logItem = new GrowableArray((n) => new Int32Array(n));
  private readonly logType = new GrowableArray((n) => new Uint8Array(n));
  private readonly logWeight = new GrowableArray((n) => new Float32Array(n));
  private readonly logTime = new GrowableArray((n) => new Float64Array(n));
  private readonly negUser: number[] = [];
  private readonly negItem: number[] = [];
  private readonly clock: NowTracker;
  /** Users who switched personalization off: their engagement events stay out of training. */
  private readonly unpersonalized = new Set<string>();

  constructor(
    private readonly weights: EventWeights = DEFAULT_CONFIG.weights,
    /** How `now` is told (the wall clock, for telling far-future outliers; see dataset-now.ts). */
    nowOptions: DatasetNowOptions = {},
  ) {
    this.clock = new NowTracker(nowOptions);
  }

  addUser(u: Pick<User, 'id' | 'personalization'>): number {
    if (u.personalization === false) this.unpersonalized.add(u.id);
    return this.users.add(u.id);
  }

  addPost(p: Pick<Post, 'id' | 'author' | 'text' | 'tags' | 'created_at'> & Partial<Pick<Post, 'lang' | 'features'>>): number {
    const ix = this.item(p.id);
    this.texts[ix] = p.text;
    this.langs[ix] = p.lang ?? null;
    const f = p.features;
    if (typeof f?.sentiment_score === 'number') this.sentiment[ix] = f.sentiment_score;
    if (typeof f?.offensive === 'number') this.offensive[ix] = f.offensive;
    for (const [name, values] of Object.entries(postVectors(p) ?? {})) {
      let column = this.vectors.get(name);
      if (!column) this.vectors.set(name, (column = []));
      column[ix] = values;
    }
    this.tags[ix] = p.tags.slice();
    this.authors[ix] = this.users.add(p.author);
    this.createdAt[ix] = p.created_at;
    this.clock.add(p.created_at);
    return ix;
  }

  addFollow(f: Pick<Follow, 'follower' | 'followee'>): void {
    const a = this.users.add(f.follower);
    const b = this.users.add(f.followee);
    if (a === b) return;
    let set = this.followEdges.get(a);
    if (!set) this.followEdges.set(a, (set = new Set()));
    set.add(b);
  }

  removeFollow(f: Pick<Follow, 'follower' | 'followee'>): void {
    const a = this.users.index(f.follower);
    const b = this.users.index(f.followee);
    if (a >= 0 && b >= 0) this.followEdges.get(a)?.delete(b);
  }

  /** Adds one event; events must come in ascending time order. */
  addEvent(e: Event): void {
    const u = this.users.add(e.user);
    this.clock.add(e.timestamp);
    if (e.type === 'follow' && e.target_user !== undefined) return this.addFollow({ follower: e.user, followee: e.target_user });
    if (e.type === 'unfollow' && e.target_user !== undefined) return this.removeFollow({ follower: e.user, followee: e.target_user });
    if (e.post === undefined || this.unpersonalized.has(e.user)) return;
    const i = this.item(e.post);
    if (e.type === 'hide' || e.type === 'report' || e.type === 'show_less') {
      this.negUser.push(u);
      this.negItem.push(i);
      return;
    }
    const w = eventWeight(e, this.weights);
    if (!(w > 0)) return;
    this.logUser.push(u);
    this.logItem.push(i);
    this.logType.push(TYPE_INDEX.get(e.type)!);
    this.logWeight.push(w);
    this.logTime.push(e.timestamp);
  }

  build(): Dataset {
    const nUsers = this.users.size;
    const nItems = this.items.size;
    const log = {
      user: this.logUser.finish(),
      item: this.logItem.finish(),
      type: this.logType.finish(),
      weight: this.logWeight.finish(),
      time: this.logTime.finish(),
    };
    // The data's own clock: idle periods of more than a month (a historical import, then live events) are cut;
    // times past the robust "now" (far-future outliers) make no gap.
    const now = this.clock.now() ?? Date.now();
    let upToNow = log.time.length;
    while (upToNow > 0 && log.time[upToNow - 1]! > now) upToNow--;
    const events = log.time.subarray(0, upToNow);
    const posted = Float64Array.from(this.createdAt.filter((t) => t !== undefined && t >= events[0]! && t <= now)).sort();
    const clock = cutGaps(idleGaps(mergeAscending(events, posted)));
    remapTimes(log.time, clock);
    const interactions = csrFromCoo(nUsers, nItems, log.user, log.item, log.weight);
    // Latest time per (user, item), aligned with `interactions`: same COO order, combined by max.
    const timesCsr = csrFromCoo(nUsers, nItems, log.user, log.item, log.time, Math.max);
    // Float32 cannot hold epoch ms exactly; recompute the max in float64 per entry.
    const interactionTimes = new Float64Array(timesCsr.indices.length);
    for (let k = 0; k < log.user.length; k++) {
      const u = log.user[k]!, i = log.item[k]!;
      const pos = findEntry(interactions.indptr, interactions.indices, u, i);
      if (log.time[k]! > interactionTimes[pos]! || interactionTimes[pos] === 0) interactionTimes[pos] = log.time[k]!;
    }
    const negatives = csrFromCoo(nUsers, nItems, this.negUser, this.negItem);
    const fr: number[] = [], fc: number[] = [];
    for (const [a, set] of this.followEdges) for (const b of set) { fr.push(a); fc.push(b); }
    const follows = csrFromCoo(nUsers, nUsers, fr, fc);
    const itemAuthors = new Int32Array(nItems).fill(-1);
    const itemCreatedAt = new Float64Array(nItems).fill(NaN);
    const itemTexts: string[] = new Array<string>(nItems);
    const itemTags: string[][] = new Array<string[]>(nItems);
    const itemLangs: (string | null)[] = new Array<string | null>(nItems);
    for (let i = 0; i < nItems; i++) {
      itemTexts[i] = this.texts[i] ?? '';
      itemLangs[i] = this.langs[i] ?? null;
      itemTags[i] = this.tags[i] ?? [];
      if (this.authors[i] !== undefined) itemAuthors[i] = this.authors[i]!;
      if (this.createdAt[i] !== undefined) itemCreatedAt[i] = clock(this.createdAt[i]!);
    }
    return {
      users: this.users,
      items: this.items,
      interactions,
      interactionTimes,
      negatives,
      log,
      follows,
      itemTexts,
      itemTags,
      itemAuthors,
      itemCreatedAt,
      itemLangs,
      itemVectors: denseVectors(this.vectors, nItems),
      itemSignals: { sentiment: Float32Array.from({ length: nItems }, (_, i) => this.sentiment[i] ?? NaN), offensive: Float32Array.from({ length: nItems }, (_, i) => this.offensive[i] ?? NaN) },
      now: clock(now),
    };
  }

  private item(id: string): number {
    return this.items.add(id);
  }
}

/**
 * Each name's vectors as one dense items × dim matrix. The dimension is the one most posts carry (the config fixes
 * it at ingest; a store written under another config may disagree): rows of another length are left out.
 */
function denseVectors(columns: ReadonlyMap<string, readonly (readonly number[] | undefined)[]>, nItems: number): Record<string, ItemVectors> {
  const out: Record<string, ItemVectors> = {};
  for (const [name, rows] of columns) {
    const lengths = new Map<number, number>();
    for (const r of rows) if (r) lengths.set(r.length, (lengths.get(r.length) ?? 0) + 1);
    const dim = [...lengths].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
    if (dim === 0) continue;
    const values = new Float32Array(nItems * dim);
    const present = new Uint8Array(nItems);
    rows.forEach((r, i) => {
      if (r?.length !== dim) return;
      values.set(r, i * dim);
      present[i] = 1;
    });
    out[name] = { dim, values, present };
  }
  return out;
}

function findEntry(indptr: Int32Array, indices: Int32Array, r: number, c: number): number {
  let lo = indptr[r]!, hi = indptr[r + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = indices[mid]!;
    if (v === c) return mid;
    if (v < c) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new Error(`DatasetBuilder: entry (${r}, ${c}) missing`);
}

/** Builds a Dataset from in-memory rows (tests, fixtures, evaluation splits). */
export function buildDataset(
  input: { users?: Iterable<Pick<User, 'id'>>; posts?: Iterable<Post>; follows?: Iterable<Follow>; events?: Iterable<Event> },
  weights: EventWeights = DEFAULT_CONFIG.weights,
  nowOptions: DatasetNowOptions = {},
): Dataset {
  const b = new DatasetBuilder(weights, nowOptions);
  for (const u of input.users ?? []) b.addUser(u);
  for (const p of input.posts ?? []) b.addPost(p);
  for (const f of input.follows ?? []) b.addFollow(f);
  const events = [...(input.events ?? [])].sort((x, y) => x.timestamp - y.timestamp);
  for (const e of events) b.addEvent(e);
  return b.build();
}

/**
 * Builds a Dataset straight from (user, item, weight, time) interactions, the shape evaluation splits produce.
 * Rows must already be in time order when `time` is given; each row becomes one positive event of type `like`
 * (or `rating` when `asRating`).
 */
export function datasetFromInteractions(
  rows: {
    users: IdMap;
    items: IdMap;
    user: ArrayLike<number>;
    item: ArrayLike<number>;
    weight?: ArrayLike<number>;
    time?: ArrayLike<number>;
    base?: Pick<Dataset, 'itemTexts' | 'itemTags' | 'itemAuthors' | 'itemCreatedAt' | 'itemLangs' | 'itemVectors' | 'follows'>;
  },
  nowOptions: DatasetNowOptions = {},
): Dataset {
  const n = rows.user.length;
  const nUsers = rows.users.size, nItems = rows.items.size;
  const order = Array.from({ length: n }, (_, k) => k);
  if (rows.time) order.sort((a, b) => rows.time![a]! - rows.time![b]! || a - b);
  const log = {
    user: Int32Array.from(order, (k) => rows.user[k]!),
    item: Int32Array.from(order, (k) => rows.item[k]!),
    type: new Uint8Array(n).fill(TYPE_INDEX.get('like')!),
    weight: Float32Array.from(order, (k) => (rows.weight ? rows.weight[k]! : 1)),
    time: Float64Array.from(order, (k) => (rows.time ? rows.time[k]! : k)),
  };
  const interactions = csrFromCoo(nUsers, nItems, log.user, log.item, log.weight);
  const interactionTimes = new Float64Array(interactions.indices.length);
  for (let k = 0; k < n; k++) {
    const pos = findEntry(interactions.indptr, interactions.indices, log.user[k]!, log.item[k]!);
    interactionTimes[pos] = Math.max(interactionTimes[pos]!, log.time[k]!);
  }
  const clock = new NowTracker(nowOptions);
  for (let k = 0; k < n; k++) clock.add(log.time[k]!);
  const base = rows.base;
  return {
    users: rows.users,
    items: rows.items,
    interactions,
    interactionTimes,
    negatives: csrFromCoo(nUsers, nItems, [], []),
    log,
    follows: base?.follows ?? csrFromCoo(nUsers, nUsers, [], []),
    itemTexts: base?.itemTexts ?? new Array<string>(nItems).fill(''),
    itemTags: base?.itemTags ?? Array.from({ length: nItems }, () => []),
    itemAuthors: base?.itemAuthors ?? new Int32Array(nItems).fill(-1),
    itemCreatedAt: base?.itemCreatedAt ?? new Float64Array(nItems).fill(NaN),
    ...(base?.itemLangs ? { itemLangs: base.itemLangs } : {}),
    ...(base?.itemVectors ? { itemVectors: base.itemVectors } : {}),
    now: clock.now() ?? Date.now(),
  };
}
