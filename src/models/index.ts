/**
 * @module Registers every built-in model with the registry (import for its side effect).
 */
import { registerModel } from './registry.js';
import { allTimeFactory, trendingFactory } from './popular/popular.js';
import { easeFactory } from './ease/ease.js';

registerModel(easeFactory);
registerModel(trendingFactory);
registerModel(allTimeFactory);
