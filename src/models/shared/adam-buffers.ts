/**
 * @module Adam (Kingma & Ba 2015) over one flat Float32Array with its moments exposed, so a checkpoint can
 * save and restore them: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·m̂/(√v̂ + ε) with bias-corrected
 * m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). Defaults β = (0.9, 0.999), ε = 1e-8 as PyTorch (the LightGCN code's optimizer).
 */

export interface AdamBuffers {
  readonly m: Float32Array;
  readonly v: Float32Array;
  t: number;
}

export function createAdamBuffers(size: number): AdamBuffers {
  return { m: new Float32Array(size), v: new Float32Array(size), t: 0 };
}

export function adamStep(w: Float32Array, g: Float32Array, s: AdamBuffers, lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): void {
  s.t++;
  const c1 = 1 - Math.pow(b1, s.t), rc2 = 1 / Math.sqrt(1 - Math.pow(b2, s.t));
  const stepSize = lr / c1, m = s.m, v = s.v, n = w.length, a1 = 1 - b1, a2 = 1 - b2;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + a1 * gi, vi = b2 * v[i]! + a2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i]! - (stepSize * mi) / (Math.sqrt(vi) * rc2 + eps);
  }
}
