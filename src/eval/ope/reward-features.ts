/**
 * @module The reward model's design: an intercept, one indicator per (action, position) seen in the fitted rows,
 * and the context — one indicator per (name, string value), each number divided by the largest |value| of its
 * name. So q̂(x, a, k) = link⁻¹(b + b_{a,k} + θ·x): a smoothed mean per (action, position) (the L2 penalty pulls
 * rare pairs toward the overall rate) shifted by the context. A pair or category never seen while fitting adds
 * nothing.
 */
import type { SparseRow } from './glm.js';
import type { Context, LoggedRow } from './types.js';

export interface RewardFeatures {
  readonly dim: number;
  /** The design row of action `action` at `position` in `context`. */
  row(action: string, position: number, context?: Context): SparseRow;
}

const pairKey = (action: string, position: number): string => `${position}\u0000${action}`;

export function buildRewardFeatures(rows: readonly LoggedRow[]): RewardFeatures {
  const index = new Map<string, number>();
  const scale = new Map<string, number>();
  let dim = 1;
  const add = (key: string): void => {
    if (!index.has(key)) index.set(key, dim++);
  };
  for (const r of rows) {
    add(`a\u0000${pairKey(r.action, r.position)}`);
    for (const [name, v] of Object.entries(r.context ?? {})) {
      if (typeof v === 'string') add(`s\u0000${name}\u0000${v}`);
      else {
        add(`n\u0000${name}`);
        scale.set(name, Math.max(scale.get(name) ?? 0, Math.abs(v)));
      }
    }
  }
  return {
    dim,
    row(action, position, context) {
      const indices = [0], values = [1];
      const pair = index.get(`a\u0000${pairKey(action, position)}`);
      if (pair !== undefined) { indices.push(pair); values.push(1); }
      for (const [name, v] of Object.entries(context ?? {})) {
        const j = index.get(typeof v === 'string' ? `s\u0000${name}\u0000${v}` : `n\u0000${name}`);
        if (j === undefined) continue;
        if (typeof v === 'string') { indices.push(j); values.push(1); } else {
          const s = scale.get(name) ?? 0;
          if (s > 0) { indices.push(j); values.push(v / s); }
        }
      }
      return { indices, values };
    },
  };
}
