/**
 * @module Reference vector kernels in plain TypeScript: the obviously-correct twins of the WASM SIMD kernels,
 * and the path kernels.ts takes for arrays outside WASM memory. Accumulations run in float64.
 */

/** out = x + y */
export function addRef(x: Float32Array, y: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + y[i]!;
  return out;
}

/** out = x − y */
export function subRef(x: Float32Array, y: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - y[i]!;
  return out;
}

/** out = x ⊙ y */
export function mulRef(x: Float32Array, y: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * y[i]!;
  return out;
}

/** out = x ⊙ y + z */
export function mulAddRef(x: Float32Array, y: Float32Array, z: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * y[i]! + z[i]!;
  return out;
}

/** y = alpha·x + y */
export function axpyRef(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) y[i] = y[i]! + alpha * x[i]!;
  return y;
}

/** out = alpha·x */
export function scaleRef(alpha: number, x: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i]!;
  return out;
}

/** Σ x_i */
export function sumRef(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
}

/** Σ x_i y_i */
export function dotRef(x: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/** Σ x_i² */
export function sumSquaresRef(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

/** max_i x_i; −∞ for an empty array, NaN if any element is NaN. */
export function maxRef(x: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i]!);
  return m;
}

/** scores_i = Σ_j items[i·dim + j] · u_j for every row i of the row-major items matrix (the batched dot). */
export function scoreItemsRef(items: Float32Array, dim: number, u: Float32Array, out: Float32Array): Float32Array {
  const rows = out.length;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * dim;
    for (let j = 0; j < dim; j++) s += items[o + j]! * u[j]!;
    out[i] = s;
  }
  return out;
}
