/**
 * @module The follow graph in compressed sparse rows, built once from the follows: who each user follows (`out`),
 * who follows them (`in`), and each user's undirected degree |out ∪ in| (Adamic–Adar's degree). Typed arrays
 * only, so a million edges stay a few megabytes and every generator walks them without allocation.
 */
import { follows } from '../data/synthetic/follow-graph.js';
import type { Csr } from '../math/csr.js';

/** Adjacency rows: user u's neighbours are `indices[indptr[u] .. indptr[u+1])`, ascending. */
export interface Adjacency {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
}

export interface FollowGraph {
  /** Number of users (dense indices 0..n-1). */
  readonly n: number;
  /** Row u: whom u follows. */
  readonly out: Adjacency;
  /** Row v: who follows v. */
  readonly in: Adjacency;
  /** |out(u) ∪ in(u)|: the degree of u in the undirected graph. */
  readonly degree: Int32Array;
}

/** Builds the graph from follower → followee pairs (duplicates and self-loops dropped). */
export function followGraphFromEdges(n: number, from: ArrayLike<number>, to: ArrayLike<number>): FollowGraph {
  const out = adjacency(n, from, to);
  const inn = adjacency(n, to, from);
  return { n, out, in: inn, degree: undirectedDegree(n, out, inn) };
}

/** The graph of a users × users follow matrix (`Dataset.follows`). */
export function followGraphFromCsr(follows: Csr): FollowGraph {
  const n = follows.rows;
  const from = new Int32Array(follows.indices.length);
  for (let u = 0; u < n; u++) from.fill(u, follows.indptr[u]!, follows.indptr[u + 1]!);
  return followGraphFromEdges(n, from, follows.indices);
}

export function edgeCount(g: FollowGraph): number {
  return g.out.indptr[g.n]!;
}

export function outDegree(g: FollowGraph, u: number): number {
  return g.out.indptr[u + 1]! - g.out.indptr[u]!;
}

export function inDegree(g: FollowGraph, u: number): number {
  return g.in.indptr[u + 1]! - g.in.indptr[u]!;
}

/** Whether row u holds v (binary search in the sorted row; the synthetic network's test, same layout). */
export function hasEdge(adj: Adjacency, u: number, v: number): boolean {
  return follows(adj, u, v);
}

/** Bytes held by the graph's arrays. */
export function graphBytes(g: FollowGraph): number {
  return g.out.indptr.byteLength + g.out.indices.byteLength + g.in.indptr.byteLength + g.in.indices.byteLength + g.degree.byteLength;
}

/** Counting sort by source, then each row sorted and deduplicated; self-loops dropped. */
function adjacency(n: number, from: ArrayLike<number>, to: ArrayLike<number>): Adjacency {
  const m = from.length;
  const count = new Int32Array(n + 1);
  for (let i = 0; i < m; i++) {
    const a = from[i]!, b = to[i]!;
    if (a < 0 || a >= n || b < 0 || b >= n) throw new RangeError(`follow graph: edge (${a}, ${b}) outside 0..${n - 1}`);
    if (a !== b) count[a + 1]!++;
  }
  for (let u = 0; u < n; u++) count[u + 1]! += count[u]!;
  const fill = count.slice(0, n);
  const raw = new Int32Array(count[n]!);
  for (let i = 0; i < m; i++) if (from[i] !== to[i]) raw[fill[from[i]!]!++] = to[i]!;
  const indptr = new Int32Array(n + 1);
  let w = 0;
  for (let u = 0; u < n; u++) {
    const row = raw.subarray(count[u]!, count[u + 1]!).sort();
    for (let p = 0; p < row.length; p++) if (p === 0 || row[p] !== row[p - 1]) raw[w++] = row[p]!;
    indptr[u + 1] = w;
  }
  return { indptr, indices: w === raw.length ? raw : raw.slice(0, w) };
}

/** |out(u) ∪ in(u)| by merging the two sorted rows. */
function undirectedDegree(n: number, out: Adjacency, inn: Adjacency): Int32Array {
  const deg = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    let i = out.indptr[u]!, j = inn.indptr[u]!, d = 0;
    const ie = out.indptr[u + 1]!, je = inn.indptr[u + 1]!;
    while (i < ie && j < je) {
      const a = out.indices[i]!, b = inn.indices[j]!;
      if (a === b) { i++; j++; } else if (a < b) i++; else j++;
      d++;
    }
    deg[u] = d + (ie - i) + (je - j);
  }
  return deg;
}
