/**
 * @module The multinomial logistic loss and gradient over sparse CSR rows in AssemblyScript with 128-bit SIMD
 * (compiled by scripts/build-text-wasm.mjs into src/text/logistic-loss-wasm.generated.ts). The twin of
 * `logisticLossGrad` in src/text/logistic-regression.ts for up to four classes: each feature's K weights sit in
 * one f32x4 (padded with zeros), so a non-zero x_ij costs one 16-byte load and one multiply-add forward and one
 * load/store backward.
 *
 * For rows [from, to): z = Wᵀx + b; loss += sᵢ·(log Σ_k exp z_k − z_y); r_k = (softmax(z)_k − [k = y])·sᵢ/S;
 * G_j += r·x_ij for every non-zero, gb += r. Pointers are byte offsets into the imported shared memory:
 * indptr, indices (i32), data (f32), y (i32), rowWeight (f64), b (4 f32), gb (4 f64), and WG: per feature j,
 * 32 bytes holding W_j (4 f32) then G_j (4 f32), so the backward pass finds G_j in the cache line the forward
 * pass brought in for W_j. The loss sum (before the 1/S scale) is returned; G and gb are accumulated into
 * (callers zero them).
 */

/** First free byte after static data. */
export function heapBase(): usize {
  return __heap_base;
}


export function lossGrad(
  indptr: usize, indices: usize, data: usize, y: usize, rowWeight: usize, from: i32, to: i32,
  WG: usize, b: usize, gb: usize, K: i32, invS: f64,
): f64 {
  const bias = v128.load(b);
  let loss: f64 = 0;
  let gb0: f64 = 0, gb1: f64 = 0, gb2: f64 = 0, gb3: f64 = 0;
  for (let i = from; i < to; i++) {
    const sw = load<f64>(rowWeight + (<usize>i << 3));
    if (sw == 0) continue;
    const start = load<i32>(indptr + (<usize>i << 2));
    const end = load<i32>(indptr + (<usize>(i + 1) << 2));
    // Two accumulators halve the add chain of long rows.
    let za = bias, zb = f32x4.splat(0);
    let p = start;
    for (; p + 1 < end; p += 2) {
      const j0 = <usize>load<i32>(indices + (<usize>p << 2));
      const j1 = <usize>load<i32>(indices + (<usize>(p + 1) << 2));
      za = f32x4.add(za, f32x4.mul(v128.load32_splat(data + (<usize>p << 2)), v128.load(WG + (j0 << 5))));
      zb = f32x4.add(zb, f32x4.mul(v128.load32_splat(data + (<usize>(p + 1) << 2)), v128.load(WG + (j1 << 5))));
    }
    if (p < end) {
      const j = <usize>load<i32>(indices + (<usize>p << 2));
      za = f32x4.add(za, f32x4.mul(v128.load32_splat(data + (<usize>p << 2)), v128.load(WG + (j << 5))));
    }
    const z = f32x4.add(za, zb);
    const z0 = <f64>f32x4.extract_lane(z, 0), z1 = <f64>f32x4.extract_lane(z, 1);
    const z2 = <f64>f32x4.extract_lane(z, 2), z3 = <f64>f32x4.extract_lane(z, 3);
    let mx = z0;
    if (K > 1 && z1 > mx) mx = z1;
    if (K > 2 && z2 > mx) mx = z2;
    if (K > 3 && z3 > mx) mx = z3;
    const e0 = Math.exp(z0 - mx);
    const e1 = K > 1 ? Math.exp(z1 - mx) : 0;
    const e2 = K > 2 ? Math.exp(z2 - mx) : 0;
    const e3 = K > 3 ? Math.exp(z3 - mx) : 0;
    const sum = e0 + e1 + e2 + e3;
    const yi = load<i32>(y + (<usize>i << 2));
    const zy = yi == 0 ? z0 : yi == 1 ? z1 : yi == 2 ? z2 : z3;
    // −log p_y = log Σ exp(z − mx) − (z_y − mx).
    loss += sw * (Math.log(sum) - (zy - mx));
    const scale = sw * invS;
    const inv = 1.0 / sum;
    const r0 = (e0 * inv - (yi == 0 ? 1.0 : 0.0)) * scale;
    const r1 = (e1 * inv - (yi == 1 ? 1.0 : 0.0)) * scale;
    const r2 = K > 2 ? (e2 * inv - (yi == 2 ? 1.0 : 0.0)) * scale : 0;
    const r3 = K > 3 ? (e3 * inv - (yi == 3 ? 1.0 : 0.0)) * scale : 0;
    gb0 += r0; gb1 += r1; gb2 += r2; gb3 += r3;
    let r = f32x4.splat(<f32>r0);
    r = f32x4.replace_lane(r, 1, <f32>r1);
    r = f32x4.replace_lane(r, 2, <f32>r2);
    r = f32x4.replace_lane(r, 3, <f32>r3);
    for (p = start; p < end; p++) {
      const g = WG + (<usize>load<i32>(indices + (<usize>p << 2)) << 5) + 16;
      v128.store(g, f32x4.add(v128.load(g), f32x4.mul(v128.load32_splat(data + (<usize>p << 2)), r)));
    }
  }
  store<f64>(gb, load<f64>(gb) + gb0);
  store<f64>(gb + 8, load<f64>(gb + 8) + gb1);
  store<f64>(gb + 16, load<f64>(gb + 16) + gb2);
  store<f64>(gb + 24, load<f64>(gb + 24) + gb3);
  return loss;
}

/**
 * Writes the weights of params (D × K f64, feature-major) into WG as f32, feature j at row slot[j], and zeroes
 * the gradient half of every row (lanes beyond K stay zero).
 */
export function pack(params: usize, slot: usize, WG: usize, D: i32, K: i32): void {
  for (let j = 0; j < D; j++) {
    const row = WG + (<usize>load<i32>(slot + (<usize>j << 2)) << 5);
    const p = params + (<usize>(j * K) << 3);
    let w = f32x4.splat(0);
    w = f32x4.replace_lane(w, 0, <f32>load<f64>(p));
    if (K > 1) w = f32x4.replace_lane(w, 1, <f32>load<f64>(p + 8));
    if (K > 2) w = f32x4.replace_lane(w, 2, <f32>load<f64>(p + 16));
    if (K > 3) w = f32x4.replace_lane(w, 3, <f32>load<f64>(p + 24));
    v128.store(row, w);
    v128.store(row + 16, f32x4.splat(0));
  }
}

/**
 * grad_jk = Σ_t G_t[slot[j]]_k + lam·params_jk over D × K, the G_t being the gradient halves of the `threads`
 * regions whose offsets are at regions (i32 each). Returns Σ params_jk² (for the penalty).
 */
export function reduce(params: usize, slot: usize, regions: usize, threads: i32, grad: usize, D: i32, K: i32, lam: f64): f64 {
  let sq: f64 = 0;
  for (let j = 0; j < D; j++) {
    const off = (<usize>load<i32>(slot + (<usize>j << 2)) << 5) + 16;
    let g = v128.load(<usize>load<i32>(regions) + off);
    for (let t = 1; t < threads; t++) g = f32x4.add(g, v128.load(<usize>load<i32>(regions + (<usize>t << 2)) + off));
    const p = params + (<usize>(j * K) << 3);
    const q = grad + (<usize>(j * K) << 3);
    for (let k = 0; k < K; k++) {
      const w = load<f64>(p + (<usize>k << 3));
      sq += w * w;
      let gk: f64;
      if (k == 0) gk = <f64>f32x4.extract_lane(g, 0);
      else if (k == 1) gk = <f64>f32x4.extract_lane(g, 1);
      else if (k == 2) gk = <f64>f32x4.extract_lane(g, 2);
      else gk = <f64>f32x4.extract_lane(g, 3);
      store<f64>(q + (<usize>k << 3), gk + lam * w);
    }
  }
  return sq;
}
