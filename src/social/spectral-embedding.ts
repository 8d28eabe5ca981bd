/**
 * @module A spectral embedding of the follow graph (Laplacian eigenmaps, Belkin & Niyogi 2003), the user vectors
 * of `follow/embedding` when no model supplies its own: the top d + 1 eigenvectors of M = (I + D^-½ A D^-½) / 2 on
 * the undirected graph A (u ~ v when either follows the other; M is positive semi-definite with the same
 * eigenvectors as the normalised adjacency), found by subspace iteration; the first (∝ √degree, carrying no
 * community) is dropped, rows are scaled by D^-½ (the random-walk eigenvectors) and column j by λ_j^t, the
 * diffusion map of Coifman & Lafon (2006): directions that survive t steps of the walk (communities, λ near 1)
 * dominate those that do not (noise, λ near ½). Accounts in the same dense region of the graph get nearby vectors.
 */
import { topEigenpairs } from '../math/eigen.js';
import type { UserVectors } from './generators/embedding-neighbours.js';
import type { Adjacency, FollowGraph } from './follow-graph.js';

export interface SpectralOptions {
  /** Dimensions kept (default 32). */
  dim?: number;
  /** Subspace iterations (default 30). */
  iterations?: number;
  seed?: number;
  /** Diffusion time t (default 8). */
  time?: number;
}

export function spectralEmbedding(graph: FollowGraph, options: SpectralOptions = {}): UserVectors {
  const n = graph.n;
  const dim = Math.max(1, Math.min(options.dim ?? 32, n - 1));
  const sym = undirected(graph);
  const inv = Float32Array.from(graph.degree, (d) => (d > 0 ? 1 / Math.sqrt(d) : 0));
  const apply = (q: Float32Array, b: number, out: Float32Array): void => {
    for (let u = 0; u < n; u++) {
      const o = u * b;
      for (let j = 0; j < b; j++) out[o + j] = 0.5 * q[o + j]!;
      for (let p = sym.indptr[u]!; p < sym.indptr[u + 1]!; p++) {
        const v = sym.indices[p]!, w = 0.5 * inv[u]! * inv[v]!, ov = v * b;
        for (let j = 0; j < b; j++) out[o + j]! += w * q[ov + j]!;
      }
    }
  };
  const { values, vectors } = topEigenpairs(apply, n, dim + 1, { iterations: options.iterations ?? 30, seed: options.seed ?? 1 });
  const t = options.time ?? 8;
  const weight = Array.from({ length: dim }, (_, j) => Math.max(0, values[j + 1]!) ** t);
  const data = new Float32Array(n * dim);
  for (let u = 0; u < n; u++) for (let j = 0; j < dim; j++) data[u * dim + j] = vectors[u * (dim + 1) + j + 1]! * inv[u]! * weight[j]!;
  return { n, dim, data };
}

/** out ∪ in per user, sorted (the rows are sorted, so a merge). */
function undirected(g: FollowGraph): Adjacency {
  const indptr = new Int32Array(g.n + 1);
  for (let u = 0; u < g.n; u++) indptr[u + 1] = indptr[u]! + g.degree[u]!;
  const indices = new Int32Array(indptr[g.n]!);
  for (let u = 0; u < g.n; u++) {
    let i = g.out.indptr[u]!, j = g.in.indptr[u]!, w = indptr[u]!;
    const ie = g.out.indptr[u + 1]!, je = g.in.indptr[u + 1]!;
    while (i < ie || j < je) {
      const a = i < ie ? g.out.indices[i]! : Infinity, b = j < je ? g.in.indices[j]! : Infinity;
      if (a === b) { indices[w++] = a; i++; j++; } else if (a < b) { indices[w++] = a; i++; } else { indices[w++] = b as number; j++; }
    }
  }
  return { indptr, indices };
}
