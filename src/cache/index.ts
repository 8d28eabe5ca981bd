export { createSharedState, memorySharedState, redisSharedState, type SharedState, type Invalidation } from './shared-state.js';
