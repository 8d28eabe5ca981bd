/**
 * @module Interest profiles: what a user reads about, as one L2-normalised TF-IDF vector over post text and tags.
 *
 * The vocabulary and idf are fitted once per snapshot (`interestProfiles(dataset)`, shared by every feed made on
 * it) with the TF-IDF vectorizer of src/text (sublinear tf, smoothed idf, unit rows); a post's document is its
 * text without stopwords plus its tags as `#tag` terms (twice: tags are curated, words are noisy). A user's
 * profile is the engagement-weighted mean of the vectors of the posts they engaged with: their snapshot history
 * (cached per user, least recently used dropped past the capacity) plus the events given at request time (the
 * Store's events since the snapshot), so p_u = Σ w_i v_i / ‖Σ w_i v_i‖ and match(u, post) = p_u · v_post, a
 * cosine in [0, 1]. Terms the snapshot never saw are not in the vocabulary and do not match.
 */
import { isTombstone } from '../data/dataset-without.js';
import type { Dataset } from '../data/dataset.js';
import type { Csr } from '../math/csr.js';
import { ENGLISH_STOPWORDS } from '../text/stopwords.js';
import { createVectorizer, type Vectorizer } from '../text/vectorizer.js';

/** A sparse, L2-normalised document vector (columns ascending). */
export interface SparseVector {
  readonly cols: Int32Array;
  readonly vals: Float32Array;
}

/** One post of a profile with its weight (the user's summed event weights on it). */
export interface ProfilePost {
  postId: string;
  weight: number;
  vector: SparseVector;
  /** When the user last engaged with it (epoch ms), when known. */
  time?: number;
}

export interface InterestProfile {
  /** term column → weight; unit length (empty for users with no text signal). */
  readonly terms: ReadonlyMap<number, number>;
  /** The posts it was built from, heaviest first (for "Because you liked …"). */
  readonly posts: readonly ProfilePost[];
}

export interface InterestProfilesOptions {
  /** User profiles kept (least recently used dropped). */
  cacheSize?: number;
  /** Post vectors kept (least recently used dropped). */
  vectorCacheSize?: number;
  /** Most snapshot posts (newest) the vocabulary and idf are fitted on. */
  maxFitPosts?: number;
  /** Most posts of a user's snapshot history in the profile (the most recent). */
  historyLimit?: number;
}

const DEFAULTS: Required<InterestProfilesOptions> = { cacheSize: 10_000, vectorCacheSize: 50_000, maxFitPosts: 50_000, historyLimit: 200 };
const EMPTY_VECTOR: SparseVector = { cols: new Int32Array(0), vals: new Float32Array(0) };
/** A tag is repeated this many times in a post's document. */
const TAG_REPEAT = 2;
const WORD = /[\p{L}\p{N}'’]+/gu;

/** The document a post is vectorized from: text without stopwords, then its tags as hashtags. */
export function postDocument(text: string, tags: readonly string[]): string {
  const words = text.replace(WORD, (w) => (ENGLISH_STOPWORDS.has(w.toLowerCase()) ? ' ' : w));
  const hashtags = tags.map((t) => `#${t.replace(/^#/, '').toLowerCase()}`).filter((t) => t.length > 1);
  return [words, ...Array.from({ length: TAG_REPEAT }, () => hashtags.join(' '))].join(' ');
}

/** Dot product of a profile and a post vector (both unit length: their cosine). */
export function match(profile: InterestProfile, v: SparseVector): number {
  let s = 0;
  for (let k = 0; k < v.cols.length; k++) s += (profile.terms.get(v.cols[k]!) ?? 0) * v.vals[k]!;
  return s;
}

/** Cosine of two profiles (both unit length: their dot product over the shared terms). */
export function profileCosine(a: InterestProfile, b: InterestProfile): number {
  const [small, large] = a.terms.size <= b.terms.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, x] of small.terms) s += x * (large.terms.get(t) ?? 0);
  return s;
}

/** Dot product of two sparse vectors (columns ascending). */
export function dot(a: SparseVector, b: SparseVector): number {
  let s = 0;
  for (let i = 0, j = 0; i < a.cols.length && j < b.cols.length; ) {
    const ca = a.cols[i]!, cb = b.cols[j]!;
    if (ca === cb) s += a.vals[i++]! * b.vals[j++]!;
    else if (ca < cb) i++;
    else j++;
  }
  return s;
}

/**
 * A profile prepared for scoring many post vectors: its terms spread into a dense array (one array read per
 * term instead of a Map lookup) and an inverted index of its first `explainPosts` posts, so "the profile post
 * closest to v" costs one pass over v's terms instead of one sparse dot per profile post. Sums run in the same
 * order as `match` and `dot`, so the numbers are the same.
 */
export class ProfileMatcher {
  private dense: Float64Array = new Float64Array(0);
  private cols: number[] = [];
  private readonly postings = new Map<number, { post: number[]; val: number[] }>();
  private acc: Float64Array = new Float64Array(0);
  private posts: readonly ProfilePost[] = [];

  /** Loads a profile (replacing the previous one). */
  load(profile: InterestProfile, explainPosts: number): void {
    for (const c of this.cols) this.dense[c] = 0;
    this.cols = [];
    for (const [c, x] of profile.terms) {
      if (c >= this.dense.length) this.dense = grow(this.dense, c + 1);
      this.dense[c] = x;
      this.cols.push(c);
    }
    this.postings.clear();
    this.posts = profile.posts.slice(0, explainPosts);
    this.posts.forEach((p, k) => {
      for (let q = 0; q < p.vector.cols.length; q++) {
        const c = p.vector.cols[q]!;
        let list = this.postings.get(c);
        if (!list) this.postings.set(c, (list = { post: [], val: [] }));
        list.post.push(k);
        list.val.push(p.vector.vals[q]!);
      }
    });
    if (this.acc.length < this.posts.length) this.acc = new Float64Array(this.posts.length);
  }

  /** `match(profile, v)`. */
  match(v: SparseVector): number {
    let s = 0;
    const dense = this.dense;
    for (let k = 0; k < v.cols.length; k++) {
      const c = v.cols[k]!;
      s += (c < dense.length ? dense[c]! : 0) * v.vals[k]!;
    }
    return s;
  }

  /** The loaded post maximising weight · (post · v) (the first on ties), undefined when none is positive. */
  closest(v: SparseVector): string | undefined {
    const acc = this.acc;
    acc.fill(0, 0, this.posts.length);
    for (let q = 0; q < v.cols.length; q++) {
      const list = this.postings.get(v.cols[q]!);
      if (!list) continue;
      const x = v.vals[q]!;
      for (let j = 0; j < list.post.length; j++) acc[list.post[j]!]! += list.val[j]! * x;
    }
    let best: string | undefined, bestScore = 0;
    for (let k = 0; k < this.posts.length; k++) {
      const s = this.posts[k]!.weight * acc[k]!;
      if (s > bestScore) [best, bestScore] = [this.posts[k]!.postId, s];
    }
    return best;
  }
}

function grow(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

/** Small LRU over a Map (insertion order = recency). */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
  get size(): number {
    return this.map.size;
  }
}

function rows(m: Csr): SparseVector[] {
  const out: SparseVector[] = [];
  for (let r = 0; r < m.rows; r++) {
    const a = m.indptr[r]!, b = m.indptr[r + 1]!;
    out.push(a === b ? EMPTY_VECTOR : { cols: m.indices.slice(a, b), vals: m.data.slice(a, b) });
  }
  return out;
}

export class InterestProfiles {
  private readonly options: Required<InterestProfilesOptions>;
  private vectorizer: Vectorizer | undefined;
  private readonly vectorCache: Lru<number, SparseVector>;
  private readonly profiles: Lru<number, ProfilePost[]>;
  private readonly snapshotProfiles: Lru<number, InterestProfile>;

  constructor(
    private readonly dataset: Dataset,
    options: InterestProfilesOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.vectorCache = new Lru(this.options.vectorCacheSize);
    this.profiles = new Lru(this.options.cacheSize);
    this.snapshotProfiles = new Lru(this.options.cacheSize);
  }

  /** Uses a vectorizer fitted earlier on this snapshot (saved with its model version) instead of fitting one. */
  adopt(vectorizer: Vectorizer): void {
    this.vectorizer = vectorizer;
  }

  /**
   * The vocabulary and idf, fitted on first use on the newest `maxFitPosts` snapshot posts. Training fits it (and
   * saves it with the model version) so that the first ranking after a load does not pay for it.
   */
  fitted(): Vectorizer {
    if (this.vectorizer) return this.vectorizer;
    const d = this.dataset;
    // Erased posts (tombstones of an unlearned snapshot) are not documents: the idf is that of a fit without them.
    let items = Array.from({ length: d.items.size }, (_, i) => i).filter((i) => !isTombstone(d.items.id(i)));
    if (items.length > this.options.maxFitPosts) {
      items.sort((a, b) => (d.itemCreatedAt[b]! || 0) - (d.itemCreatedAt[a]! || 0));
      items = items.slice(0, this.options.maxFitPosts);
    }
    const v = createVectorizer({
      blocks: [{ analyzer: 'word', maxDf: 0.5 }],
      sublinearTf: true,
      tokenize: { punctuation: false, hashtags: 'both', urls: 'drop', mentions: 'drop' },
    });
    v.fit(items.map((i) => postDocument(d.itemTexts[i] ?? '', d.itemTags[i] ?? [])));
    this.vectorizer = v;
    return v;
  }

  /** Vectors of posts given by text and tags (posts the snapshot does not hold). */
  vectorize(posts: readonly { text: string; tags: readonly string[] }[]): SparseVector[] {
    if (posts.length === 0) return [];
    return rows(this.fitted().transform(posts.map((p) => postDocument(p.text, p.tags))));
  }

  /** Vectors of snapshot posts by dense index (cached). */
  snapshotVectors(items: readonly number[]): SparseVector[] {
    const found = new Map<number, SparseVector>();
    for (const i of items) {
      const v = this.vectorCache.get(i);
      if (v) found.set(i, v);
    }
    const missing = [...new Set(items.filter((i) => !found.has(i)))];
    const made = this.vectorize(missing.map((i) => ({ text: this.dataset.itemTexts[i] ?? '', tags: this.dataset.itemTags[i] ?? [] })));
    missing.forEach((i, k) => {
      found.set(i, made[k]!);
      this.vectorCache.set(i, made[k]!);
    });
    return items.map((i) => found.get(i)!);
  }

  /** The posts of a user's snapshot history (most recent `historyLimit`), cached. */
  private history(user: number): ProfilePost[] {
    const cached = this.profiles.get(user);
    if (cached) return cached;
    const d = this.dataset;
    const m = d.interactions;
    const entries: { item: number; weight: number; time: number }[] = [];
    if (user >= 0 && user < m.rows) {
      for (let q = m.indptr[user]!; q < m.indptr[user + 1]!; q++) entries.push({ item: m.indices[q]!, weight: m.data[q]!, time: d.interactionTimes[q]! });
    }
    entries.sort((a, b) => b.time - a.time);
    const kept = entries.slice(0, this.options.historyLimit).filter((e) => e.weight > 0);
    const vectors = this.snapshotVectors(kept.map((e) => e.item));
    const posts = kept.map((e, k) => ({ postId: d.items.id(e.item), weight: e.weight, vector: vectors[k]!, time: e.time }));
    this.profiles.set(user, posts);
    return posts;
  }

  /**
   * The profile of a user (dense index, −1 when the snapshot does not know them) with `recent` posts added
   * (engagement since the snapshot; a post in both adds its weights). The snapshot-only profile (no recent
   * posts: the common case) is cached with the user's history.
   */
  profile(user: number, recent: readonly ProfilePost[] = []): InterestProfile {
    if (recent.length > 0 || user < 0) return this.build(user, recent);
    let p = this.snapshotProfiles.get(user);
    if (!p) this.snapshotProfiles.set(user, (p = this.build(user, recent)));
    return p;
  }

  private build(user: number, recent: readonly ProfilePost[]): InterestProfile {
    const byPost = new Map<string, ProfilePost>();
    for (const p of [...(user >= 0 ? this.history(user) : []), ...recent]) {
      const prev = byPost.get(p.postId);
      const time = Math.max(prev?.time ?? -Infinity, p.time ?? -Infinity);
      byPost.set(p.postId, prev ? { ...prev, weight: prev.weight + p.weight, ...(time > -Infinity ? { time } : {}) } : p);
    }
    const posts = [...byPost.values()].filter((p) => p.weight > 0 && p.vector.cols.length > 0).sort((a, b) => b.weight - a.weight);
    const terms = new Map<number, number>();
    for (const p of posts) {
      for (let k = 0; k < p.vector.cols.length; k++) terms.set(p.vector.cols[k]!, (terms.get(p.vector.cols[k]!) ?? 0) + p.weight * p.vector.vals[k]!);
    }
    let norm = 0;
    for (const x of terms.values()) norm += x * x;
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (const [t, x] of terms) terms.set(t, x * inv);
    }
    return { terms, posts };
  }

  /** Users whose snapshot history is cached (for tests of the bound). */
  get cachedUsers(): number {
    return this.profiles.size;
  }
}

const shared = new WeakMap<Dataset, InterestProfiles>();

/** The profiles of a snapshot, made once and shared by every feed on it. */
export function interestProfiles(dataset: Dataset): InterestProfiles {
  let p = shared.get(dataset);
  if (!p) shared.set(dataset, (p = new InterestProfiles(dataset)));
  return p;
}
