/**
 * @module BPR stochastic gradient steps in AssemblyScript with 128-bit SIMD (compiled by build-ials-wasm.mjs into
 * bpr-sgd.generated.ts). The same update as `bprStep` in bpr.ts, on f32, for a batch of sampled triples.
 *
 * Pointers are byte offsets into the imported memory; any f ≥ 1 (a scalar tail covers f mod 4). For each triple
 * (u, i, j) in order: x = b_i − b_j + p_uᵀ(q_i − q_j), z = 1 / (1 + eˣ),
 *   p_u += lr(z(q_i − q_j) − λp_u), q_i += lr(z·p_u − λq_i), q_j += lr(−z·p_u − λq_j) (old p_u on the right),
 *   b_i += lr(z − λb_i), b_j += lr(−z − λb_j) when `b` ≠ 0.
 */

/** First free byte after static data. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * Runs `n` SGD steps; triple s is (users[s], pos[s], neg[s]) (i32 arrays). `p` is users × f, `q` items × f
 * (row-major f32), `b` the item biases (0: no bias).
 */
export function bprSteps(p: usize, q: usize, b: usize, f: i32, users: usize, pos: usize, neg: usize, n: i32, lr: f32, reg: f32): void {
  const rowBytes = <usize>f << 2;
  const simdBytes = <usize>(f & ~3) << 2;
  const lrv = f32x4.splat(lr);
  const regv = f32x4.splat(reg);
  for (let s = 0; s < n; s++) {
    const at = <usize>s << 2;
    const i = load<i32>(pos + at), j = load<i32>(neg + at);
    const pu = p + <usize>load<i32>(users + at) * rowBytes;
    const qi = q + <usize>i * rowBytes;
    const qj = q + <usize>j * rowBytes;
    let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
    let o: usize = 0;
    for (; o + 32 <= simdBytes; o += 32) {
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(pu + o), f32x4.sub(v128.load(qi + o), v128.load(qj + o))));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(pu + o + 16), f32x4.sub(v128.load(qi + o + 16), v128.load(qj + o + 16))));
    }
    if (o < simdBytes) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(pu + o), f32x4.sub(v128.load(qi + o), v128.load(qj + o))));
    let x = hsum(f32x4.add(acc0, acc1));
    for (o = simdBytes; o < rowBytes; o += 4) x += load<f32>(pu + o) * (load<f32>(qi + o) - load<f32>(qj + o));
    const bi = b + (<usize>i << 2), bj = b + (<usize>j << 2);
    if (b != 0) x += load<f32>(bi) - load<f32>(bj);
    const z = <f32>(1.0 / (1.0 + Math.exp(<f64>x)));
    const zv = f32x4.splat(z);
    for (o = 0; o < simdBytes; o += 16) {
      const vp = v128.load(pu + o), vi = v128.load(qi + o), vj = v128.load(qj + o);
      const zp = f32x4.mul(zv, vp);
      v128.store(pu + o, f32x4.add(vp, f32x4.mul(lrv, f32x4.sub(f32x4.mul(zv, f32x4.sub(vi, vj)), f32x4.mul(regv, vp)))));
      v128.store(qi + o, f32x4.add(vi, f32x4.mul(lrv, f32x4.sub(zp, f32x4.mul(regv, vi)))));
      v128.store(qj + o, f32x4.add(vj, f32x4.mul(lrv, f32x4.sub(f32x4.neg(zp), f32x4.mul(regv, vj)))));
    }
    for (o = simdBytes; o < rowBytes; o += 4) {
      const vp = load<f32>(pu + o), vi = load<f32>(qi + o), vj = load<f32>(qj + o);
      store<f32>(pu + o, vp + lr * (z * (vi - vj) - reg * vp));
      store<f32>(qi + o, vi + lr * (z * vp - reg * vi));
      store<f32>(qj + o, vj + lr * (-z * vp - reg * vj));
    }
    if (b != 0) {
      const vbi = load<f32>(bi), vbj = load<f32>(bj);
      store<f32>(bi, vbi + lr * (z - reg * vbi));
      store<f32>(bj, vbj + lr * (-z - reg * vbj));
    }
  }
}
