/**
 * @module BPR-max loss with session-parallel in-batch and shared extra negatives (Hidasi & Karatzoglou 2018,
 * "Recurrent Neural Networks with Top-k Gains for Session-based Recommendations", CIKM), one fused autograd node.
 *
 * At each step t the rows h[b, t] (B sequences, left-aligned) are scored against the sample set S_t = the B
 * targets of that step plus X extra items: r = h·W[S]ᵀ + b[S]. Row b's positive is column b; its negatives are
 * the other columns holding a different item. With s_j = softmax over the negatives' scores and σ_j = σ(r_i − r_j):
 *   L = −log Σ_j s_j σ_j + λ Σ_j s_j r_j²          (eq. 7 of the paper, with the score regularisation of Sec. 3.3)
 * averaged over valid rows. With P = Σ s_j σ_j and Q = Σ s_j r_j²:
 *   ∂L/∂r_i = −(1/P) Σ_j s_j σ_j (1 − σ_j),   ∂L/∂r_j = −s_j (σ_j² − P)/P + λ s_j (r_j² − Q + 2 r_j).
 */
import { createError } from '../../core/errors.js';
import { gemm } from '../../math/gemm.js';
import { Tensor, record } from '../../nn/tensor.js';

/** Added inside the log as the reference implementation does (1e-24), so P = 0 stays finite. */
const LOG_EPS = 1e-24;

/**
 * h [B, T, H]; table [V, H] and bias [V]; targets [B·T] row ids (0 = no target at that step); extra [X] row ids.
 * `own[b]`, when given, lists row ids that are never negatives for sequence b (its own items: removing these
 * false negatives matters on small catalogues). Returns the mean loss over valid (b, t).
 */
export function bprMaxLoss(h: Tensor, table: Tensor, bias: Tensor, targets: Int32Array, extra: Int32Array, lambda: number, own?: readonly ReadonlySet<number>[]): Tensor {
  const [B, T, H] = h.shape as [number, number, number];
  if (h.ndim !== 3 || table.shape[1] !== H || targets.length !== B * T || bias.size !== table.shape[0]) {
    throw createError('SHAPE_MISMATCH', { op: 'bprMaxLoss', problem: `h [${h.shape.join(', ')}], table [${table.shape.join(', ')}], ${targets.length} targets disagree` });
  }
  const X = extra.length, M = B + X;
  const W = table.data, bv = bias.data, hd = h.data;
  const S = new Int32Array(T * M);
  const R = new Float32Array(T * B * M);
  const hb = new Float32Array(B * H), G = new Float32Array(M * H);
  let total = 0, count = 0;
  for (let t = 0; t < T; t++) {
    const St = S.subarray(t * M, (t + 1) * M);
    for (let b = 0; b < B; b++) St[b] = targets[b * T + t]!;
    St.set(extra, B);
    for (let b = 0; b < B; b++) hb.set(hd.subarray((b * T + t) * H, (b * T + t + 1) * H), b * H);
    for (let s = 0; s < M; s++) G.set(W.subarray(St[s]! * H, (St[s]! + 1) * H), s * H);
    const Rt = R.subarray(t * B * M, (t + 1) * B * M);
    gemm({ m: B, n: M, k: H, a: hb, b: G, c: Rt, transB: true });
    for (let b = 0; b < B; b++) for (let s = 0; s < M; s++) Rt[b * M + s] = Rt[b * M + s]! + bv[St[s]!]!;
    for (let b = 0; b < B; b++) {
      const pos = St[b]!;
      if (pos === 0) continue;
      total += rowLoss(Rt.subarray(b * M, (b + 1) * M), St, b, lambda, null, own?.[b]);
      count++;
    }
  }
  const out = new Tensor(Float32Array.of(count > 0 ? total / count : 0), []);
  record(out, [h, table, bias], () => {
    if (count === 0) return;
    const g = out.grad![0]! / count;
    const gh = h.requiresGrad ? h.ensureGrad() : null, gW = table.requiresGrad ? table.ensureGrad() : null, gb = bias.requiresGrad ? bias.ensureGrad() : null;
    const dR = new Float32Array(B * M), dH = new Float32Array(B * H), dG = new Float32Array(M * H);
    for (let t = 0; t < T; t++) {
      const St = S.subarray(t * M, (t + 1) * M), Rt = R.subarray(t * B * M, (t + 1) * B * M);
      dR.fill(0);
      let any = false;
      for (let b = 0; b < B; b++) {
        if (St[b] === 0) continue;
        rowLoss(Rt.subarray(b * M, (b + 1) * M), St, b, lambda, dR.subarray(b * M, (b + 1) * M), own?.[b]);
        any = true;
      }
      if (!any) continue;
      for (let i = 0; i < dR.length; i++) dR[i] = dR[i]! * g;
      if (gb) for (let b = 0; b < B; b++) for (let s = 0; s < M; s++) gb[St[s]!] = gb[St[s]!]! + dR[b * M + s]!;
      if (gh) {
        for (let s = 0; s < M; s++) G.set(W.subarray(St[s]! * H, (St[s]! + 1) * H), s * H);
        gemm({ m: B, n: H, k: M, a: dR, b: G, c: dH });
        for (let b = 0; b < B; b++) {
          const o = (b * T + t) * H;
          for (let a = 0; a < H; a++) gh[o + a] = gh[o + a]! + dH[b * H + a]!;
        }
      }
      if (gW) {
        for (let b = 0; b < B; b++) hb.set(hd.subarray((b * T + t) * H, (b * T + t + 1) * H), b * H);
        gemm({ m: M, n: H, k: B, a: dR, transA: true, b: hb, c: dG });
        for (let s = 0; s < M; s++) {
          const o = St[s]! * H;
          for (let a = 0; a < H; a++) gW[o + a] = gW[o + a]! + dG[s * H + a]!;
        }
      }
    }
  });
  return out;
}

/** Loss of one row (positive at column `b`); writes ∂L/∂r into `grad` when given. */
function rowLoss(r: Float32Array, S: Int32Array, b: number, lambda: number, grad: Float32Array | null, own: ReadonlySet<number> | undefined): number {
  const M = r.length, pos = S[b]!, ri = r[b]!;
  const neg = (s: number): boolean => s !== b && S[s] !== pos && S[s] !== 0 && (own === undefined || !own.has(S[s]!));
  let mx = -Infinity;
  for (let s = 0; s < M; s++) if (neg(s) && r[s]! > mx) mx = r[s]!;
  if (mx === -Infinity) return 0; // no negative in the set
  let Z = 0;
  for (let s = 0; s < M; s++) if (neg(s)) Z += Math.exp(r[s]! - mx);
  let P = 0, Q = 0;
  for (let s = 0; s < M; s++) {
    if (!neg(s)) continue;
    const sj = Math.exp(r[s]! - mx) / Z, sig = 1 / (1 + Math.exp(-(ri - r[s]!)));
    P += sj * sig;
    Q += sj * r[s]! * r[s]!;
  }
  if (grad !== null) {
    const Pe = P + LOG_EPS;
    let gi = 0;
    for (let s = 0; s < M; s++) {
      if (!neg(s)) continue;
      const rj = r[s]!, sj = Math.exp(rj - mx) / Z, sig = 1 / (1 + Math.exp(-(ri - rj)));
      gi -= (sj * sig * (1 - sig)) / Pe;
      grad[s] = grad[s]! - (sj * (sig * sig - P)) / Pe + lambda * sj * (rj * rj - Q + 2 * rj);
    }
    grad[b] = grad[b]! + gi;
  }
  return -Math.log(P + LOG_EPS) + lambda * Q;
}
