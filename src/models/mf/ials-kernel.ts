/**
 * @module The per-row solvers of implicit ALS (Hu, Koren & Volinsky 2008).
 *
 * For row u with confidences c_ui (c = 1 on unobserved cells, preference p_ui = 1 on observed ones) the factor
 * minimises Σ_i c_ui (p_ui − x_uᵀy_i)² + λ‖x_u‖², whose normal equations are
 *   A x_u = b,  A = YᵀY + λI + Σ_{i∈u} (c_ui − 1) y_i y_iᵀ,  b = Σ_{i∈u} c_ui y_i.
 * `cgSolveRows` runs a fixed number of conjugate-gradient steps warm-started from the previous x_u and never
 * forms A (Takács, Pilászy & Tikk 2011), the same algorithm as implicit's `_als.least_squares_cg`;
 * `directSolveRow` forms A and solves it by Cholesky (fold-in of new users and the test twin).
 *
 * `cgSolveRows` is self-contained (no imports, no closures, no nested functions) because its source text is
 * also shipped to worker threads.
 */

/**
 * Conjugate-gradient update of rows [rowStart, rowEnd) of X (row-major, f columns) against fixed Y, where
 * `gram` = YᵀY + λI (f×f row-major) and `conf` holds c_ui aligned with the CSR `indptr/indices`.
 * `scratch` is a Float64Array of at least 4f values. Empty rows are set to zero.
 */
export function cgSolveRows(
  indptr: Int32Array,
  indices: Int32Array,
  conf: Float32Array,
  x: Float32Array,
  y: Float32Array,
  gram: Float32Array,
  f: number,
  steps: number,
  rowStart: number,
  rowEnd: number,
  scratch: Float64Array,
): void {
  const xs = scratch.subarray(0, f);
  const r = scratch.subarray(f, 2 * f);
  const p = scratch.subarray(2 * f, 3 * f);
  const ap = scratch.subarray(3 * f, 4 * f);
  // Loops over the f factors are unrolled by 4 with independent accumulators (f4 = f rounded down to 4).
  const f4 = f & ~3;
  for (let u = rowStart; u < rowEnd; u++) {
    const s = indptr[u]!, e = indptr[u + 1]!;
    const xo = u * f;
    if (s === e) {
      for (let a = 0; a < f; a++) x[xo + a] = 0;
      continue;
    }
    for (let a = 0; a < f; a++) xs[a] = x[xo + a]!;
    // r = b − A x = −(YᵀY + λI) x + Σ_i (c_i − (c_i − 1) y_iᵀx) y_i
    for (let a = 0; a < f; a++) {
      const go = a * f;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, b = 0;
      for (; b < f4; b += 4) {
        s0 += gram[go + b]! * xs[b]!;
        s1 += gram[go + b + 1]! * xs[b + 1]!;
        s2 += gram[go + b + 2]! * xs[b + 2]!;
        s3 += gram[go + b + 3]! * xs[b + 3]!;
      }
      for (; b < f; b++) s0 += gram[go + b]! * xs[b]!;
      r[a] = -(s0 + s1 + s2 + s3);
    }
    for (let k = s; k < e; k++) {
      const yo = indices[k]! * f;
      const c = conf[k]!;
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0, a = 0;
      for (; a < f4; a += 4) {
        d0 += y[yo + a]! * xs[a]!;
        d1 += y[yo + a + 1]! * xs[a + 1]!;
        d2 += y[yo + a + 2]! * xs[a + 2]!;
        d3 += y[yo + a + 3]! * xs[a + 3]!;
      }
      for (; a < f; a++) d0 += y[yo + a]! * xs[a]!;
      const t = c - (c - 1) * (d0 + d1 + d2 + d3);
      for (a = 0; a < f4; a += 4) {
        r[a]! += t * y[yo + a]!;
        r[a + 1]! += t * y[yo + a + 1]!;
        r[a + 2]! += t * y[yo + a + 2]!;
        r[a + 3]! += t * y[yo + a + 3]!;
      }
      for (; a < f; a++) r[a]! += t * y[yo + a]!;
    }
    let rsold = 0;
    for (let a = 0; a < f; a++) {
      p[a] = r[a]!;
      rsold += r[a]! * r[a]!;
    }
    if (rsold < 1e-20) continue;
    for (let it = 0; it < steps; it++) {
      // Ap = (YᵀY + λI) p + Σ_i (c_i − 1)(y_iᵀp) y_i, without forming A.
      for (let a = 0; a < f; a++) {
        const go = a * f;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, b = 0;
        for (; b < f4; b += 4) {
          s0 += gram[go + b]! * p[b]!;
          s1 += gram[go + b + 1]! * p[b + 1]!;
          s2 += gram[go + b + 2]! * p[b + 2]!;
          s3 += gram[go + b + 3]! * p[b + 3]!;
        }
        for (; b < f; b++) s0 += gram[go + b]! * p[b]!;
        ap[a] = s0 + s1 + s2 + s3;
      }
      for (let k = s; k < e; k++) {
        const yo = indices[k]! * f;
        let d0 = 0, d1 = 0, d2 = 0, d3 = 0, a = 0;
        for (; a < f4; a += 4) {
          d0 += y[yo + a]! * p[a]!;
          d1 += y[yo + a + 1]! * p[a + 1]!;
          d2 += y[yo + a + 2]! * p[a + 2]!;
          d3 += y[yo + a + 3]! * p[a + 3]!;
        }
        for (; a < f; a++) d0 += y[yo + a]! * p[a]!;
        const t = (conf[k]! - 1) * (d0 + d1 + d2 + d3);
        for (a = 0; a < f4; a += 4) {
          ap[a]! += t * y[yo + a]!;
          ap[a + 1]! += t * y[yo + a + 1]!;
          ap[a + 2]! += t * y[yo + a + 2]!;
          ap[a + 3]! += t * y[yo + a + 3]!;
        }
        for (; a < f; a++) ap[a]! += t * y[yo + a]!;
      }
      let pap = 0;
      for (let a = 0; a < f; a++) pap += p[a]! * ap[a]!;
      const alpha = rsold / pap;
      let rsnew = 0;
      for (let a = 0; a < f; a++) {
        xs[a]! += alpha * p[a]!;
        r[a]! -= alpha * ap[a]!;
        rsnew += r[a]! * r[a]!;
      }
      if (rsnew < 1e-20) break;
      const beta = rsnew / rsold;
      for (let a = 0; a < f; a++) p[a] = r[a]! + beta * p[a]!;
      rsold = rsnew;
    }
    for (let a = 0; a < f; a++) x[xo + a] = xs[a]!;
  }
}

/**
 * Exact solve of one row's normal equations by Cholesky: forms A = gram + Σ (c_i − 1) y_i y_iᵀ and
 * b = Σ c_i y_i for the items `items` with confidences `conf`, and returns x = A⁻¹ b (Float64, length f).
 */
export function directSolveRow(items: ArrayLike<number>, conf: ArrayLike<number>, y: Float32Array, gram: Float32Array, f: number): Float64Array {
  const a = Float64Array.from(gram);
  const b = new Float64Array(f);
  for (let k = 0; k < items.length; k++) {
    const yo = items[k]! * f;
    const c = conf[k]!;
    for (let i = 0; i < f; i++) {
      const yi = y[yo + i]!;
      b[i]! += c * yi;
      const t = (c - 1) * yi;
      for (let j = 0; j <= i; j++) a[i * f + j]! += t * y[yo + j]!;
    }
  }
  // Cholesky A = L Lᵀ in the lower triangle, then L z = b, Lᵀ x = z.
  for (let i = 0; i < f; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * f + j]!;
      for (let k = 0; k < j; k++) s -= a[i * f + k]! * a[j * f + k]!;
      if (i === j) a[i * f + i] = Math.sqrt(Math.max(s, 1e-30));
      else a[i * f + j] = s / a[j * f + j]!;
    }
  }
  for (let i = 0; i < f; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * f + k]! * b[k]!;
    b[i] = s / a[i * f + i]!;
  }
  for (let i = f - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < f; k++) s -= a[k * f + i]! * b[k]!;
    b[i] = s / a[i * f + i]!;
  }
  return b;
}

/** gram = YᵀY + λI (f×f) for Y with n rows of f factors, accumulated in Float64. */
export function gramPlusRidge(y: Float32Array, n: number, f: number, lambda: number, out: Float32Array): void {
  const acc = new Float64Array(f * f);
  for (let i = 0; i < n; i++) {
    const yo = i * f;
    for (let a = 0; a < f; a++) {
      const ya = y[yo + a]!;
      if (ya === 0) continue;
      const ao = a * f;
      for (let b = a; b < f; b++) acc[ao + b]! += ya * y[yo + b]!;
    }
  }
  for (let a = 0; a < f; a++) {
    for (let b = a; b < f; b++) {
      const v = acc[a * f + b]! + (a === b ? lambda : 0);
      out[a * f + b] = v;
      out[b * f + a] = v;
    }
  }
}
