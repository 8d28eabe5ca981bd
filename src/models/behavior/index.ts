/**
 * @module Public API of user-behaviour prediction: `createBehaviorPredictor` (next action type and churn risk,
 * calibrated) and the sequence features it reads.
 */
export {
  createBehaviorPredictor,
  behaviorConfigSchema,
  type BehaviorPredictor,
  type BehaviorConfig,
  type ResolvedBehaviorConfig,
  type BehaviorFitOptions,
  type BehaviorFitReport,
  type BehaviorPrediction,
} from './behavior-predictor.js';
export { sequenceFeatureDim, writeSequenceFeatures, type UserSequence } from './sequence-features.js';
