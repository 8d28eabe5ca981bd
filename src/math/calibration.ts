/**
 * @module Post-hoc probability calibration on held-out data, shared by the text classifiers and the models:
 * Platt scaling (Platt 1999) for binary logits, p = σ(a·z + b), and temperature scaling (Guo, Pleiss, Sun &
 * Weinberger 2017) for softmax logits, p = softmax(z / T) with the single T minimising the negative
 * log-likelihood, found by golden-section search on ln T.
 */

/** p = σ(a·z + b). */
export interface Platt {
  a: number;
  b: number;
}

/**
 * Fits Platt's (a, b) by Newton's method on the log loss L = −Σ y·ln p + (1 − y)·ln(1 − p), p = σ(a·z + b)
 * (gradient Σ (p − y)·[z, 1], Hessian Σ p(1 − p)·[z, 1][z, 1]ᵀ; a tiny ridge keeps it invertible).
 * Falls back to the identity when there is no data.
 */
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<number>, iterations = 50): Platt {
  let a = 1, b = 0;
  const n = logits.length;
  if (n === 0) return { a, b };
  const loss = (a: number, b: number): number => {
    let l = 0;
    for (let k = 0; k < n; k++) {
      const s = a * logits[k]! + b;
      // −ln σ(s) = softplus(−s), −ln(1 − σ(s)) = softplus(s), in the overflow-safe form.
      const sp = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
      l += labels[k]! > 0.5 ? sp(-s) : sp(s);
    }
    return l;
  };
  let current = loss(a, b);
  for (let it = 0; it < iterations; it++) {
    let ga = 0, gb = 0, haa = 1e-6, hab = 0, hbb = 1e-6;
    for (let k = 0; k < n; k++) {
      const z = logits[k]!;
      const p = 1 / (1 + Math.exp(-(a * z + b)));
      const r = p - labels[k]!, w = p * (1 - p);
      ga += r * z; gb += r;
      haa += w * z * z; hab += w * z; hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    // Damped Newton: halve the step until the loss does not increase (plain Newton can overshoot on saturated logits).
    let step = 1, next = loss(a - da, b - db);
    while (next > current && step > 1e-6) { step /= 2; next = loss(a - step * da, b - step * db); }
    if (next > current) break;
    a -= step * da; b -= step * db;
    const moved = step * (Math.abs(da) + Math.abs(db));
    current = next;
    if (moved < 1e-9) break;
  }
  return { a, b };
}

export function applyPlatt(p: Platt, logit: number): number {
  return 1 / (1 + Math.exp(-(p.a * logit + p.b)));
}

/**
 * Mean negative log-likelihood of `labels` under softmax(logits / T); logits n × K row-major. Computed as
 * log-sum-exp − z_label / T, so saturated logits give a finite loss.
 */
export function temperatureNll(logits: ArrayLike<number>, labels: ArrayLike<number>, K: number, T: number): number {
  const n = labels.length;
  let nll = 0;
  for (let r = 0; r < n; r++) {
    const o = r * K;
    let m = -Infinity;
    for (let c = 0; c < K; c++) m = Math.max(m, logits[o + c]! / T);
    let s = 0;
    for (let c = 0; c < K; c++) s += Math.exp(logits[o + c]! / T - m);
    nll += m + Math.log(s) - logits[o + labels[r]!]! / T;
  }
  return n ? nll / n : 0;
}

/**
 * The temperature in [e⁻⁴, e⁴] minimising held-out `temperatureNll` (unimodal in ln T for fixed logits);
 * 1 when there are no labels.
 */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>, K: number): number {
  if (labels.length === 0) return 1;
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = -4, b = 4;
  let c = b - phi * (b - a), d = a + phi * (b - a);
  let fc = temperatureNll(logits, labels, K, Math.exp(c));
  let fd = temperatureNll(logits, labels, K, Math.exp(d));
  // 60 golden-section steps shrink the interval by 0.618⁶⁰ ≈ 3e-13.
  for (let i = 0; i < 60; i++) {
    if (fc < fd) {
      b = d; d = c; fd = fc;
      c = b - phi * (b - a);
      fc = temperatureNll(logits, labels, K, Math.exp(c));
    } else {
      a = c; c = d; fc = fd;
      d = a + phi * (b - a);
      fd = temperatureNll(logits, labels, K, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}
