/**
 * @module Beyond-accuracy metrics of a set of recommendation lists: catalogue coverage, Gini index of
 * exposure, intra-list diversity, novelty and popularity bias.
 *
 * `lists[u]` is a recommended list (item indices, best first); callers cut it to k. Popularity is the number of
 * training users who interacted with an item.
 */
import { csrTranspose, type Csr } from '../../math/csr.js';
import { setJaccard } from '../../math/set-jaccard.js';

/** Share of the catalogue recommended to at least one user: |∪ lists| / nItems. */
export function catalogCoverage(lists: readonly ArrayLike<number>[], nItems: number): number {
  if (nItems === 0) return 0;
  const seen = new Uint8Array(nItems);
  let n = 0;
  for (const l of lists) for (let j = 0; j < l.length; j++) if (!seen[l[j]!]) { seen[l[j]!] = 1; n++; }
  return n / nItems;
}

/** How many lists each item appears in. */
export function exposureCounts(lists: readonly ArrayLike<number>[], nItems: number): Float64Array {
  const c = new Float64Array(nItems);
  for (const l of lists) for (let j = 0; j < l.length; j++) c[l[j]!]!++;
  return c;
}

/**
 * Gini index of exposure over the whole catalogue (never-recommended items count as 0):
 * G = Σᵢ (2i − n − 1)·xᵢ / (n·Σx) with x sorted ascending, i = 1..n. 0 = every item equally exposed,
 * → 1 = all exposure on one item.
 */
export function giniIndex(values: ArrayLike<number>): number {
  const x = Float64Array.from(values as ArrayLike<number>).sort();
  const n = x.length;
  let sum = 0, weighted = 0;
  for (let i = 0; i < n; i++) {
    sum += x[i]!;
    weighted += (2 * (i + 1) - n - 1) * x[i]!;
  }
  return sum === 0 || n === 0 ? 0 : weighted / (n * sum);
}

/** Item popularity: number of users with an interaction, per item. */
export function itemPopularity(train: Csr): Float64Array {
  const p = new Float64Array(train.cols);
  for (let k = 0; k < train.indptr[train.rows]!; k++) p[train.indices[k]!]!++;
  return p;
}

/**
 * Novelty: mean self-information −log₂ p(i) of recommended items, p(i) = popularity / nUsers (Zhou et al.
 * 2010). Items no training user touched count as one user (p = 1/nUsers) so the value stays finite.
 */
export function novelty(lists: readonly ArrayLike<number>[], popularity: ArrayLike<number>, nUsers: number): number {
  let s = 0, n = 0;
  for (const l of lists) for (let j = 0; j < l.length; j++) {
    s += -Math.log2(Math.max(popularity[l[j]!]!, 1) / nUsers);
    n++;
  }
  return n === 0 ? 0 : s / n;
}

/** Mean popularity of recommended items divided by mean popularity of catalogue items (1 = unbiased). */
export function popularityBias(lists: readonly ArrayLike<number>[], popularity: ArrayLike<number>): number {
  let catalogue = 0;
  for (let i = 0; i < popularity.length; i++) catalogue += popularity[i]!;
  catalogue /= popularity.length || 1;
  let s = 0, n = 0;
  for (const l of lists) for (let j = 0; j < l.length; j++) { s += popularity[l[j]!]!; n++; }
  return n === 0 || catalogue === 0 ? 0 : s / n / catalogue;
}

/** Similarity of two items in [−1, 1] (cosine). */
export type ItemSimilarity = (a: number, b: number) => number;

/**
 * Intra-list diversity of one list: 1 − mean pairwise similarity over its m(m−1)/2 pairs
 * (Ziegler et al. 2005). Lists with fewer than two items have no pairs and are skipped by `meanIld`.
 */
export function intraListDiversity(list: ArrayLike<number>, sim: ItemSimilarity): number {
  let s = 0, pairs = 0;
  for (let a = 0; a < list.length; a++) for (let b = a + 1; b < list.length; b++) {
    s += sim(list[a]!, list[b]!);
    pairs++;
  }
  return pairs === 0 ? NaN : 1 - s / pairs;
}

/** Mean ILD over the lists that have at least two items. */
export function meanIntraListDiversity(lists: readonly ArrayLike<number>[], sim: ItemSimilarity): number {
  let s = 0, n = 0;
  for (const l of lists) {
    const d = intraListDiversity(l, sim);
    if (!Number.isNaN(d)) { s += d; n++; }
  }
  return n === 0 ? 0 : s / n;
}

/** Jaccard similarity of the items' tag sets (0 when either has none): intra-list diversity over topics. */
export function tagJaccardSimilarity(tags: readonly (readonly string[])[]): ItemSimilarity {
  const sets = tags.map((t) => new Set(t));
  return (a, b) => setJaccard(sets[a]!, sets[b]!);
}

/**
 * Author coverage of a set of lists: the mean share of distinct authors in a list (1: every item by another
 * author). Items of unknown author (`authorOf` < 0) count as authors of their own; lists under two items are skipped.
 */
export function authorCoverage(lists: readonly ArrayLike<number>[], authorOf: (item: number) => number): number {
  let s = 0, n = 0;
  for (const l of lists) {
    if (l.length < 2) continue;
    const seen = new Set<number>();
    let unknown = 0;
    for (let j = 0; j < l.length; j++) {
      const a = authorOf(l[j]!);
      if (a < 0) unknown++;
      else seen.add(a);
    }
    s += (seen.size + unknown) / l.length;
    n++;
  }
  return n === 0 ? 0 : s / n;
}

/** Cosine similarity of item vectors given by a function (e.g. model embeddings). */
export function cosineFromVectors(vector: (item: number) => ArrayLike<number>): ItemSimilarity {
  return (a, b) => {
    const x = vector(a), y = vector(b);
    let dot = 0, nx = 0, ny = 0;
    for (let i = 0; i < x.length; i++) { dot += x[i]! * y[i]!; nx += x[i]! * x[i]!; ny += y[i]! * y[i]!; }
    return nx === 0 || ny === 0 ? 0 : dot / Math.sqrt(nx * ny);
  };
}

/**
 * The default item vectors: binary co-occurrence columns of the training matrix, so
 * cos(a, b) = |U_a ∩ U_b| / √(|U_a|·|U_b|) (MSR's `item_cooccurrence_count` similarity). Pair values are cached:
 * recommendation lists repeat the same popular pairs.
 */
export function cooccurrenceCosine(train: Csr): ItemSimilarity {
  const t = csrTranspose(train);
  const cache = new Map<number, number>();
  return (a, b) => {
    if (a === b) return 1;
    const lo = a < b ? a : b, hi = a < b ? b : a;
    const key = lo * t.rows + hi;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let i = t.indptr[lo]!, j = t.indptr[hi]!;
    const ie = t.indptr[lo + 1]!, je = t.indptr[hi + 1]!;
    const na = ie - i, nb = je - j;
    let common = 0;
    while (i < ie && j < je) {
      const x = t.indices[i]!, y = t.indices[j]!;
      if (x === y) { common++; i++; j++; } else if (x < y) i++; else j++;
    }
    const v = na === 0 || nb === 0 ? 0 : common / Math.sqrt(na * nb);
    cache.set(key, v);
    return v;
  };
}
