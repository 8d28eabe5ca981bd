/**
 * @module Zero-concentrated DP (Bun and Steinke 2016) for the Gaussian releases: ρ-zCDP is Rényi DP of ρ·α at every
 * order α, so ρ's compose by addition and convert to (ε, δ) with the RDP conversion of `conversion.ts` (the tight
 * bound of Canonne, Kamath, Steinke 2020, Proposition 12 / Balle et al. 2020), minimised over a grid of orders. A
 * coarser grid only gives a larger (still valid) ε.
 *
 * The discrete Gaussian N_Z(0, σ²) added to each coordinate of an integer vector of L2 sensitivity Δ is
 * Δ²/(2σ²)-zCDP (CKS 2020, Theorem 14 with independent coordinates: Rényi divergences of the coordinates add).
 */
import { createError } from '../core/errors.js';
import { epsilonFromRdp } from './conversion.js';
import { DEFAULT_ORDERS } from './rdp.js';

/** DEFAULT_ORDERS (1.1 … 63) and larger ones, which small ρ (many releases of little cost) need. */
export const ZCDP_ORDERS: readonly number[] = Object.freeze([...DEFAULT_ORDERS, 72, 80, 96, 112, 128, 160, 192, 256, 320, 384, 512, 768, 1024, 1536, 2048, 4096, 8192, 16384, 65536]);

/** ε of ρ-zCDP at δ (0 when ρ is 0). */
export function zcdpEpsilon(rho: number, delta: number): number {
  if (!(rho >= 0 && Number.isFinite(rho))) throw createError('INVALID_INPUT', { field: 'rho', problem: `expected a finite ρ ≥ 0, got ${rho}` });
  if (rho === 0) return 0;
  return epsilonFromRdp(ZCDP_ORDERS, ZCDP_ORDERS.map((a) => a * rho), delta).epsilon;
}

/** The largest ρ whose (ε, δ) conversion is at most `epsilon` (bisection; ε grows with ρ). */
export function rhoFor(epsilon: number, delta: number): number {
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw createError('INVALID_INPUT', { field: 'epsilon', problem: `expected a finite ε > 0, got ${epsilon}` });
  let lo = 0, hi = epsilon;
  while (zcdpEpsilon(hi, delta) <= epsilon) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 100 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (zcdpEpsilon(mid, delta) <= epsilon) lo = mid;
    else hi = mid;
  }
  return lo;
}
