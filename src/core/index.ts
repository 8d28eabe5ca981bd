/** @module Core: errors, id maps, configuration, seeded randomness, logging, progress. */
export * from './errors.js';
export * from './id-map.js';
export * from './config.js';
export * from './rng.js';
export * from './logger.js';
export * from './progress.js';
