/** @module Off-policy evaluation: logs, policies, the reward model, the estimators, bootstrap intervals, the report. */
export * from './types.js';
export * from './log-sources.js';
export * from './obd-csv.js';
export * from './jsonl-log.js';
export * from './policies.js';
export * from './glm.js';
export * from './reward-features.js';
export * from './reward-model.js';
export * from './estimators.js';
export * from './bootstrap.js';
export * from './ope-terms.js';
export * from './run-ope.js';
export * from './report.js';
