/**
 * @module Probability calibration by temperature scaling (Guo et al. 2017): p = softmax(s / T) with the single T
 * that minimises the negative log-likelihood on held-out scores, found by golden-section search on log T.
 */
import { softmaxRows } from './logistic-regression.js';

/** Mean negative log-likelihood of labels under softmax(scores / T); scores n × K row-major. */
export function temperatureNll(scores: Float64Array, labels: ArrayLike<number>, K: number, T: number): number {
  const p = softmaxRows(Float64Array.from(scores), K, T);
  let nll = 0;
  for (let i = 0; i < labels.length; i++) nll -= Math.log(Math.max(p[i * K + labels[i]!]!, 1e-300));
  return nll / labels.length;
}

/** The temperature in [e⁻⁴, e⁴] minimising held-out NLL (the NLL is unimodal in log T for fixed scores). */
export function fitTemperature(scores: Float64Array, labels: ArrayLike<number>, K: number): number {
  if (labels.length === 0) return 1;
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = -4, b = 4;
  let c = b - phi * (b - a), d = a + phi * (b - a);
  let fc = temperatureNll(scores, labels, K, Math.exp(c));
  let fd = temperatureNll(scores, labels, K, Math.exp(d));
  // 60 golden-section steps shrink the interval by 0.618⁶⁰ ≈ 3e-13.
  for (let i = 0; i < 60; i++) {
    if (fc < fd) {
      b = d; d = c; fd = fc;
      c = b - phi * (b - a);
      fc = temperatureNll(scores, labels, K, Math.exp(c));
    } else {
      a = c; c = d; fc = fd;
      d = a + phi * (b - a);
      fd = temperatureNll(scores, labels, K, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}
