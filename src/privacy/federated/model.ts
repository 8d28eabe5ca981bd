/**
 * @module The model both the federated and the centralized trainer fit: BPR-MF (Rendle et al. 2009) with an item
 * bias, score(u, i) = p_uᵀq_i + b_i, trained by SGD on triples (u, i, j) with j drawn uniformly from a pool of
 * items, a draw that is one of u's positives redrawn (up to 64 times). The step is `bprStep` of `mf/bpr`.
 * Initialisation is Cornac's (uniform in (−0.5, 0.5)/f, zero biases), items from the seed and each user's vector
 * from (seed, user), so that both trainers start from the same point.
 */
import { createRng, type Rng } from '../../core/rng.js';

export interface BprHyperparameters {
  readonly factors: number;
  /** SGD step size of every triple. */
  readonly learningRate: number;
  /** λ on the factors and biases of the triple (`bprStep`). */
  readonly regularization: number;
  /** Item bias b_i. */
  readonly bias: boolean;
}

/** The global item side: q is nItems × f row-major; b the item biases when the model has them. */
export interface ItemModel {
  readonly nItems: number;
  readonly factors: number;
  readonly q: Float32Array;
  readonly b: Float32Array | undefined;
}

/** Values per item in an update: f factors, plus one bias. */
export function rowWidth(model: Pick<ItemModel, 'factors' | 'b'>): number {
  return model.factors + (model.b ? 1 : 0);
}

export function initItemModel(nItems: number, factors: number, bias: boolean, seed: number): ItemModel {
  const rng = createRng(seed);
  const q = Float32Array.from({ length: nItems * factors }, () => (rng.next() - 0.5) / factors);
  return { nItems, factors, q, b: bias ? new Float32Array(nItems) : undefined };
}

export function initUserVector(factors: number, seed: number, user: number): Float32Array {
  const rng = createRng((Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ (user + 1)) >>> 0);
  return Float32Array.from({ length: factors }, () => (rng.next() - 0.5) / factors);
}

/** A negative for a user with positives `isPositive`: uniform over the pool, redrawn while positive (≤ 64 draws). */
export function drawNegative(rng: Rng, pool: Int32Array, isPositive: (item: number) => boolean): number {
  let j = pool[rng.int(pool.length)]!;
  for (let t = 1; t < 64 && isPositive(j); t++) j = pool[rng.int(pool.length)]!;
  return j;
}

/** The k best-scoring items for user vector p, excluding `exclude`, best first. */
export function topItems(p: Float32Array, model: ItemModel, k: number, exclude: ReadonlySet<number>): Int32Array {
  const { nItems, factors: f, q, b } = model;
  const scores = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let s = b ? b[i]! : 0;
    for (let a = 0; a < f; a++) s += p[a]! * q[i * f + a]!;
    scores[i] = s;
  }
  const best: number[] = [];
  for (let i = 0; i < nItems; i++) {
    if (exclude.has(i)) continue;
    if (best.length === k && scores[i]! <= scores[best[k - 1]!]!) continue;
    // Insertion into the short sorted list (k is small).
    let at = best.length;
    while (at > 0 && scores[best[at - 1]!]! < scores[i]!) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return Int32Array.from(best);
}
