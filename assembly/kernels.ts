/**
 * @module SIMD compute kernels (AssemblyScript → WebAssembly with 128-bit SIMD): packed, register-blocked GEMM,
 * GEMV / batched dot, elementwise ops and reductions over f32 arrays that live in one (shared) linear memory.
 *
 * Every pointer is a byte offset into linear memory; every length counts f32 elements. The TypeScript loader
 * (src/math/wasm/module.ts) owns the memory and its allocator; this file never allocates.
 *
 * GEMM follows the BLIS / GotoBLAS layering (Goto & van de Geijn, "Anatomy of high-performance matrix
 * multiplication", ACM TOMS 34(3), 2008): for each NC-wide column block of op(B) and each KC-deep slice, pack
 * op(B) into NR-wide micro-panels; for each MC-high row block of op(A), pack op(A) into MR-high micro-panels;
 * an MR×NR micro-kernel keeps the whole C tile in registers and streams both panels. Packing makes all three
 * layouts (NN, NT, TN) run the same inner loop and pads ragged edges with zeros.
 */

/**
 * Micro-tile height: rows of C per micro-kernel call. 4×8 = 8 accumulators + 2 B vectors + broadcasts fits the
 * 16 xmm registers with room to spare; V8 spilled 4 of the 12 accumulators of a 6×8 tile (measured 17–23 GFLOP/s
 * against 30–32 for 4×8 at 512², and 5×8 ran at 20), so 4 it is. kernel5x8/kernel6x8 stay for re-measuring.
 */
const MR: i32 = 4;
/** Micro-tile width: two f32x4 vectors. */
const NR: i32 = 8;
/** Depth of one packed slice: a 256×8 B micro-panel (8 KiB) stays in L1 while the A panel streams. */
const KC: i32 = 256;
/** Rows of op(A) per packed block: 128×256×4 B = 128 KiB, sized for L2 (a multiple of MR). */
const MC: i32 = 128;
/** Columns of op(B) per packed block: 256×2048×4 B = 2 MiB, sized for L3 (a multiple of NR). */
const NC: i32 = 2048;

/** Floats of scratch one gemm call needs: packed A block, packed B block and one edge tile. */
export function gemmScratchFloats(): i32 {
  return MC * KC + KC * NC + MR * NR;
}

/** First free byte after static data, so the loader knows where its heap may start. */
export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------------------------------------------------------
// Packing

// @ts-ignore: decorator
@inline function transpose4(src0: usize, src1: usize, src2: usize, src3: usize, dst: usize, dstStride: usize): void {
  // 4×4 transpose in registers: reads 4 floats from each of 4 rows, writes 4 rows of `dstStride` bytes apart.
  const r0 = v128.load(src0), r1 = v128.load(src1), r2 = v128.load(src2), r3 = v128.load(src3);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row micro-panels laid out p-major: dst[panel][p][r]. Zero-pads rows. */
function packA(transA: i32, a: usize, lda: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = min(MR, mc - i0);
    if (transA && MR == 4 && rows == 4) {
      // A is stored K×M: four consecutive entries of row p are exactly one panel row.
      for (let p = 0; p < kc; p++) {
        v128.store(dst + (<usize>p << 4), v128.load(a + ((<usize>(pc + p) * lda + ic + i0) << 2)));
      }
    } else if (transA) {
      // A is stored K×M: row p of the stored matrix holds op(A)[·, p] contiguously.
      for (let p = 0; p < kc; p++) {
        const src = a + ((<usize>(pc + p) * lda + ic + i0) << 2);
        const d = dst + (<usize>p * MR << 2);
        for (let r = 0; r < MR; r++) {
          store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>r << 2)) : 0);
        }
      }
    } else if (MR == 4 && rows == 4) {
      // Rows of A are contiguous in p: transpose 4×4 blocks into the p-major panel.
      const s0 = a + ((<usize>(ic + i0) * lda + pc) << 2);
      const ldaBytes = <usize>lda << 2;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const off = <usize>p << 2;
        transpose4(s0 + off, s0 + ldaBytes + off, s0 + 2 * ldaBytes + off, s0 + 3 * ldaBytes + off, dst + (<usize>p << 4), 16);
      }
      for (; p < kc; p++) {
        const off = <usize>p << 2;
        const d = dst + (<usize>p << 4);
        store<f32>(d, load<f32>(s0 + off));
        store<f32>(d, load<f32>(s0 + ldaBytes + off), 4);
        store<f32>(d, load<f32>(s0 + 2 * ldaBytes + off), 8);
        store<f32>(d, load<f32>(s0 + 3 * ldaBytes + off), 12);
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const d = dst + (<usize>r << 2);
        if (r < rows) {
          const src = a + ((<usize>(ic + i0 + r) * lda + pc) << 2);
          for (let p = 0; p < kc; p++) store<f32>(d + (<usize>p * MR << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + (<usize>p * MR << 2), 0);
        }
      }
    }
    dst += <usize>kc * MR << 2;
  }
}

/** Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column micro-panels laid out p-major: dst[panel][p][j]. Zero-pads. */
function packB(transB: i32, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    if (transB && cols == NR) {
      // B is stored N×K, rows contiguous in p: two 4×4 transposes per 4 steps fill the 8-wide panel rows.
      const s0 = b + ((<usize>(jc + j0) * ldb + pc) << 2);
      const ldbBytes = <usize>ldb << 2;
      const s4 = s0 + 4 * ldbBytes;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const off = <usize>p << 2;
        const d = dst + (<usize>p << 5);
        transpose4(s0 + off, s0 + ldbBytes + off, s0 + 2 * ldbBytes + off, s0 + 3 * ldbBytes + off, d, 32);
        transpose4(s4 + off, s4 + ldbBytes + off, s4 + 2 * ldbBytes + off, s4 + 3 * ldbBytes + off, d + 16, 32);
      }
      for (; p < kc; p++) {
        const off = <usize>p << 2;
        const d = dst + (<usize>p << 5);
        for (let j = 0; j < NR; j++) store<f32>(d + (<usize>j << 2), load<f32>(s0 + <usize>j * ldbBytes + off));
      }
    } else if (transB) {
      // B is stored N×K: row j of the stored matrix holds op(B)[·, j] contiguously.
      for (let j = 0; j < NR; j++) {
        const d = dst + (<usize>j << 2);
        if (j < cols) {
          const src = b + ((<usize>(jc + j0 + j) * ldb + pc) << 2);
          for (let p = 0; p < kc; p++) store<f32>(d + (<usize>p * NR << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + (<usize>p * NR << 2), 0);
        }
      }
    } else if (cols == NR) {
      for (let p = 0; p < kc; p++) {
        const src = b + ((<usize>(pc + p) * ldb + jc + j0) << 2);
        const d = dst + (<usize>p * NR << 2);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = b + ((<usize>(pc + p) * ldb + jc + j0) << 2);
        const d = dst + (<usize>p * NR << 2);
        for (let j = 0; j < NR; j++) store<f32>(d + (<usize>j << 2), j < cols ? load<f32>(src + (<usize>j << 2)) : 0);
      }
    }
    dst += <usize>kc * NR << 2;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Micro-kernel

/** C row (8 floats at c) = beta·C + alpha·(lo, hi); beta == 0 never reads C (so NaN/garbage in C is ignored). */
// @ts-ignore: decorator
@inline function storeRow(c: usize, lo: v128, hi: v128, va: v128, beta: f32): void {
  if (beta == 0) {
    v128.store(c, f32x4.mul(va, lo));
    v128.store(c, f32x4.mul(va, hi), 16);
  } else if (beta == 1) {
    v128.store(c, f32x4.add(v128.load(c), f32x4.mul(va, lo)));
    v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(va, hi)), 16);
  } else {
    const vb = f32x4.splat(beta);
    v128.store(c, f32x4.add(f32x4.mul(vb, v128.load(c)), f32x4.mul(va, lo)));
    v128.store(c, f32x4.add(f32x4.mul(vb, v128.load(c, 16)), f32x4.mul(va, hi)), 16);
  }
}

/** C[4×8] = beta·C + alpha·Ap·Bp over kc steps (packed 4-row A panel, packed 8-column B panel; ldc in bytes). */
function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, alpha: f32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = bp + (<usize>kc << 5);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16;
    bp += 32;
  }
  const va = f32x4.splat(alpha);
  storeRow(c, c00, c01, va, beta);
  storeRow(c + ldc, c10, c11, va, beta);
  storeRow(c + 2 * ldc, c20, c21, va, beta);
  storeRow(c + 3 * ldc, c30, c31, va, beta);
}

/** C[5×8] = beta·C + alpha·Ap·Bp over kc steps (packed 5-row A panel, packed 8-column B panel; ldc in bytes). */
function kernel5x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, alpha: f32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  const end = bp + (<usize>kc << 5);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 16);
    c40 = f32x4.add(c40, f32x4.mul(a, b0));
    c41 = f32x4.add(c41, f32x4.mul(a, b1));
    ap += 20;
    bp += 32;
  }
  const va = f32x4.splat(alpha);
  storeRow(c, c00, c01, va, beta);
  storeRow(c + ldc, c10, c11, va, beta);
  storeRow(c + 2 * ldc, c20, c21, va, beta);
  storeRow(c + 3 * ldc, c30, c31, va, beta);
  storeRow(c + 4 * ldc, c40, c41, va, beta);
}

/** C[6×8] = beta·C + alpha·Ap·Bp over kc steps (packed 6-row A panel, packed 8-column B panel; ldc in bytes). */
function kernel6x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, alpha: f32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  const end = bp + (<usize>kc << 5);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 16);
    c40 = f32x4.add(c40, f32x4.mul(a, b0));
    c41 = f32x4.add(c41, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 20);
    c50 = f32x4.add(c50, f32x4.mul(a, b0));
    c51 = f32x4.add(c51, f32x4.mul(a, b1));
    ap += 24;
    bp += 32;
  }
  const va = f32x4.splat(alpha);
  storeRow(c, c00, c01, va, beta);
  storeRow(c + ldc, c10, c11, va, beta);
  storeRow(c + 2 * ldc, c20, c21, va, beta);
  storeRow(c + 3 * ldc, c30, c31, va, beta);
  storeRow(c + 4 * ldc, c40, c41, va, beta);
  storeRow(c + 5 * ldc, c50, c51, va, beta);
}

/** The micro-kernel for the configured MR (resolved at compile time). */
// @ts-ignore: decorator
@inline function microKernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, alpha: f32, beta: f32): void {
  if (MR == 4) kernel4x8(kc, ap, bp, c, ldc, alpha, beta);
  else if (MR == 5) kernel5x8(kc, ap, bp, c, ldc, alpha, beta);
  else kernel6x8(kc, ap, bp, c, ldc, alpha, beta);
}

// ---------------------------------------------------------------------------------------------------------------
// GEMM

/**
 * C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, row-major with leading dimensions (in elements).
 * op(A) = A (stored m×k, lda ≥ k) or Aᵀ (stored k×m, lda ≥ m); likewise op(B) with ldb. beta == 0 overwrites C.
 * scratch must hold gemmScratchFloats() floats, 16-byte aligned.
 */
export function gemm(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    scaleMatrix(m, n, beta, c, ldc);
    return;
  }
  const packedA = scratch;
  const packedB = scratch + (<usize>(MC * KC) << 2);
  const tile = packedB + (<usize>(KC * NC) << 2);
  const ldcBytes = <usize>ldc << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // The first slice applies beta; later slices accumulate.
      const betaEff: f32 = pc == 0 ? beta : 1;
      packB(transB, b, ldb, pc, kc, jc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(transA, a, lda, ic, mc, pc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const bp = packedB + (<usize>jr * kc << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const ap = packedA + (<usize>ir * kc << 2);
            const cp = c + ((<usize>(ic + ir) * ldc + jc + jr) << 2);
            if (rows == MR && cols == NR) {
              microKernel(kc, ap, bp, cp, ldcBytes, alpha, betaEff);
            } else {
              // Ragged edge: compute the full padded tile aside, then merge the valid part with scalar code.
              microKernel(kc, ap, bp, tile, <usize>NR << 2, 1, 0);
              for (let r = 0; r < rows; r++) {
                const crow = cp + (<usize>r * ldcBytes);
                const trow = tile + (<usize>(r * NR) << 2);
                for (let j = 0; j < cols; j++) {
                  const v = alpha * load<f32>(trow + (<usize>j << 2));
                  const q = crow + (<usize>j << 2);
                  store<f32>(q, betaEff == 0 ? v : betaEff * load<f32>(q) + v);
                }
              }
            }
          }
        }
      }
    }
  }
}

/** C = beta·C (beta == 0 writes zeros). */
function scaleMatrix(m: i32, n: i32, beta: f32, c: usize, ldc: i32): void {
  if (beta == 1) return;
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>i * ldc << 2);
    if (beta == 0) memory.fill(row, 0, <usize>n << 2);
    else scale(beta, row, row, n);
  }
}

/**
 * y[rows] = alpha · op(A) · x + beta · y where A is stored rows×cols (leading dimension lda).
 * trans == 0: y has `rows` entries, y_i = Σ_j A_ij x_j (the batched dot: scores = Items · u).
 * trans == 1: y has `cols` entries, y_j = Σ_i A_ij x_i.
 */
export function gemv(trans: i32, rows: i32, cols: i32, alpha: f32, a: usize, lda: i32, x: usize, beta: f32, y: usize): void {
  const ldaBytes = <usize>lda << 2;
  if (!trans) {
    let i = 0;
    for (; i + 4 <= rows; i += 4) {
      const r0 = a + <usize>i * ldaBytes;
      const r1 = r0 + ldaBytes, r2 = r1 + ldaBytes, r3 = r2 + ldaBytes;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const off = <usize>j << 2;
        const xv = v128.load(x + off);
        s0 = f32x4.add(s0, f32x4.mul(v128.load(r0 + off), xv));
        s1 = f32x4.add(s1, f32x4.mul(v128.load(r1 + off), xv));
        s2 = f32x4.add(s2, f32x4.mul(v128.load(r2 + off), xv));
        s3 = f32x4.add(s3, f32x4.mul(v128.load(r3 + off), xv));
      }
      let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
      for (; j < cols; j++) {
        const off = <usize>j << 2;
        const xs = load<f32>(x + off);
        t0 += load<f32>(r0 + off) * xs;
        t1 += load<f32>(r1 + off) * xs;
        t2 += load<f32>(r2 + off) * xs;
        t3 += load<f32>(r3 + off) * xs;
      }
      const yp = y + (<usize>i << 2);
      store<f32>(yp, axpby(alpha, t0, beta, yp));
      store<f32>(yp + 4, axpby(alpha, t1, beta, yp + 4));
      store<f32>(yp + 8, axpby(alpha, t2, beta, yp + 8));
      store<f32>(yp + 12, axpby(alpha, t3, beta, yp + 12));
    }
    for (; i < rows; i++) {
      const yp = y + (<usize>i << 2);
      store<f32>(yp, axpby(alpha, dot(a + <usize>i * ldaBytes, x, cols), beta, yp));
    }
  } else {
    if (beta == 0) memory.fill(y, 0, <usize>cols << 2);
    else if (beta != 1) scale(beta, y, y, cols);
    for (let i = 0; i < rows; i++) {
      axpy(alpha * load<f32>(x + (<usize>i << 2)), a + <usize>i * ldaBytes, y, cols);
    }
  }
}

// @ts-ignore: decorator
@inline function axpby(alpha: f32, v: f32, beta: f32, yp: usize): f32 {
  return beta == 0 ? alpha * v : alpha * v + beta * load<f32>(yp);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// ---------------------------------------------------------------------------------------------------------------
// Elementwise (out may alias an input)

/** out = x + y */
export function add(x: usize, y: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, f32x4.add(v128.load(x + o), v128.load(y + o)));
  for (; o < end; o += 4) store<f32>(out + o, load<f32>(x + o) + load<f32>(y + o));
}

/** out = x − y */
export function sub(x: usize, y: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, f32x4.sub(v128.load(x + o), v128.load(y + o)));
  for (; o < end; o += 4) store<f32>(out + o, load<f32>(x + o) - load<f32>(y + o));
}

/** out = x ⊙ y */
export function mul(x: usize, y: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  for (; o < end; o += 4) store<f32>(out + o, load<f32>(x + o) * load<f32>(y + o));
}

/** out = x ⊙ y + z (fused in spirit; WASM SIMD has no single-rounding FMA, so it rounds twice). */
export function mulAdd(x: usize, y: usize, z: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    v128.store(out + o, f32x4.add(f32x4.mul(v128.load(x + o), v128.load(y + o)), v128.load(z + o)));
  }
  for (; o < end; o += 4) store<f32>(out + o, load<f32>(x + o) * load<f32>(y + o) + load<f32>(z + o));
}

/** y = alpha·x + y (BLAS saxpy) */
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const end = <usize>n << 2;
  const va = f32x4.splat(alpha);
  let o: usize = 0;
  for (; o + 32 <= end; o += 32) {
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
    v128.store(y + o, f32x4.add(v128.load(y + o, 16), f32x4.mul(va, v128.load(x + o, 16))), 16);
  }
  for (; o + 16 <= end; o += 16) v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  for (; o < end; o += 4) store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
}

/** out = alpha·x */
export function scale(alpha: f32, x: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  const va = f32x4.splat(alpha);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, f32x4.mul(va, v128.load(x + o)));
  for (; o < end; o += 4) store<f32>(out + o, alpha * load<f32>(x + o));
}

// ---------------------------------------------------------------------------------------------------------------
// Reductions: four-lane × two-vector partial sums (eight interleaved accumulators), then a pairwise combine.

/** Σ x_i */
export function sum(x: usize, n: i32): f32 {
  const end = <usize>n << 2;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 32 <= end; o += 32) {
    s0 = f32x4.add(s0, v128.load(x + o));
    s1 = f32x4.add(s1, v128.load(x + o, 16));
  }
  let t = hsum(f32x4.add(s0, s1));
  for (; o < end; o += 4) t += load<f32>(x + o);
  return t;
}

/** Σ x_i y_i */
export function dot(x: usize, y: usize, n: i32): f32 {
  const end = <usize>n << 2;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 32 <= end; o += 32) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  let t = hsum(f32x4.add(s0, s1));
  for (; o < end; o += 4) t += load<f32>(x + o) * load<f32>(y + o);
  return t;
}

/** Σ x_i² */
export function sumSquares(x: usize, n: i32): f32 {
  const end = <usize>n << 2;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 32 <= end; o += 32) {
    const v0 = v128.load(x + o), v1 = v128.load(x + o, 16);
    s0 = f32x4.add(s0, f32x4.mul(v0, v0));
    s1 = f32x4.add(s1, f32x4.mul(v1, v1));
  }
  let t = hsum(f32x4.add(s0, s1));
  for (; o < end; o += 4) {
    const v = load<f32>(x + o);
    t += v * v;
  }
  return t;
}

/** max_i x_i (−∞ for n = 0; NaN if any element is NaN, like Math.max). */
export function max(x: usize, n: i32): f32 {
  const end = <usize>n << 2;
  let m0 = f32x4.splat(-Infinity), m1 = f32x4.splat(-Infinity);
  let o: usize = 0;
  for (; o + 32 <= end; o += 32) {
    m0 = f32x4.max(m0, v128.load(x + o));
    m1 = f32x4.max(m1, v128.load(x + o, 16));
  }
  const m = f32x4.max(m0, m1);
  let t = Mathf.max(Mathf.max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), Mathf.max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; o < end; o += 4) t = Mathf.max(t, load<f32>(x + o));
  return t;
}

// The deep-learning op kernels (activations, softmax, layer norm, Adam, attention, …) are compiled into this module.
export * from './nn';
