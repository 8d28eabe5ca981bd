/**
 * @module What who-to-follow reads about a network, and the candidate generators built over it once: friends of
 * friends (common neighbours, Adamic–Adar), personalized PageRank, SALSA on the circle of trust, interest
 * similarity (when there is engagement) and embedding neighbours (when there are user vectors).
 */
import type { Dataset } from '../data/dataset.js';
import { nnz } from '../math/csr.js';
import type { CandidateGenerator } from './candidates.js';
import { followGraphFromCsr, type FollowGraph } from './follow-graph.js';
import { friendsOfFriends } from './generators/friends-of-friends.js';
import { embeddingNeighbours, type UserVectors } from './generators/embedding-neighbours.js';
import { engagementIndex, interestSimilarity, type EngagementIndex } from './generators/interest-similarity.js';
import { personalizedPageRank, type PageRankOptions } from './generators/personalized-pagerank.js';
import { salsa, type SalsaOptions } from './generators/salsa.js';
import { spectralEmbedding } from './spectral-embedding.js';

export interface SocialSignals {
  readonly graph: FollowGraph;
  /** Users × posts engagement (interest similarity, "you both like #tag"). */
  readonly engagement?: EngagementIndex;
  /** Per post: its tags (social proof of shared interests). */
  readonly postTags?: readonly (readonly string[])[];
  /** User vectors for a graph (default: its spectral embedding); called again for a graph with edges hidden. */
  readonly embed?: (graph: FollowGraph) => UserVectors;
  /** Cosine of two users' interest profiles (dense user indices), a ranker feature; the engine gives the feed's profiles. */
  readonly profileSimilarity?: (u: number, v: number) => number;
}

/** The network of a snapshot as who-to-follow reads it: its follows, and its engagement when there is any. */
export function socialSignalsOf(data: Dataset): SocialSignals {
  return {
    graph: followGraphFromCsr(data.follows),
    ...(nnz(data.interactions) > 0 ? { engagement: engagementIndex(data.interactions) } : {}),
    postTags: data.itemTags,
  };
}

export interface GeneratorOptions {
  pageRank?: PageRankOptions;
  salsa?: SalsaOptions;
}

export interface Generators {
  readonly commonNeighbours: CandidateGenerator;
  readonly adamicAdar: CandidateGenerator;
  readonly pageRank: CandidateGenerator;
  readonly salsa: CandidateGenerator;
  readonly interest: CandidateGenerator | undefined;
  readonly embedding: CandidateGenerator;
}

export function buildGenerators(signals: SocialSignals, options: GeneratorOptions = {}): Generators {
  const { graph } = signals;
  const pageRank = personalizedPageRank(graph, options.pageRank);
  return {
    commonNeighbours: friendsOfFriends(graph, 'common-neighbours'),
    adamicAdar: friendsOfFriends(graph, 'adamic-adar'),
    pageRank,
    salsa: salsa(graph, pageRank, options.salsa),
    interest: signals.engagement ? interestSimilarity(signals.engagement, graph.n) : undefined,
    embedding: embeddingNeighbours((signals.embed ?? ((g) => spectralEmbedding(g)))(graph)),
  };
}
