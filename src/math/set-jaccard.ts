/** @module Jaccard similarity of two sets. */

/** |a ∩ b| / |a ∪ b|; 0 when either set is empty. */
export function setJaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}
