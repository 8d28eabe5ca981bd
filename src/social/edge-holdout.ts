/**
 * @module Hiding follow edges for link prediction: a seeded random `fraction` of the edges is hidden, the rest is
 * the training graph. A follow listed in both directions (a friendship) is one unit, hidden in both directions
 * or in neither, so the training graph cannot give a hidden edge away through its reverse.
 */
import { createRng } from '../core/rng.js';
import { followGraphFromEdges, hasEdge, type Adjacency, type FollowGraph } from './follow-graph.js';

export interface EdgeHoldout {
  /** The graph without the hidden edges. */
  readonly train: FollowGraph;
  /** Row u: u's hidden out-edges. */
  readonly hidden: Adjacency;
}

export function holdOutEdges(graph: FollowGraph, fraction: number, seed: number): EdgeHoldout {
  const { n } = graph;
  const { indptr, indices } = graph.out;
  // Units: a mutual pair once (from its smaller end), a one-way edge alone.
  const unitFrom: number[] = [], unitTo: number[] = [];
  for (let u = 0; u < n; u++) {
    for (let p = indptr[u]!; p < indptr[u + 1]!; p++) {
      const v = indices[p]!;
      if (v < u && hasEdge(graph.out, v, u)) continue;
      unitFrom.push(u);
      unitTo.push(v);
    }
  }
  const order = createRng(seed).shuffle(Array.from(unitFrom, (_, i) => i));
  const nHidden = Math.round(fraction * order.length);
  const hide = new Uint8Array(order.length);
  for (let i = 0; i < nHidden; i++) hide[order[i]!] = 1;
  const keep: [number[], number[]] = [[], []], gone: [number[], number[]] = [[], []];
  for (let i = 0; i < unitFrom.length; i++) {
    const u = unitFrom[i]!, v = unitTo[i]!;
    const to = hide[i] ? gone : keep;
    to[0].push(u);
    to[1].push(v);
    if (hasEdge(graph.out, v, u)) {
      to[0].push(v);
      to[1].push(u);
    }
  }
  return { train: followGraphFromEdges(n, keep[0], keep[1]), hidden: followGraphFromEdges(n, gone[0], gone[1]).out };
}

/** Users with at least one hidden and one kept out-edge: the ones link prediction scores. */
export function evaluableUsers(h: EdgeHoldout): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < h.train.n; u++) {
    if (h.hidden.indptr[u + 1]! > h.hidden.indptr[u]! && h.train.out.indptr[u + 1]! > h.train.out.indptr[u]!) out.push(u);
  }
  return Int32Array.from(out);
}
