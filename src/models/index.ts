/**
 * @module Registers every built-in model with the registry (import for its side effect).
 */
import { registerModel } from './registry.js';
import { easeFactory } from './ease/ease.js';

registerModel(easeFactory);
