/**
 * @module The feed's public surface: `createFeed` (pages, similar posts, trending) and its types.
 */
export { createFeed, type Feed, type FeedConfig } from './create-feed.js';
export type { TrendingTag } from './trending.js';
export type { Candidate, CandidateSource, ExplorationDecision, FeedItem, FeedPage, PageOptions, PostInfo, Reason, SourceContext } from './types.js';
export { Explorer, type ExplorerOptions } from './explorer.js';
export { inNetworkSource } from './sources/in-network-source.js';
export { modelSource } from './sources/model-source.js';
export { trendingSource, ANONYMOUS_USER } from './sources/trending-source.js';
