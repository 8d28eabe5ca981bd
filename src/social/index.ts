/** @module Who-to-follow: the follow graph, candidate generators, the learned ranker, social proof, the served list. */
export * from './candidates.js';
export * from './follow-graph.js';
export * from './edge-holdout.js';
export * from './exclusions.js';
export * from './signals.js';
export * from './features.js';
export * from './follow-ranker.js';
export * from './follow-models.js';
export * from './social-proof.js';
export * from './spectral-embedding.js';
export * from './who-to-follow.js';
export { friendsOfFriends, type FriendsOfFriendsScore } from './generators/friends-of-friends.js';
export { personalizedPageRank, type PageRankOptions } from './generators/personalized-pagerank.js';
export { salsa, type SalsaOptions } from './generators/salsa.js';
export { interestSimilarity, engagementIndex, type EngagementIndex, type InterestOptions } from './generators/interest-similarity.js';
export { embeddingNeighbours, normalizeRows, type UserVectors } from './generators/embedding-neighbours.js';
