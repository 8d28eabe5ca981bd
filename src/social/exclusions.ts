/**
 * @module Who is never suggested to a viewer: the viewer, the accounts they already follow, and whatever the
 * caller adds (erased accounts, and blocked or muted ones once those exist) as one predicate.
 */
import type { Excluded } from './candidates.js';
import { hasEdge, type FollowGraph } from './follow-graph.js';

export function viewerExclusions(graph: FollowGraph, viewer: number, extra?: Excluded): Excluded {
  return (v) => v === viewer || hasEdge(graph.out, viewer, v) || (extra !== undefined && extra(v));
}
