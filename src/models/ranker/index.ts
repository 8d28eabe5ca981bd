/**
 * @module Public API of the multi-task engagement ranker (MMoE): `createEngagementRanker`, its features and
 * metrics. Fit on a Dataset, then `predict` / `score` (user, item) pairs of the context dataset.
 */
export {
  createEngagementRanker,
  rankerConfigSchema,
  DEFAULT_RANKER_WEIGHTS,
  RANKER_KIND,
  RANKER_VERSION,
  type EngagementRanker,
  type RankerConfig,
  type ResolvedRankerConfig,
  type RankExample,
  type RankerPredictions,
  type RankerWeights,
  type RankerFitOptions,
  type RankerFitReport,
  type RankerDeps,
} from './ranker.js';
export { RANKER_TASKS, BINARY_TASKS, DENSE_FEATURES, buildExposures, finalFeatureState, FeatureState, TEXT_OFFSET, type Exposures, type RankerTask, type RankerTextSignals } from './features.js';
export { rocAuc, expectedCalibrationError } from './metrics.js';
export { MmoeNet, type MmoeNetConfig } from './mmoe-net.js';
