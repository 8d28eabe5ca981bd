/**
 * @module Policies from their specs (`feed.exploration.policy`: `{ id, params }`, checked against the config
 * schema, so an invalid one is INVALID_CONFIG naming the field) and from saved state.
 */
import { policySpecSchema, type PolicySpec, type PolicySpecInput } from '../core/config.js';
import { createError } from '../core/errors.js';
import type { BasePolicy } from './base-policy.js';
import { EpsilonGreedy } from './epsilon-greedy.js';
import { LinTs } from './lin-ts.js';
import { LinUcb } from './linucb.js';
import type { Policy, PolicyOptions, PolicyState } from './policy.js';
import { Softmax } from './softmax.js';
import { ThompsonSampling } from './thompson.js';

/** The spec with its defaults, or INVALID_CONFIG naming `field` and the bad part. */
export function parsePolicySpec(spec: unknown, field = 'feed.exploration.policy'): PolicySpec {
  const parsed = policySpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw createError('INVALID_CONFIG', { field: [field, ...issue.path.map(String)].join('.'), problem: issue.message });
  }
  return parsed.data;
}

function build(spec: PolicySpec, options: PolicyOptions): BasePolicy<PolicySpec> {
  switch (spec.id) {
    case 'epsilon-greedy': return new EpsilonGreedy(spec, options);
    case 'softmax': return new Softmax(spec, options);
    case 'thompson': return new ThompsonSampling(spec, options);
    case 'linucb': return new LinUcb(spec, options);
    case 'lin-ts': return new LinTs(spec, options);
  }
}

/** Whether a policy of this spec is contextual (needs a context dimension). */
export function isContextual(spec: PolicySpec): boolean {
  return spec.id === 'linucb' || spec.id === 'lin-ts';
}

export function createPolicy(spec: PolicySpecInput | PolicySpec, options: PolicyOptions, field?: string): Policy {
  return build(parsePolicySpec(spec, field), options);
}

/** A policy from its `toJSON()` state; ARTIFACT_INVALID when the state is not one. */
export function restorePolicy(state: unknown, path = 'policy state'): Policy {
  const s = state as Partial<PolicyState> | null;
  if (!s || s.format !== 'resonate-policy' || s.formatVersion !== 1 || !Array.isArray(s.arms) || typeof s.dim !== 'number' || typeof s.seed !== 'number' || !Number.isInteger(s.updates) || !s.stats || typeof s.stats !== 'object') {
    throw createError('ARTIFACT_INVALID', { path, problem: 'not a policy state this Resonate reads' });
  }
  const spec = parsePolicySpec(s.spec, `${path} spec`);
  return build(spec, { arms: s.arms, dim: s.dim, seed: s.seed }).loadState(s as PolicyState);
}

/** Whether saved state fits a policy of this spec over these arms and dimension (else start afresh). */
export function stateFits(state: PolicyState, spec: PolicySpec, arms: readonly string[], dim: number): boolean {
  return JSON.stringify(state.spec) === JSON.stringify(spec) && state.arms.length === arms.length && state.arms.every((a, i) => a === arms[i]) && state.dim === (isContextual(spec) ? dim : 0);
}
