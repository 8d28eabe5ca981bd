/**
 * @module Reference matrix inverse by Gauss–Jordan elimination with partial pivoting: slow, obviously correct,
 * the twin `spd-inverse.ts` is tested against.
 */

/** Inverse of the n×n matrix `a` (row-major); throws when singular. */
export function inverseRef(a: ArrayLike<number>, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]!) > Math.abs(m[piv * n + col]!)) piv = r;
    if (m[piv * n + col] === 0) throw new RangeError('inverseRef: singular matrix');
    for (let c = 0; c < n; c++) {
      [m[col * n + c], m[piv * n + c]] = [m[piv * n + c]!, m[col * n + c]!];
      [inv[col * n + c], inv[piv * n + c]] = [inv[piv * n + c]!, inv[col * n + c]!];
    }
    const d = m[col * n + col]!;
    for (let c = 0; c < n; c++) {
      m[col * n + c]! /= d;
      inv[col * n + c]! /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r * n + col]!;
      if (f === 0) continue;
      for (let c = 0; c < n; c++) {
        m[r * n + c]! -= f * m[col * n + c]!;
        inv[r * n + c]! -= f * inv[col * n + c]!;
      }
    }
  }
  return inv;
}
