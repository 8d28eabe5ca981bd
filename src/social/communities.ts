/**
 * @module Communities of the follow graph and sparse community vectors, in the three steps of Twitter's
 * SimClusters (Satuluri et al., KDD 2020), with Louvain modularity clustering (graphology) in place of its
 * Metropolis–Hastings step:
 *
 * 1. KnownFor: Louvain on the undirected follow graph (an edge weighs 1 per direction followed) puts each account
 *    with at least one follow edge in one community; communities smaller than `minSize` are dropped (their
 *    members are known for none). Communities are numbered by size, largest first.
 * 2. InterestedIn(u) = Σ_{f followed by u} e_{KnownFor(f)} + Σ_{i engaged by u} w_ui · e_{KnownFor(author(i))},
 *    truncated to its `topK` largest entries and scaled to sum 1.
 * 3. Post vector(i) = e_{KnownFor(author(i))} + Σ_{u engaged with i} w_ui · InterestedIn(u), truncated to `topK`
 *    entries and not normalised: a post popular in a community has a large entry there.
 *
 * A community is named by its most characteristic hashtags (weight of the tag in the community's posts × log of
 * communities over communities using the tag) and its most followed members (in-community followers).
 */
import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import { createRng } from '../core/rng.js';
import { csrFromCoo, type Csr } from '../math/csr.js';

// The package is CommonJS with an ES-style `export default` in its types: under Node's interop the default import
// is the function itself.
const louvain = louvainModule as unknown as typeof louvainModule.default;

export interface CommunityOptions {
  /** Louvain resolution (1: modularity; higher gives more, smaller communities). */
  resolution: number;
  /** Communities with fewer members are dropped. */
  minSize: number;
  /** Entries kept per user and per post vector. */
  topK: number;
  seed: number;
}

export const DEFAULT_COMMUNITY_OPTIONS: CommunityOptions = { resolution: 1, minSize: 3, topK: 5, seed: 42 };

/** What the vectors are computed from: a follow graph, engagement and each post's author (all dense indices). */
export interface CommunityInput {
  /** users × users, row u: whom u follows. */
  follows: Pick<Csr, 'rows' | 'indptr' | 'indices'>;
  /** users × items, engagement weights. */
  interactions: Csr;
  /** Per item: author as a user index, −1 when unknown. */
  itemAuthors: Int32Array;
}

export interface Communities {
  count: number;
  /** Per user: the community the account is known for, −1 for none. */
  knownFor: Int32Array;
  /** users × communities, rows summing to 1 (empty when the user has no signal). */
  interestedIn: Csr;
  /** items × communities. */
  postVectors: Csr;
}

/** Step 1: a community per account (−1: none), communities numbered by size, largest first. */
export function detectCommunities(follows: Pick<Csr, 'rows' | 'indptr' | 'indices'>, options: Pick<CommunityOptions, 'resolution' | 'minSize' | 'seed'>): { count: number; knownFor: Int32Array } {
  const n = follows.rows;
  const graph = new UndirectedGraph({ allowSelfLoops: false });
  const weights = new Map<number, number>();
  for (let u = 0; u < n; u++) {
    for (let k = follows.indptr[u]!; k < follows.indptr[u + 1]!; k++) {
      const v = follows.indices[k]!;
      if (v === u || v >= n) continue;
      const key = u < v ? u * n + v : v * n + u;
      weights.set(key, (weights.get(key) ?? 0) + 1);
    }
  }
  for (const [key, w] of weights) {
    const a = Math.floor(key / n), b = key % n;
    graph.mergeNode(String(a));
    graph.mergeNode(String(b));
    graph.addEdge(String(a), String(b), { weight: w });
  }
  const knownFor = new Int32Array(n).fill(-1);
  if (graph.size === 0) return { count: 0, knownFor };
  const rng = createRng(options.seed);
  const raw = louvain(graph, { resolution: options.resolution, rng: () => rng.next(), getEdgeWeight: 'weight' });
  const members = new Map<number, number[]>();
  for (const [node, c] of Object.entries(raw)) {
    const list = members.get(c);
    if (list) list.push(Number(node));
    else members.set(c, [Number(node)]);
  }
  const kept = [...members.values()].filter((m) => m.length >= options.minSize).sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  kept.forEach((m, c) => {
    for (const u of m) knownFor[u] = c;
  });
  return { count: kept.length, knownFor };
}

/** The `topK` largest entries of a sparse vector, as [community, weight] pairs, largest first. */
function top(entries: Map<number, number>, topK: number): [number, number][] {
  return [...entries].filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, topK);
}

function toCsr(rows: number, cols: number, vectors: readonly [number, number][][]): Csr {
  const r: number[] = [], c: number[] = [], v: number[] = [];
  vectors.forEach((vec, i) => {
    for (const [community, w] of vec) {
      r.push(i);
      c.push(community);
      v.push(w);
    }
  });
  return csrFromCoo(rows, cols, r, c, v);
}

/** Step 2: InterestedIn, from whom each user follows and whose posts they engaged with. */
export function interestedIn(input: CommunityInput, knownFor: Int32Array, count: number, topK: number): Csr {
  const { follows, interactions, itemAuthors } = input;
  const vectors: [number, number][][] = [];
  for (let u = 0; u < interactions.rows; u++) {
    const acc = new Map<number, number>();
    const add = (user: number, w: number): void => {
      const c = user >= 0 && user < knownFor.length ? knownFor[user]! : -1;
      if (c >= 0) acc.set(c, (acc.get(c) ?? 0) + w);
    };
    if (u < follows.rows) for (let k = follows.indptr[u]!; k < follows.indptr[u + 1]!; k++) add(follows.indices[k]!, 1);
    for (let k = interactions.indptr[u]!; k < interactions.indptr[u + 1]!; k++) add(itemAuthors[interactions.indices[k]!]!, interactions.data[k]!);
    const kept = top(acc, topK);
    const sum = kept.reduce((s, [, w]) => s + w, 0);
    vectors.push(kept.map(([c, w]) => [c, w / sum]));
  }
  return toCsr(interactions.rows, count, vectors);
}

/** Step 3: post vectors, from the post's author and the InterestedIn vectors of the users who engaged with it. */
export function postVectors(input: CommunityInput, knownFor: Int32Array, interest: Csr, count: number, topK: number): Csr {
  const { interactions, itemAuthors } = input;
  const nItems = itemAuthors.length;
  // One map per post that has any community entry, made on first use (most posts of a large network have none).
  const acc: (Map<number, number> | undefined)[] = new Array(nItems);
  const vectorOf = (i: number): Map<number, number> => (acc[i] ??= new Map());
  for (let i = 0; i < nItems; i++) {
    const a = itemAuthors[i]!;
    const c = a >= 0 && a < knownFor.length ? knownFor[a]! : -1;
    if (c >= 0) vectorOf(i).set(c, 1);
  }
  for (let u = 0; u < interactions.rows; u++) {
    const from = interest.indptr[u]!, to = interest.indptr[u + 1]!;
    if (from === to) continue;
    for (let k = interactions.indptr[u]!; k < interactions.indptr[u + 1]!; k++) {
      const vec = vectorOf(interactions.indices[k]!), w = interactions.data[k]!;
      for (let q = from; q < to; q++) vec.set(interest.indices[q]!, (vec.get(interest.indices[q]!) ?? 0) + w * interest.data[q]!);
    }
  }
  return toCsr(nItems, count, Array.from({ length: nItems }, (_, i) => (acc[i] ? top(acc[i], topK) : [])));
}

/** Steps 1–3. */
export function buildCommunities(input: CommunityInput, options: CommunityOptions = DEFAULT_COMMUNITY_OPTIONS): Communities {
  const { count, knownFor } = detectCommunities(input.follows, options);
  const interest = interestedIn(input, knownFor, count, options.topK);
  return { count, knownFor, interestedIn: interest, postVectors: postVectors(input, knownFor, interest, count, options.topK) };
}

export interface CommunityLabel {
  /** Most characteristic hashtags, best first (without '#'). */
  tags: string[];
  /** Most followed members (user indices), best first. */
  accounts: number[];
}

/** Names each community by its characteristic tags and its most followed members. */
export function labelCommunities(c: Communities, follows: Csr, itemTags: readonly (readonly string[])[], perLabel = 3): CommunityLabel[] {
  const tagWeight = Array.from({ length: c.count }, () => new Map<string, number>());
  const pv = c.postVectors;
  for (let i = 0; i < pv.rows; i++) {
    const tags = itemTags[i] ?? [];
    for (let k = pv.indptr[i]!; k < pv.indptr[i + 1]!; k++) {
      const m = tagWeight[pv.indices[k]!]!;
      for (const t of tags) m.set(t, (m.get(t) ?? 0) + pv.data[k]!);
    }
  }
  const spread = new Map<string, number>();
  for (const m of tagWeight) for (const t of m.keys()) spread.set(t, (spread.get(t) ?? 0) + 1);
  const inDegree = new Float64Array(c.knownFor.length);
  for (let u = 0; u < follows.rows; u++) {
    for (let k = follows.indptr[u]!; k < follows.indptr[u + 1]!; k++) {
      const v = follows.indices[k]!;
      if (v < c.knownFor.length && c.knownFor[u] >= 0 && c.knownFor[u] === c.knownFor[v]) inDegree[v]! += 1;
    }
  }
  const members = Array.from({ length: c.count }, () => [] as number[]);
  c.knownFor.forEach((community, u) => {
    if (community >= 0) members[community]!.push(u);
  });
  return tagWeight.map((m, community) => ({
    tags: [...m]
      .map(([t, w]) => [t, w * Math.log((c.count + 1) / spread.get(t)!)] as const)
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, perLabel)
      .map(([t]) => t.replace(/^#/, '')),
    accounts: members[community]!.sort((a, b) => inDegree[b]! - inDegree[a]! || a - b).slice(0, perLabel),
  }));
}
