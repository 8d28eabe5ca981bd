/**
 * @module The post vector index: unit vectors in a usearch HNSW graph (inner product), added one by one as posts
 * arrive, with a copy of the vectors kept for exact scoring. A filtered search never comes back short when enough
 * vectors pass the filter: a small candidate set (the posts of the named authors) is scored exactly; otherwise the
 * graph is asked for 4× more until enough pass, and past a quarter of the index every vector is scored exactly.
 */
import type * as Usearch from 'usearch';
import { createHnsw, type ItemIndexConfig } from '../models/two-tower/item-index.js';

export interface VectorFilter {
  /** Whether the vector in a slot may be returned. */
  accept(slot: number): boolean;
  /** Every slot that can pass, when the filter knows them (scored exactly when few). */
  candidates?: readonly number[];
}

export interface VectorHit {
  slot: number;
  /** Inner product with the query (the cosine for unit vectors). */
  score: number;
}

/** Candidate sets up to this size are scored exactly instead of through the graph. */
const EXACT_CANDIDATES = 20_000;

export class VectorIndex {
  private hnsw: Usearch.Index;
  private data: Float32Array;
  private alive: Uint8Array;
  private slots = 0;
  private live = 0;

  constructor(readonly dim: number, private readonly config: ItemIndexConfig = {}) {
    this.hnsw = createHnsw(dim, config);
    this.data = new Float32Array(1024 * dim);
    this.alive = new Uint8Array(1024);
  }

  /** Vectors searchable now. */
  get size(): number {
    return this.live;
  }

  /** Bytes held by the vector copy (the HNSW graph's own memory is measured by the benchmark). */
  get vectorBytes(): number {
    return this.slots * this.dim * 4;
  }

  /** Adds (or replaces) the vector of a slot; the vector must have `dim` values. */
  add(slot: number, vector: Float32Array): void {
    this.grow(slot + 1);
    if (this.alive[slot]) this.hnsw.remove(BigInt(slot));
    else this.live++;
    this.data.set(vector, slot * this.dim);
    this.alive[slot] = 1;
    this.slots = Math.max(this.slots, slot + 1);
    this.hnsw.add(BigInt(slot), vector);
  }

  /** Adds many vectors at once (rows of `vectors` for `slots`), skipping zero rows. */
  addMany(slots: readonly number[], vectors: Float32Array): void {
    const keep: number[] = [];
    for (let r = 0; r < slots.length; r++) {
      const row = vectors.subarray(r * this.dim, (r + 1) * this.dim);
      if (row.some((x) => x !== 0)) keep.push(r);
    }
    const fresh = keep.filter((r) => !this.alive[slots[r]!]);
    const isFresh = new Set(fresh);
    for (const r of keep) if (!isFresh.has(r)) this.add(slots[r]!, vectors.subarray(r * this.dim, (r + 1) * this.dim));
    if (fresh.length === 0) return;
    const packed = new Float32Array(fresh.length * this.dim);
    fresh.forEach((r, i) => {
      const s = slots[r]!;
      this.grow(s + 1);
      packed.set(vectors.subarray(r * this.dim, (r + 1) * this.dim), i * this.dim);
      this.data.set(vectors.subarray(r * this.dim, (r + 1) * this.dim), s * this.dim);
      this.alive[s] = 1;
      this.slots = Math.max(this.slots, s + 1);
    });
    this.live += fresh.length;
    this.hnsw.add(BigUint64Array.from(fresh, (r) => BigInt(slots[r]!)), packed, 1);
  }

  remove(slot: number): void {
    if (!this.alive[slot]) return;
    this.alive[slot] = 0;
    this.live--;
    this.hnsw.remove(BigInt(slot));
  }

  has(slot: number): boolean {
    return this.alive[slot] === 1;
  }

  /** Inner product of the query with a slot's vector (0 when the slot has none). */
  score(slot: number, query: Float32Array): number {
    if (!this.alive[slot]) return 0;
    let s = 0;
    const o = slot * this.dim;
    for (let c = 0; c < this.dim; c++) s += this.data[o + c]! * query[c]!;
    return s;
  }

  /** Adds a slot's vector into `into`; false when the slot has none. */
  addTo(slot: number, into: Float32Array): boolean {
    if (!this.alive[slot]) return false;
    const o = slot * this.dim;
    for (let c = 0; c < this.dim; c++) into[c]! += this.data[o + c]!;
    return true;
  }

  /** The k best slots passing the filter, best first. */
  search(query: Float32Array, k: number, filter?: VectorFilter): VectorHit[] {
    if (k <= 0 || this.live === 0) return [];
    if (filter?.candidates && filter.candidates.length <= EXACT_CANDIDATES) return this.exact(query, k, filter.candidates, filter);
    let want = filter ? k * 4 : k;
    for (;;) {
      if (filter && want * 4 > this.live) return this.exact(query, k, undefined, filter);
      const m = this.hnsw.search(query, Math.min(want, this.live), 1) as { keys: BigUint64Array; distances: Float32Array };
      const out: VectorHit[] = [];
      for (let i = 0; i < m.keys.length && out.length < k; i++) {
        const slot = Number(m.keys[i]!);
        if (this.alive[slot] && (!filter || filter.accept(slot))) out.push({ slot, score: 1 - m.distances[i]! });
      }
      if (out.length >= k || !filter) return out;
      want *= 4;
    }
  }

  private exact(query: Float32Array, k: number, candidates: readonly number[] | undefined, filter: VectorFilter): VectorHit[] {
    const hits: VectorHit[] = [];
    const consider = (slot: number): void => {
      if (this.alive[slot] && filter.accept(slot)) hits.push({ slot, score: this.score(slot, query) });
    };
    if (candidates) for (const s of candidates) consider(s);
    else for (let s = 0; s < this.slots; s++) consider(s);
    return hits.sort((a, b) => b.score - a.score || a.slot - b.slot).slice(0, k);
  }

  private grow(n: number): void {
    if (n <= this.alive.length) return;
    let cap = this.alive.length;
    while (cap < n) cap *= 2;
    const data = new Float32Array(cap * this.dim);
    data.set(this.data);
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    this.data = data;
    this.alive = alive;
  }

  /** Builds the graph again from the live vectors (after many removals). */
  rebuild(): void {
    this.hnsw = createHnsw(this.dim, this.config);
    const slots: number[] = [];
    for (let s = 0; s < this.slots; s++) if (this.alive[s]) slots.push(s);
    if (slots.length === 0) return;
    const packed = new Float32Array(slots.length * this.dim);
    slots.forEach((s, i) => packed.set(this.data.subarray(s * this.dim, (s + 1) * this.dim), i * this.dim));
    this.hnsw.add(BigUint64Array.from(slots, (s) => BigInt(s)), packed, 1);
  }
}

/**
 * Pseudo-relevance feedback in the vector space (Rocchio 1971): the unit mean of the query vector and `weight` ×
 * the mean of the vectors of the given slots (the lexical retriever's best posts). Null when neither exists.
 */
export function feedbackQuery(index: VectorIndex, query: Float32Array | null, slots: readonly number[], weight: number): Float32Array | null {
  const out = new Float32Array(index.dim);
  let n = 0;
  for (const s of slots) if (index.addTo(s, out)) n++;
  if (n > 0) for (let c = 0; c < out.length; c++) out[c] = (out[c]! / n) * weight;
  if (query) for (let c = 0; c < out.length; c++) out[c]! += query[c]!;
  let norm = 0;
  for (let c = 0; c < out.length; c++) norm += out[c]! ** 2;
  if (!(norm > 0)) return null;
  const inv = 1 / Math.sqrt(norm);
  for (let c = 0; c < out.length; c++) out[c]! *= inv;
  return out;
}
