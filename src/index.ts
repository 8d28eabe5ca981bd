/**
 * @module Resonate's library API: the engine and server, and every layer for those who compose their own.
 *
 * @example
 * import { createEngine, createServer } from 'resonate';
 * const engine = await createEngine({ overrides: { store: { url: 'sqlite://./social.db' } } });
 * await engine.ingest('events', [{ id: 'e1', user: 'alice', type: 'like', post: 'p1', timestamp: Date.now() }]);
 * await engine.train();
 * const page = await engine.feed('alice');
 */
export { createEngine, type Engine, type EngineOptions, type EngineStats, type TrainReport, type HydratedItem, type HydratedPage } from './engine/index.js';
import { registerBuiltinModels as registerAll } from './models/builtin.js';
export { createServer, type ServerOptions } from './api/server.js';
// The typed HTTP client (also `resonate/client`, which loads nothing else: usable in a browser).
export { createClient, ResonateApiError, type ClientOptions, type ResonateClient } from './client/index.js';
export * from './core/index.js';
export * from './data/schemas.js';
export type { Dataset, InteractionLog } from './data/dataset.js';
export { DatasetBuilder, buildDataset, datasetFromInteractions, eventWeight } from './data/dataset-builder.js';
export { datasetFromStore } from './data/dataset-from-store.js';
export { importData, IMPORT_FORMATS } from './data/importers/index.js';
export { generateNetwork, generateToStore } from './data/synthetic/index.js';
export { openStore } from './storage/open-store.js';
export { copyStore, type CopyReport, type CopyOptions } from './storage/copy-store.js';
export type { Store, StoreWriter, WriteBatch, WriteSummary, SearchHit } from './storage/store.js';
export type { Recommender, RecommendOptions, Recommendation, FitOptions, Artifact } from './models/recommender.js';
export { createModel, loadModel, loadModelFile, saveModel, modelIds, registerModel, getModelFactory, type ModelFactory } from './models/registry.js';
export { registerBuiltinModels, builtinModels } from './models/builtin.js';
export { createFeed, type Feed, type FeedConfig } from './feed/create-feed.js';
export { createEngagementRanker } from './models/ranker/index.js';
export { createBehaviorPredictor } from './models/behavior/index.js';
export * as evaluation from './eval/index.js';
export * as text from './text/index.js';
export * as nn from './nn/index.js';
export * as privacy from './privacy/index.js';
export * as policy from './policy/index.js';

// The library entry point is a composition root too: every built-in model is available to its users.
registerAll();
