import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { createVectorSpace, jsVectorOps } from './lbfgs-vectors.js';
import { lbfgs } from './lbfgs.js';

const wasm = createVectorSpace(8, 1, 'wasm-simd').backend === 'wasm-simd';

describe('L-BFGS vector loops', () => {
  it.skipIf(!wasm)('the WebAssembly loops compute what the TypeScript loops compute (odd n for the scalar tail)', () => {
    const n = 1001;
    const rng = createRng(3);
    const fill = (a: Float64Array): Float64Array => { for (let i = 0; i < n; i++) a[i] = rng.normal(); return a; };
    const w = createVectorSpace(n, 6, 'wasm-simd');
    expect(w.backend).toBe('wasm-simd');
    const [a, b, c, d, e, f] = w.vectors.map(fill) as Float64Array[];
    const [A, B, C, D, E, F] = [a, b, c, d, e, f].map((v) => Float64Array.from(v!)) as Float64Array[];
    const close = (x: number, y: number): void => expect(Math.abs(x - y)).toBeLessThan(1e-9 * Math.max(1, Math.abs(y)));
    const same = (x: Float64Array, y: Float64Array): void => { for (let i = 0; i < n; i++) close(x[i]!, y[i]!); };
    close(w.ops.dot(a!, b!), jsVectorOps.dot(A!, B!));
    close(w.ops.axpyDot(a!, 0.3, b!, 1.7, c!), jsVectorOps.axpyDot(A!, 0.3, B!, 1.7, C!));
    same(a!, A!);
    expect(w.ops.axpyDot(a!, -2, c!, 0.5, null)).toBe(0);
    jsVectorOps.axpyDot(A!, -2, C!, 0.5, null);
    same(a!, A!);
    w.ops.step(d!, a!, 0.25, b!);
    jsVectorOps.step(D!, A!, 0.25, B!);
    same(d!, D!);
    close(w.ops.negate(e!, d!, c!), jsVectorOps.negate(E!, D!, C!));
    same(e!, E!);
    const s1 = w.ops.advance(a!, b!, c!, d!, e!, f!);
    const s2 = jsVectorOps.advance(A!, B!, C!, D!, E!, F!);
    for (const k of ['sy', 'ss', 'yy', 'gInf'] as const) close(s1[k], s2[k]);
    for (const [x, y] of [[a, A], [b, B], [e, E], [f, F]] as const) same(x!, y!);
    close(w.ops.infNorm(f!), jsVectorOps.infNorm(F!));
  });

  it.skipIf(!wasm)('L-BFGS takes the same steps with either loops', () => {
    // f = Σ c_i (x_i − 1)² / 2 + 0.1 Σ cos x_i over 5000 variables.
    const n = 5000;
    const c = Float64Array.from({ length: n }, (_, i) => 1 + (i % 37));
    const f = (x: Float64Array, g: Float64Array): number => {
      let v = 0;
      for (let i = 0; i < n; i++) {
        v += 0.5 * c[i]! * (x[i]! - 1) ** 2 + 0.1 * Math.cos(x[i]!);
        g[i] = c[i]! * (x[i]! - 1) - 0.1 * Math.sin(x[i]!);
      }
      return v;
    };
    const a = lbfgs(f, new Float64Array(n), { maxIter: 30, gtol: 0, ftol: 0, backend: 'js' });
    const b = lbfgs(f, new Float64Array(n), { maxIter: 30, gtol: 0, ftol: 0, backend: 'wasm-simd' });
    expect(b.iterations).toBe(a.iterations);
    expect(b.f).toBeCloseTo(a.f, 9);
    for (let i = 0; i < n; i += 97) expect(b.x[i]).toBeCloseTo(a.x[i]!, 9);
  });
});
