import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { bprLoss, bprStep } from './bpr.js';
import { bprBackend, bprWasmState } from './bpr-wasm.js';
import { blockScores, plantedBlocks, tinyDataset } from './test-fixtures.js';
import { bprFactory } from './bpr.js';
registerModel(bprFactory);

describe('BPR gradient', () => {
  it('each SGD step equals −lr × the finite-difference gradient of the per-triple loss', () => {
    const rng = createRng(4);
    const f = 5, lr = 1e-3, reg = 0.1;
    const p = Float32Array.from({ length: 2 * f }, () => rng.normal() * 0.5);
    const q = Float32Array.from({ length: 3 * f }, () => rng.normal() * 0.5);
    const b = Float32Array.from({ length: 3 }, () => rng.normal() * 0.5);
    const u = 1, i = 0, j = 2;
    // Central differences in float64 copies of every parameter the triple touches.
    const P = Float64Array.from(p), Q = Float64Array.from(q), B = Float64Array.from(b);
    const h = 1e-5;
    const grad = (arr: Float64Array, k: number): number => {
      const v = arr[k]!;
      arr[k] = v + h; const up = bprLoss(P, Q, B, f, u, i, j, reg);
      arr[k] = v - h; const down = bprLoss(P, Q, B, f, u, i, j, reg);
      arr[k] = v;
      return (up - down) / (2 * h);
    };
    const expected = {
      p: Array.from({ length: f }, (_, a) => p[u * f + a]! - lr * grad(P, u * f + a)),
      qi: Array.from({ length: f }, (_, a) => q[i * f + a]! - lr * grad(Q, i * f + a)),
      qj: Array.from({ length: f }, (_, a) => q[j * f + a]! - lr * grad(Q, j * f + a)),
      bi: b[i]! - lr * grad(B, i),
      bj: b[j]! - lr * grad(B, j),
    };
    bprStep(p, q, b, f, u, i, j, lr, reg);
    for (let a = 0; a < f; a++) {
      expect(p[u * f + a]).toBeCloseTo(expected.p[a]!, 6);
      expect(q[i * f + a]).toBeCloseTo(expected.qi[a]!, 6);
      expect(q[j * f + a]).toBeCloseTo(expected.qj[a]!, 6);
    }
    expect(b[i]).toBeCloseTo(expected.bi, 6);
    expect(b[j]).toBeCloseTo(expected.bj, 6);
    // The untouched user row stays as it was.
    expect(p[0]).toBe(Float32Array.from(P)[0]);
  });
});

describe('BPR SIMD kernel', () => {
  it('runs the same steps as bprStep on random factors and triples (f = 4k and f = 4k + 3, with and without bias)', () => {
    expect(bprBackend()).toBe(process.env.RESONATE_NO_WASM === '1' ? 'js' : 'wasm-simd');
    for (const [f, bias] of [[12, true], [7, false], [1, true]] as const) {
      const rng = createRng(f);
      const nUsers = 5, nItems = 9, n = 300;
      const p = Float32Array.from({ length: nUsers * f }, () => rng.normal() * 0.3);
      const q = Float32Array.from({ length: nItems * f }, () => rng.normal() * 0.3);
      const b = Float32Array.from({ length: nItems }, () => rng.normal() * 0.3);
      const wasm = bprWasmState(p, q, b, f, n);
      if (!wasm) return; // no WebAssembly SIMD here: the TypeScript loop is the only path
      for (let s = 0; s < n; s++) {
        wasm.users[s] = rng.int(nUsers);
        wasm.pos[s] = rng.int(nItems);
        do wasm.neg[s] = rng.int(nItems); while (wasm.neg[s] === wasm.pos[s]);
      }
      for (let s = 0; s < n; s++) bprStep(p, q, bias ? b : undefined, f, wasm.users[s]!, wasm.pos[s]!, wasm.neg[s]!, 0.05, 0.01);
      wasm.run(n, 0.05, 0.01, bias);
      for (let k = 0; k < p.length; k++) expect(wasm.p[k]).toBeCloseTo(p[k]!, 4);
      for (let k = 0; k < q.length; k++) expect(wasm.q[k]).toBeCloseTo(q[k]!, 4);
      for (let k = 0; k < b.length; k++) expect(wasm.b[k]).toBeCloseTo(b[k]!, 4);
    }
  });
});

describe('mf/bpr', () => {
  it('defaults to Cornac\'s BPR as run by the Microsoft Recommenders MovieLens benchmark', () => {
    const m = createModel('mf/bpr');
    expect(m.params).toMatchObject({ factors: 200, epochs: 200, learningRate: 0.01, regularization: 0.001, bias: true, negativeSampler: 'uniform', sampledPositive: 'skip' });
  });

  it('never draws an item without training interactions as a negative', async () => {
    // Items 0–3 carry the data; items 4 and 5 have no training pair. Were they drawn as negatives, their factors
    // would move away from the users' (q_j −= lr·z·p_u) and their biases would fall below zero.
    const rng = createRng(3);
    const pairs: [number, number][] = [];
    for (let u = 0; u < 30; u++) for (let i = 0; i < 4; i++) if (rng.next() < 0.5) pairs.push([u, i]);
    const m = createModel('mf/bpr', { factors: 4, epochs: 20, learningRate: 0.05 });
    await m.fit(tinyDataset(30, 6, pairs), { seed: 1 });
    const a = m.save();
    const q = a.tensors.item_factors!.data as Float32Array, init = 0.5 / 4;
    for (const i of [4, 5]) {
      expect(a.tensors.item_bias!.data[i]).toBe(0);
      for (let k = 0; k < 4; k++) expect(Math.abs(q[i * 4 + k]!)).toBeLessThan(init);
    }
    expect(Math.abs(a.tensors.item_bias!.data[0]!)).toBeGreaterThan(0);
  });

  it('learns planted blocks with uniform and popularity negatives', async () => {
    const fx = plantedBlocks(createRng(5), { users: 200, items: 48, groups: 4, pIn: 0.4, pOut: 0.02 });
    for (const negativeSampler of ['uniform', 'popularity']) {
      const m = createModel('mf/bpr', { factors: 8, epochs: 40, learningRate: 0.05, regularization: 0.01, negativeSampler });
      await m.fit(fx.train, { seed: 2 });
      const s = blockScores(m, fx);
      expect(s.precision, negativeSampler).toBeGreaterThan(0.9); // chance 0.25
      expect(s.heldOutHit, negativeSampler).toBeGreaterThan(0.8); // chance ≈ 10/40
    }
  });
});

runRecommenderContract('mf/bpr', { factors: 4, epochs: 200, learningRate: 0.05, regularization: 0.001 });
