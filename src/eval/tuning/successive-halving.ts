/**
 * @module Successive halving (Jamieson & Talwalkar 2016, "Non-stochastic best arm identification and
 * hyperparameter optimization"), the inner loop of Hyperband: start n random configurations on a small
 * resource, keep the best ⌊n/η⌋ (at least one) at each rung while the resource grows ×η, until one runs at full resource.
 *
 * Rungs: R = ⌊log_η n⌋ + 1; rung r (0-based) gives each survivor the resource fraction η^(r − R + 1), so the last
 * rung runs at 1. With n = 81 and η = 3: 81 configs at 1/81, 27 at 1/27, 9 at 1/9, 3 at 1/3, 1 at 1.
 * `halving: false` is plain random search: every configuration at full resource.
 */
import { createRng } from '../../core/rng.js';
import { createError } from '../../core/errors.js';
import { noProgress, type Progress } from '../../core/progress.js';
import { checkSpace, sampleParams, type Params, type SearchSpace } from './search-space.js';

export interface Trial {
  /** Configuration number (order of sampling). */
  config: number;
  params: Params;
  rung: number;
  /** Resource fraction in (0, 1]. */
  resource: number;
  /** Objective (higher is better); NaN when the evaluation failed. */
  score: number;
  seconds: number;
  error?: string;
}

export interface SearchResult {
  best: { params: Params; score: number; config: number };
  trials: Trial[];
}

export interface SuccessiveHalvingOptions {
  space: SearchSpace;
  /** Objective to maximise at a resource fraction in (0, 1]. */
  evaluate: (params: Params, resource: number, rung: number) => Promise<number>;
  /** Number of random configurations (default 27). */
  budget?: number;
  /** Reduction factor η (default 3, as Hyperband). */
  eta?: number;
  /** false: random search at full resource (default true). */
  halving?: boolean;
  seed?: number;
  progress?: Progress;
}

export async function successiveHalving(o: SuccessiveHalvingOptions): Promise<SearchResult> {
  const { budget = 27, eta = 3, halving = true, seed = 42 } = o;
  const progress = o.progress ?? noProgress;
  checkSpace(o.space);
  if (!(Number.isInteger(budget) && budget >= 1)) throw createError('INVALID_INPUT', { field: 'budget', problem: `expected a number of configurations ≥ 1, got ${budget}` });
  if (!(eta >= 2)) throw createError('INVALID_INPUT', { field: 'eta', problem: `expected η ≥ 2, got ${eta}` });
  const rng = createRng(seed);
  const configs = Array.from({ length: budget }, () => sampleParams(o.space, rng));
  const rungs = halving ? Math.floor(Math.log(budget) / Math.log(eta) + 1e-9) + 1 : 1;
  const plan = rungPlan(budget, eta, rungs);
  const total = plan.reduce((a, r) => a + r.keep, 0);
  const trials: Trial[] = [];
  let alive = configs.map((_, i) => i);
  let done = 0;
  for (let r = 0; r < rungs; r++) {
    const resource = plan[r]!.resource;
    const scored: { config: number; score: number }[] = [];
    for (const c of alive) {
      progress(done, total, `rung ${r + 1}/${rungs}, config ${c + 1}`);
      const t0 = performance.now();
      let score = NaN, error: string | undefined;
      try {
        score = await o.evaluate(configs[c]!, resource, r);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const trial: Trial = { config: c, params: configs[c]!, rung: r, resource, score, seconds: (performance.now() - t0) / 1000 };
      if (error !== undefined) trial.error = error;
      trials.push(trial);
      scored.push({ config: c, score });
      progress(++done, total);
    }
    // Best first; failures (NaN) last; ties to the earlier configuration.
    scored.sort((a, b) => (Number.isNaN(b.score) ? -1 : Number.isNaN(a.score) ? 1 : b.score - a.score) || a.config - b.config);
    alive = scored.slice(0, r + 1 < rungs ? plan[r + 1]!.keep : 1).map((s) => s.config);
  }
  const final = trials.filter((t) => t.rung === rungs - 1).sort((a, b) => (Number.isNaN(b.score) ? -1 : Number.isNaN(a.score) ? 1 : b.score - a.score) || a.config - b.config)[0]!;
  if (Number.isNaN(final.score)) throw createError('INVALID_INPUT', { field: 'evaluate', problem: `every configuration failed; last error: ${final.error ?? 'NaN score'}` });
  return { best: { params: final.params, score: final.score, config: final.config }, trials };
}

/** Per rung: how many configurations run and at which resource fraction. */
export function rungPlan(n: number, eta: number, rungs: number): { keep: number; resource: number }[] {
  const out: { keep: number; resource: number }[] = [];
  let keep = n;
  for (let r = 0; r < rungs; r++) {
    out.push({ keep, resource: Math.pow(eta, r - rungs + 1) });
    keep = Math.max(1, Math.floor(keep / eta));
  }
  return out;
}
