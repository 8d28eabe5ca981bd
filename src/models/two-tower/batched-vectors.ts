/**
 * @module A tower's output for every row (items or users), computed a chunk of ids at a time so memory stays
 * bounded: shared by the two-tower models.
 */

/** `count × dim` floats: `tower(ids)` for ids 0..count-1 in chunks of `chunk`. */
export function batchedVectors(count: number, dim: number, tower: (ids: Int32Array) => Float32Array, chunk = 1024): Float32Array {
  const out = new Float32Array(count * dim);
  for (let s = 0; s < count; s += chunk) {
    const ids = Int32Array.from({ length: Math.min(chunk, count - s) }, (_, b) => s + b);
    out.set(tower(ids), s * dim);
  }
  return out;
}
