/** @module Offline evaluation: splits, metrics, the experiment runner, reports with charts, tuning. */
export * from './splits/types.js';
export * from './splits/pairs.js';
export * from './splits/stratified-split.js';
export * from './splits/leave-last-out.js';
export * from './splits/temporal-split.js';
export * from './splits/make-split.js';
export * from './metrics/ranking-metrics.js';
export * from './metrics/beyond-accuracy.js';
export * from './metrics/rating-metrics.js';
export * from './metrics/evaluate-rankings.js';
export * from './evaluation-result.js';
export * from './fingerprint.js';
export * from './sampled-negatives.js';
export * from './run-evaluation.js';
export * from './report/charts.js';
export * from './report/markdown.js';
export * from './report/write-report.js';
