/**
 * @module Finite-difference gradient check: compares autograd gradients with central differences.
 *
 * numeric ∂f/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε, the differences taken in float64 from a loss computed in
 * float32. Error budget: the truncation error is ε²·f‴/6 ≈ 2·10⁻⁵·f‴ at ε = 10⁻², and float32 rounding of the
 * loss (relative ~10⁻⁷ per op, a few hundred ops) divided by 2ε adds ≈ 10⁻⁵·|f|. A wrong formula errs by O(1)
 * relatively, so the default test |a − n| ≤ atol + rtol·max(|a|, |n|) with rtol = 10⁻², atol = 10⁻³ separates
 * them with room to spare. Inputs must stay more than ε away from kinks (relu at 0, ties of max).
 */
import { createError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { mul } from './ops/arithmetic.js';
import { sum } from './ops/reduce.js';
import { Tensor, noGrad, randn } from './tensor.js';

export interface GradCheckOptions {
  /** Step ε, default 1e-2. */
  eps?: number;
  /** Relative tolerance, default 1e-2. */
  rtol?: number;
  /** Absolute tolerance, default 1e-3. */
  atol?: number;
  /** Check at most this many elements per input (evenly spread), default 64. */
  maxPerInput?: number;
}

export interface GradCheckResult {
  ok: boolean;
  /** Largest |analytic − numeric| / (atol + rtol·max(|a|, |n|)); ≤ 1 passes. */
  worst: number;
  /** Up to ten failing entries, for the test message. */
  failures: string[];
  checked: number;
}

/** Dense copy of a tensor's gradient (sparse row gradients scattered in). */
function denseGrad(t: Tensor): Float32Array {
  const g = t.grad === null ? new Float32Array(t.size) : t.grad.slice();
  if (t.sparseGrad.length > 0) {
    const width = t.size / t.shape[0]!;
    for (const s of t.sparseGrad) {
      for (let r = 0; r < s.ids.length; r++) {
        const base = s.ids[r]! * width;
        for (let j = 0; j < width; j++) g[base + j] = g[base + j]! + s.rows[r * width + j]!;
      }
    }
  }
  return g;
}

/**
 * Checks the gradients of the scalar `fn()` with respect to each of `inputs`.
 * @example expect(gradCheck(() => sum(tanh(x)), [x]).ok).toBe(true);
 */
export function gradCheck(fn: () => Tensor, inputs: readonly Tensor[], options: GradCheckOptions = {}): GradCheckResult {
  const eps = options.eps ?? 1e-2, rtol = options.rtol ?? 1e-2, atol = options.atol ?? 1e-3;
  const maxPer = options.maxPerInput ?? 64;
  for (const x of inputs) {
    if (!x.requiresGrad) throw createError('INVALID_INPUT', { field: 'gradCheck.inputs', problem: 'every input must have requiresGrad' });
    x.zeroGrad();
  }
  const loss = fn();
  if (loss.size !== 1) throw createError('SHAPE_MISMATCH', { op: 'gradCheck', problem: `fn must return a scalar, got shape [${loss.shape.join(', ')}]` });
  loss.backward();
  const analytic = inputs.map(denseGrad);
  const failures: string[] = [];
  let worst = 0, checked = 0;
  const value = (): number => noGrad(() => fn().data[0]!);
  inputs.forEach((x, xi) => {
    const count = Math.min(x.size, maxPer);
    for (let c = 0; c < count; c++) {
      const i = count === x.size ? c : Math.floor((c * x.size) / count);
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const fp = value();
      x.data[i] = orig - eps;
      const fm = value();
      x.data[i] = orig;
      // The perturbation actually applied is what float32 stored.
      const h = Math.fround(orig + eps) - Math.fround(orig - eps);
      const numeric = (fp - fm) / h;
      const a = analytic[xi]![i]!;
      const ratio = Math.abs(a - numeric) / (atol + rtol * Math.max(Math.abs(a), Math.abs(numeric)));
      if (ratio > worst) worst = ratio;
      if (ratio > 1 && failures.length < 10) failures.push(`input ${xi}[${i}]: analytic ${a.toPrecision(6)} vs numeric ${numeric.toPrecision(6)}`);
      checked++;
    }
  });
  return { ok: worst <= 1, worst, failures, checked };
}

/**
 * A scalar Σ out ⊙ R with fixed random weights R (seeded): every output value reaches the loss with a distinct
 * weight, so a gradient check of a tensor-valued op catches errors a plain sum would cancel.
 */
export function randomProbe(out: Tensor, seed = 99): Tensor {
  const rng = createRng(seed);
  const w = randn(out.shape, rng);
  return sum(mul(out, w));
}
