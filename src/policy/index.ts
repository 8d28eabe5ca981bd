/** @module Exploration policies: the `Policy` contract, multi-armed and contextual bandits, decisions awaiting their reward. */
export * from './policy.js';
export { createPolicy, restorePolicy, parsePolicySpec, isContextual, stateFits } from './create-policy.js';
export { EpsilonGreedy } from './epsilon-greedy.js';
export { Softmax } from './softmax.js';
export { ThompsonSampling } from './thompson.js';
export { LinUcb } from './linucb.js';
export { LinTs } from './lin-ts.js';
export { LinearArms } from './linear-arms.js';
export { betaMaxProbability } from './beta-max-probability.js';
export { DecisionLog, type PendingDecision } from './decision-log.js';
