/**
 * @module Choosing the next token from a language model's logits: temperature scaling, nucleus (top-p) truncation
 * (Holtzman et al. 2020) and a draw. Temperature 0 is greedy decoding (the argmax, ties to the lowest id); ids that
 * must never be produced (padding, unknown word, blocklisted words) are masked before anything else, so they are
 * never drawn whatever the temperature.
 */
import type { Rng } from '../core/rng.js';

/** The distribution to draw from: softmax(logits / T), with masked ids at probability 0. T = 0 → a point mass on the argmax. */
export function temperatureProbs(logits: ArrayLike<number>, temperature: number, masked?: ReadonlySet<number>): Float64Array {
  const n = logits.length;
  const out = new Float64Array(n);
  let best = -1;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (masked?.has(i)) continue;
    if (logits[i]! > max) {
      max = logits[i]!;
      best = i;
    }
  }
  if (best < 0) return out;
  if (temperature === 0) {
    out[best] = 1;
    return out;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (masked?.has(i)) continue;
    const e = Math.exp((logits[i]! - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i]! /= sum;
  return out;
}

/**
 * Nucleus truncation in place: keeps the smallest set of most probable ids whose mass reaches `topP` (the id that
 * crosses the threshold is kept), zeroes the rest and renormalizes. topP = 1 keeps everything with mass.
 */
export function topPFilter(probs: Float64Array, topP: number): Float64Array {
  if (topP >= 1) return probs;
  const order = Array.from(probs.keys()).filter((i) => probs[i]! > 0);
  order.sort((a, b) => probs[b]! - probs[a]! || a - b);
  let mass = 0;
  let keep = 0;
  while (keep < order.length && (keep === 0 || mass < topP)) mass += probs[order[keep++]!]!;
  for (let r = keep; r < order.length; r++) probs[order[r]!] = 0;
  for (let r = 0; r < keep; r++) probs[order[r]!]! /= mass;
  return probs;
}

/** Draws an id from a distribution (summing to 1) by inverse CDF; −1 when it has no mass. */
export function drawToken(probs: ArrayLike<number>, rng: Rng): number {
  const u = rng.next();
  let acc = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! <= 0) continue;
    acc += probs[i]!;
    last = i;
    if (u < acc) return i;
  }
  return last;
}

/** One sampling step: temperature, then top-p, then a draw. */
export function sampleNext(logits: ArrayLike<number>, o: { temperature: number; topP: number; masked?: ReadonlySet<number> }, rng: Rng): number {
  return drawToken(topPFilter(temperatureProbs(logits, o.temperature, o.masked), o.topP), rng);
}
