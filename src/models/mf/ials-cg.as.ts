/**
 * @module The iALS conjugate-gradient row solver in AssemblyScript with 128-bit SIMD (compiled by
 * build-ials-wasm.mjs into ials-cg.generated.ts). Same algorithm as `cgSolveRows` in ials-kernel.ts, on f32.
 *
 * Pointers are byte offsets into the imported shared memory; f must be a multiple of 4. For row u:
 *   r = b − A x = −G x + Σ_i (c_i − (c_i − 1) y_iᵀx) y_i,  p = r,
 *   repeat `steps` times: Ap = G p + Σ_i (c_i − 1)(y_iᵀp) y_i, α = rᵀr / pᵀAp, x += αp, r −= αAp, p = r + βp.
 */

/** First free byte after static data. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Σ a[k]·b[k] over f floats (f a multiple of 4). */
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, f: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  const bytes = <usize>f << 2;
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o + 16), v128.load(b + o + 16)));
  }
  if (o < bytes) s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  return hsum(f32x4.add(s0, s1));
}

/** y += t·x over f floats. */
// @ts-ignore: decorator
@inline function axpy(t: f32, x: usize, y: usize, f: i32): void {
  const tv = f32x4.splat(t);
  const bytes = <usize>f << 2;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(tv, v128.load(x + o))));
}

/** out = sign · G v for the symmetric f×f G (row-major), as Σ_b v[b]·G[b,:] in blocks of 16 outputs. */
function symv(g: usize, v: usize, out: usize, f: i32, sign: f32): void {
  const rowBytes = <usize>f << 2;
  let c: usize = 0;
  for (; c + 64 <= rowBytes; c += 64) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let b = 0; b < f; b++) {
      const vb = v128.load32_splat(v + (<usize>b << 2));
      const row = g + <usize>b * rowBytes + c;
      a0 = f32x4.add(a0, f32x4.mul(vb, v128.load(row)));
      a1 = f32x4.add(a1, f32x4.mul(vb, v128.load(row + 16)));
      a2 = f32x4.add(a2, f32x4.mul(vb, v128.load(row + 32)));
      a3 = f32x4.add(a3, f32x4.mul(vb, v128.load(row + 48)));
    }
    const s = f32x4.splat(sign);
    v128.store(out + c, f32x4.mul(s, a0));
    v128.store(out + c + 16, f32x4.mul(s, a1));
    v128.store(out + c + 32, f32x4.mul(s, a2));
    v128.store(out + c + 48, f32x4.mul(s, a3));
  }
  for (; c < rowBytes; c += 16) {
    let a0 = f32x4.splat(0);
    for (let b = 0; b < f; b++) a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(v + (<usize>b << 2)), v128.load(g + <usize>b * rowBytes + c)));
    v128.store(out + c, f32x4.mul(f32x4.splat(sign), a0));
  }
}

/**
 * Updates rows [rowStart, rowEnd) of X against fixed Y. indptr/indices are i32 CSR arrays, conf holds c_ui
 * (f32) aligned with indices, gram = YᵀY + λI (f×f f32), scratch holds 4f f32.
 */
export function cgRows(
  indptr: usize, indices: usize, conf: usize, x: usize, y: usize, gram: usize,
  f: i32, steps: i32, rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  const fb = <usize>f << 2;
  const xs = scratch, r = scratch + fb, p = scratch + 2 * fb, ap = scratch + 3 * fb;
  for (let u = rowStart; u < rowEnd; u++) {
    const s = load<i32>(indptr + (<usize>u << 2));
    const e = load<i32>(indptr + (<usize>(u + 1) << 2));
    const xo = x + <usize>u * fb;
    if (s == e) {
      memory.fill(xo, 0, fb);
      continue;
    }
    memory.copy(xs, xo, fb);
    symv(gram, xs, r, f, -1);
    for (let k = s; k < e; k++) {
      const yo = y + <usize>load<i32>(indices + (<usize>k << 2)) * fb;
      const c = load<f32>(conf + (<usize>k << 2));
      axpy(c - (c - 1) * dot(yo, xs, f), yo, r, f);
    }
    memory.copy(p, r, fb);
    let rsold = dot(r, r, f);
    if (rsold < 1e-20) continue;
    for (let it = 0; it < steps; it++) {
      symv(gram, p, ap, f, 1);
      for (let k = s; k < e; k++) {
        const yo = y + <usize>load<i32>(indices + (<usize>k << 2)) * fb;
        const c = load<f32>(conf + (<usize>k << 2));
        axpy((c - 1) * dot(yo, p, f), yo, ap, f);
      }
      const alpha = rsold / dot(p, ap, f);
      axpy(alpha, p, xs, f);
      axpy(-alpha, ap, r, f);
      const rsnew = dot(r, r, f);
      if (rsnew < 1e-20) break;
      const beta = f32x4.splat(rsnew / rsold);
      for (let o: usize = 0; o < fb; o += 16) v128.store(p + o, f32x4.add(v128.load(r + o), f32x4.mul(beta, v128.load(p + o))));
      rsold = rsnew;
    }
    memory.copy(xo, xs, fb);
  }
}
