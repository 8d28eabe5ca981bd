/**
 * @module The optimizer contract and helpers shared by SGD, Adam and friends.
 */
import type { Tensor } from '../tensor.js';

export interface Optimizer {
  /** Current learning rate (schedules set it before each step). */
  lr: number;
  readonly params: readonly Tensor[];
  /** Applies one update from the accumulated gradients. */
  step(): void;
  /** Zeroes dense gradients and clears sparse row gradients. */
  zeroGrad(): void;
}

export function zeroGrads(params: readonly Tensor[]): void {
  for (const p of params) p.zeroGrad();
}

/**
 * Sums the row gradients of a sparse parameter by row id (an id looked up twice gets one summed row).
 * Returns unique ids (ascending) and their rows.
 */
export function coalesceRows(p: Tensor): { ids: Int32Array; rows: Float32Array } {
  const width = p.size / p.shape[0]!;
  const slot = new Map<number, number>();
  const order: number[] = [];
  for (const s of p.sparseGrad) for (let i = 0; i < s.ids.length; i++) {
    const id = s.ids[i]!;
    if (!slot.has(id)) { slot.set(id, order.length); order.push(id); }
  }
  order.sort((a, b) => a - b);
  order.forEach((id, i) => slot.set(id, i));
  const rows = new Float32Array(order.length * width);
  for (const s of p.sparseGrad) {
    for (let i = 0; i < s.ids.length; i++) {
      const base = slot.get(s.ids[i]!)! * width, src = i * width;
      for (let j = 0; j < width; j++) rows[base + j] = rows[base + j]! + s.rows[src + j]!;
    }
  }
  return { ids: Int32Array.from(order), rows };
}

/**
 * Adds a parameter's sparse row gradients into its dense gradient (used when a table got both, e.g. a lookup and
 * a custom op that writes dense gradients: the update must see the sum). Clears the row list.
 */
export function densifyRows(p: Tensor): void {
  if (p.sparseGrad.length === 0) return;
  const g = p.ensureGrad(), width = p.size / p.shape[0]!;
  for (const s of p.sparseGrad) {
    for (let r = 0; r < s.ids.length; r++) {
      const base = s.ids[r]! * width, src = r * width;
      for (let j = 0; j < width; j++) g[base + j] = g[base + j]! + s.rows[src + j]!;
    }
  }
  p.sparseGrad = [];
}
