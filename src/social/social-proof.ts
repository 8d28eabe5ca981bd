/**
 * @module Why an account is suggested, in terms the viewer can check: the accounts they follow who follow it
 * ("followed by @a and @b you follow"), that it follows them, and the interests they share ("you both like
 * #tag", from the posts both engaged with). Indices here; the serving layer turns them into ids and words.
 */
import type { EngagementIndex } from './generators/interest-similarity.js';
import { hasEdge, type FollowGraph } from './follow-graph.js';

export type SocialProof =
  /** Accounts the viewer follows that follow the suggestion: the two most followed, and how many in all. */
  | { kind: 'followed-by'; users: number[]; total: number }
  | { kind: 'follows-you' }
  /** Posts both engaged with, and the tag most common among them (when they have tags). */
  | { kind: 'shared-interest'; posts: number; tag?: string };

export interface ProofSources {
  readonly graph: FollowGraph;
  readonly engagement?: EngagementIndex;
  readonly postTags?: readonly (readonly string[])[];
}

/** Every proof that holds for viewer u and suggestion v, strongest kind first. */
export function socialProof(s: ProofSources, u: number, v: number, maxNamed = 2): SocialProof[] {
  const out: SocialProof[] = [];
  const { graph } = s;
  const via = intersect(graph.out, u, graph.in, v);
  if (via.length > 0) {
    const named = via.sort((a, b) => inCount(graph, b) - inCount(graph, a) || a - b).slice(0, maxNamed);
    out.push({ kind: 'followed-by', users: named, total: via.length });
  }
  if (hasEdge(graph.out, v, u)) out.push({ kind: 'follows-you' });
  const e = s.engagement;
  if (e && u < e.byUser.rows && v < e.byUser.rows) {
    const shared = intersect(e.byUser, u, e.byUser, v);
    if (shared.length > 0) {
      const tag = commonestTag(shared, s.postTags);
      out.push({ kind: 'shared-interest', posts: shared.length, ...(tag === undefined ? {} : { tag }) });
    }
  }
  return out;
}

function inCount(g: FollowGraph, v: number): number {
  return g.in.indptr[v + 1]! - g.in.indptr[v]!;
}

/** Common entries of row a of A and row b of B (both sorted). */
function intersect(A: { indptr: Int32Array; indices: Int32Array }, a: number, B: { indptr: Int32Array; indices: Int32Array }, b: number): number[] {
  const out: number[] = [];
  let i = A.indptr[a]!, j = B.indptr[b]!;
  const ie = A.indptr[a + 1]!, je = B.indptr[b + 1]!;
  while (i < ie && j < je) {
    const x = A.indices[i]!, y = B.indices[j]!;
    if (x === y) { out.push(x); i++; j++; } else if (x < y) i++; else j++;
  }
  return out;
}

/** The tag on most of the posts (ties: alphabetical), undefined when none has a tag. */
function commonestTag(posts: readonly number[], tags: readonly (readonly string[])[] | undefined): string | undefined {
  if (!tags) return undefined;
  const counts = new Map<string, number>();
  for (const p of posts) for (const t of new Set(tags[p] ?? [])) counts.set(t, (counts.get(t) ?? 0) + 1);
  let best: string | undefined, n = 0;
  for (const [t, c] of counts) if (c > n || (c === n && best !== undefined && t < best)) [best, n] = [t, c];
  return best;
}

/** The proof in words, with `handle(user)` naming an account: "followed by @a and @b you follow", "you both like #jazz". */
export function proofText(proof: SocialProof, handle: (user: number) => string): string {
  switch (proof.kind) {
    case 'followed-by': {
      const names = proof.users.map((u) => `@${handle(u)}`);
      const others = proof.total - names.length;
      const list = others > 0 ? `${names.join(', ')} and ${others} other${others === 1 ? '' : 's'}` : names.join(' and ');
      return `followed by ${list} you follow`;
    }
    case 'follows-you':
      return 'follows you';
    case 'shared-interest':
      return proof.tag !== undefined ? `you both like #${proof.tag}` : `you both engaged with ${proof.posts} of the same post${proof.posts === 1 ? '' : 's'}`;
  }
}
