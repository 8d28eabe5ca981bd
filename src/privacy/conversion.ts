/**
 * @module From Rényi DP at several orders to an (ε, δ)-DP guarantee, minimised over the orders.
 *
 * - `classic`: ε = RDP(α) + log(1/δ) / (α − 1) (Mironov 2017, "Rényi Differential Privacy", Proposition 3); what
 *   TensorFlow Privacy's `get_privacy_spent` used until the end of 2020 and what its MNIST tutorial table reports.
 * - `tight`: ε = RDP(α) + log((α − 1)/α) − (log δ + log α) / (α − 1) (Balle et al. 2020, "Hypothesis Testing
 *   Interpretations and Rényi Differential Privacy", Theorem 21; also Canonne, Kamath, Steinke 2020); what Opacus'
 *   `get_privacy_spent` and TensorFlow Privacy since 2021 use. Never larger than `classic` (both extra terms are ≤ 0).
 *
 * Two exact refinements, shared by both: an order whose RDP is 0 means the two output distributions are equal, so
 * ε = 0; and ε is never reported below 0 ((0, δ)-DP is implied by any bound with a smaller ε).
 */
import { createError } from '../core/errors.js';
import { checkOrders } from './rdp.js';

export type Conversion = 'classic' | 'tight';

export const CONVERSIONS: readonly Conversion[] = ['classic', 'tight'];

export interface EpsilonResult {
  /** The smallest ε over the orders; Infinity when every order's RDP is unbounded. */
  readonly epsilon: number;
  /** The order that gives it; null when ε is Infinity. */
  readonly order: number | null;
}

/** Throws INVALID_INPUT unless 0 < δ < 1. */
export function checkDelta(delta: number, field = 'delta'): void {
  if (!(delta > 0 && delta < 1)) throw createError('INVALID_INPUT', { field, problem: `expected 0 < δ < 1, got ${delta}` });
}

/** Throws UNKNOWN_OPTION unless the name is a known conversion. */
export function checkConversion(conversion: string): asserts conversion is Conversion {
  if (!(CONVERSIONS as readonly string[]).includes(conversion)) {
    throw createError('UNKNOWN_OPTION', { kind: 'RDP conversion', name: conversion, expected: CONVERSIONS.join(', ') });
  }
}

/** ε at one order (before the clamp at 0). */
export function epsilonAtOrder(alpha: number, rdp: number, delta: number, conversion: Conversion): number {
  if (rdp === 0) return 0;
  if (!Number.isFinite(rdp)) return Infinity;
  if (alpha === Infinity) return rdp; // both bounds tend to RDP(∞) as α → ∞
  if (conversion === 'classic') return rdp - Math.log(delta) / (alpha - 1);
  return rdp + Math.log1p(-1 / alpha) - (Math.log(delta) + Math.log(alpha)) / (alpha - 1);
}

/**
 * The (ε, δ) guarantee implied by RDP values at the given orders: the minimum over orders of the chosen bound.
 * Ties keep the first order, as numpy's argmin does.
 * @example epsilonFromRdp(DEFAULT_ORDERS, computeRdp(q, sigma, steps, DEFAULT_ORDERS), 1e-5, 'classic')
 */
export function epsilonFromRdp(orders: readonly number[], rdp: readonly number[], delta: number, conversion: Conversion = 'tight'): EpsilonResult {
  checkOrders(orders);
  if (rdp.length !== orders.length) {
    throw createError('INVALID_INPUT', { field: 'rdp', problem: `expected one value per order (${orders.length}), got ${rdp.length}` });
  }
  rdp.forEach((r, i) => {
    if (!(r >= 0)) throw createError('INVALID_INPUT', { field: `rdp[${i}]`, problem: `expected a Rényi divergence ≥ 0, got ${r}` });
  });
  checkDelta(delta);
  checkConversion(conversion);
  let best = Infinity, order: number | null = null;
  for (let i = 0; i < orders.length; i++) {
    const eps = epsilonAtOrder(orders[i]!, rdp[i]!, delta, conversion);
    if (eps < best) {
      best = eps;
      order = orders[i]!;
    }
  }
  return { epsilon: Math.max(0, best), order };
}
