/**
 * @module Hyperparameter search spaces and seeded random sampling from them (Bergstra & Bengio 2012:
 * random search beats grid search when few parameters matter).
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';

export type ParamSpec =
  /** Integer in [min, max]; `log` samples uniformly in log space (min ≥ 1). */
  | { type: 'int'; min: number; max: number; log?: boolean }
  /** Real in [min, max); `log` samples uniformly in log space (min > 0). */
  | { type: 'float'; min: number; max: number; log?: boolean }
  | { type: 'choice'; values: readonly (string | number | boolean)[] };

export type SearchSpace = Readonly<Record<string, ParamSpec>>;

export type Params = Record<string, string | number | boolean>;

/** Validates a space; throws INVALID_INPUT naming the parameter. */
export function checkSpace(space: SearchSpace): void {
  for (const [name, s] of Object.entries(space)) {
    const bad = (problem: string): never => { throw createError('INVALID_INPUT', { field: `space.${name}`, problem }); };
    if (s.type === 'choice') {
      if (!s.values.length) bad('choice has no values');
    } else if (s.type === 'int' || s.type === 'float') {
      if (!(Number.isFinite(s.min) && Number.isFinite(s.max) && s.min <= s.max)) bad(`expected finite min ≤ max, got [${s.min}, ${s.max}]`);
      if (s.log && !(s.min > 0)) bad(`log scale needs min > 0, got ${s.min}`);
    } else bad(`unknown type "${(s as { type: string }).type}"; expected int, float or choice`);
  }
}

/** One random point of the space. */
export function sampleParams(space: SearchSpace, rng: Rng): Params {
  const out: Params = {};
  for (const [name, s] of Object.entries(space)) {
    if (s.type === 'choice') out[name] = s.values[rng.int(s.values.length)]!;
    else {
      const u = rng.next();
      const x = s.log ? Math.exp(Math.log(s.min) + u * (Math.log(s.max) - Math.log(s.min))) : s.min + u * (s.max - s.min);
      out[name] = s.type === 'int' ? Math.min(s.max, Math.max(s.min, Math.round(x))) : x;
    }
  }
  return out;
}
