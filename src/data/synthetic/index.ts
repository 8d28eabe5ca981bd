/**
 * @module The synthetic social network: generator, planted truth, vocabularies and the store helper.
 */
export { generateNetwork, MENTION_RATE, type SyntheticNetwork } from './generate-network.js';
export { generateToStore, type GenerateToStoreResult } from './generate-to-store.js';
export { buildTruth, thetaPathFor, MAIN_TOPIC_MIN, type PlantedTruth } from './planted-truth.js';
export {
  DEMO_NETWORK,
  resolveSyntheticConfig,
  syntheticConfigSchema,
  type EngagementBeta,
  type ResolvedSyntheticConfig,
  type SyntheticConfig,
} from './synthetic-config.js';
export { engagementScore, negativeProbabilities, ENGAGEMENT_RATES, NEGATIVE_RATES, DWELL } from './engagement.js';
export { thetaCosine, mainTopics, userHandle, type Population } from './population.js';
export { follows, type FollowGraph } from './follow-graph.js';
export type { PostLatents } from './posts.js';
export { TOPICS, BACKGROUND_WORDS, SENTIMENT_WORDS, SENTIMENT_NAMES, type SentimentLabel, type TopicVocabulary } from './vocabulary.js';
