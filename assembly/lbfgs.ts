/**
 * @module The vector loops of L-BFGS (src/text/lbfgs.ts) in AssemblyScript with 128-bit SIMD (compiled by
 * scripts/build-text-wasm.mjs into src/text/lbfgs-wasm.generated.ts): f64 arrays of n elements at byte offsets
 * of the imported memory, two lanes at a time, four accumulators for the dot products. Each function is the twin
 * of the TypeScript loop of the same name in lbfgs.ts (the same arithmetic up to the order of additions).
 */

/** First free byte after static data. */
export function heapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ a[i]·b[i]. */
export function dot(a: usize, b: usize, n: i32): f64 {
  const bytes = <usize>n << 3;
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o + 16), v128.load(b + o + 16)));
  }
  let s = hsum(f64x2.add(s0, s1));
  for (; o < bytes; o += 8) s += load<f64>(a + o) * load<f64>(b + o);
  return s;
}

/** d ← (d + a·v)·scale; returns w·d (the new d), or 0 when w is 0 (no array). */
export function axpyDot(d: usize, a: f64, v: usize, scale: f64, w: usize, n: i32): f64 {
  const bytes = <usize>n << 3;
  const av = f64x2.splat(a), sv = f64x2.splat(scale);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let o: usize = 0;
  if (w == 0) {
    for (; o + 16 <= bytes; o += 16) v128.store(d + o, f64x2.mul(f64x2.add(v128.load(d + o), f64x2.mul(av, v128.load(v + o))), sv));
    for (; o < bytes; o += 8) store<f64>(d + o, (load<f64>(d + o) + a * load<f64>(v + o)) * scale);
    return 0;
  }
  for (; o + 32 <= bytes; o += 32) {
    const x0 = f64x2.mul(f64x2.add(v128.load(d + o), f64x2.mul(av, v128.load(v + o))), sv);
    const x1 = f64x2.mul(f64x2.add(v128.load(d + o + 16), f64x2.mul(av, v128.load(v + o + 16))), sv);
    v128.store(d + o, x0);
    v128.store(d + o + 16, x1);
    s0 = f64x2.add(s0, f64x2.mul(x0, v128.load(w + o)));
    s1 = f64x2.add(s1, f64x2.mul(x1, v128.load(w + o + 16)));
  }
  let s = hsum(f64x2.add(s0, s1));
  for (; o < bytes; o += 8) {
    const x = (load<f64>(d + o) + a * load<f64>(v + o)) * scale;
    store<f64>(d + o, x);
    s += x * load<f64>(w + o);
  }
  return s;
}

/** out = x + t·d. */
export function step(out: usize, x: usize, t: f64, d: usize, n: i32): void {
  const bytes = <usize>n << 3;
  const tv = f64x2.splat(t);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(out + o, f64x2.add(v128.load(x + o), f64x2.mul(tv, v128.load(d + o))));
  for (; o < bytes; o += 8) store<f64>(out + o, load<f64>(x + o) + t * load<f64>(d + o));
}

/** d = −g; returns w·d, or 0 when w is 0. */
export function negate(d: usize, g: usize, w: usize, n: i32): f64 {
  const bytes = <usize>n << 3;
  let s0 = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const x = f64x2.neg(v128.load(g + o));
    v128.store(d + o, x);
    if (w != 0) s0 = f64x2.add(s0, f64x2.mul(x, v128.load(w + o)));
  }
  let s = hsum(s0);
  for (; o < bytes; o += 8) {
    const x = -load<f64>(g + o);
    store<f64>(d + o, x);
    if (w != 0) s += x * load<f64>(w + o);
  }
  return s;
}

/**
 * s = x_new − x, y = g_new − g, then x ← x_new, g ← g_new. Writes sᵀy, sᵀs, yᵀy and max |g_new| to out (4 f64).
 */
export function advance(x: usize, g: usize, xNew: usize, gNew: usize, s: usize, y: usize, n: i32, out: usize): void {
  const bytes = <usize>n << 3;
  let sy = f64x2.splat(0), ss = f64x2.splat(0), yy = f64x2.splat(0), gmax = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const xn = v128.load(xNew + o), gn = v128.load(gNew + o);
    const sv = f64x2.sub(xn, v128.load(x + o));
    const yv = f64x2.sub(gn, v128.load(g + o));
    v128.store(s + o, sv);
    v128.store(y + o, yv);
    v128.store(x + o, xn);
    v128.store(g + o, gn);
    sy = f64x2.add(sy, f64x2.mul(sv, yv));
    ss = f64x2.add(ss, f64x2.mul(sv, sv));
    yy = f64x2.add(yy, f64x2.mul(yv, yv));
    gmax = f64x2.max(gmax, f64x2.abs(gn));
  }
  let rsy = hsum(sy), rss = hsum(ss), ryy = hsum(yy);
  let rg = max(f64x2.extract_lane(gmax, 0), f64x2.extract_lane(gmax, 1));
  for (; o < bytes; o += 8) {
    const xn = load<f64>(xNew + o), gn = load<f64>(gNew + o);
    const si = xn - load<f64>(x + o), yi = gn - load<f64>(g + o);
    store<f64>(s + o, si);
    store<f64>(y + o, yi);
    store<f64>(x + o, xn);
    store<f64>(g + o, gn);
    rsy += si * yi;
    rss += si * si;
    ryy += yi * yi;
    rg = max(rg, abs(gn));
  }
  store<f64>(out, rsy);
  store<f64>(out + 8, rss);
  store<f64>(out + 16, ryy);
  store<f64>(out + 24, rg);
}

/** max |a[i]|. */
export function infNorm(a: usize, n: i32): f64 {
  const bytes = <usize>n << 3;
  let m = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) m = f64x2.max(m, f64x2.abs(v128.load(a + o)));
  let r = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  for (; o < bytes; o += 8) r = max(r, abs(load<f64>(a + o)));
  return r;
}
