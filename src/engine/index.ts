/**
 * @module The engine layer: `createEngine` (the composition root) and the model lifecycle beside it.
 */
export { createEngine, type Engine, type EngineOptions, type EngineRuntime, type EngineStats, type TrainReport, type HydratedItem, type HydratedPage, type SecondaryState } from './create-engine.js';
export { mostActiveUsers } from './lifecycle.js';
export { planModels, type ModelPlan } from './model-plan.js';
export { listVersions, loadVersion, pruneVersions, setCurrentVersion, currentVersion, readManifest, type VersionManifest } from './model-versions.js';
export { type FollowSuggestion, type ServedProof } from './who-to-follow.js';
export { type PredictedRating } from './served-ratings.js';
export { type ComposeRequest, type ComposeSuggestions } from './compose.js';
export { type DeletedPostResult, type Requester, type UndoneEvent } from './retraction.js';
