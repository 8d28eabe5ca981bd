import { describe, expect, it } from 'vitest';
import { embedding } from '../ops/embedding.js';
import { sum } from '../ops/reduce.js';
import { tensor } from '../tensor.js';
import { Adam, AdamW, SparseAdam } from './adam.js';
import { clipGradNorm } from './clip-grad.js';
import { createLrSchedule } from './lr-schedule.js';
import { Sgd } from './sgd.js';

describe('optimizers against hand-computed updates', () => {
  it('SGD with momentum and Nesterov', () => {
    const w = tensor([1, 2], [2], { requiresGrad: true });
    const opt = new Sgd([w], { lr: 0.1, momentum: 0.9 });
    w.grad = Float32Array.of(1, -1);
    opt.step(); // b = g → w = [0.9, 2.1]
    opt.step(); // b = 0.9g + g = 1.9g → w = [0.71, 2.29]
    expect(w.data[0]).toBeCloseTo(0.71, 6);
    expect(w.data[1]).toBeCloseTo(2.29, 6);
    const v = tensor([0], [1], { requiresGrad: true });
    const nes = new Sgd([v], { lr: 0.1, momentum: 0.5, nesterov: true });
    v.grad = Float32Array.of(1);
    nes.step(); // b = 1, step = g + μb = 1.5
    expect(v.data[0]).toBeCloseTo(-0.15, 6);
  });
  it('Adam: the first step moves each weight by lr·sign(g); bias correction holds later steps', () => {
    const w = tensor([0, 0, 0], [3], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.01 });
    w.grad = Float32Array.of(3, -0.5, 0);
    opt.step();
    expect(w.data[0]).toBeCloseTo(-0.01, 6);
    expect(w.data[1]).toBeCloseTo(0.01, 6);
    expect(w.data[2]).toBe(0);
    opt.step(); // constant gradient: m̂ = g, v̂ = g² → another lr·sign(g)
    expect(w.data[0]).toBeCloseTo(-0.02, 5);
  });
  it('AdamW decays weights independently of the gradient; Adam’s L2 goes through the moments', () => {
    const w = tensor([2], [1], { requiresGrad: true });
    const opt = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
    w.grad = Float32Array.of(0);
    opt.step();
    expect(w.data[0]).toBeCloseTo(2 * (1 - 0.05), 6);
    const u = tensor([2], [1], { requiresGrad: true });
    const l2 = new Adam([u], { lr: 0.1, weightDecay: 0.5 });
    u.grad = Float32Array.of(0);
    l2.step(); // g = λθ = 1 > 0 → first step −lr
    expect(u.data[0]).toBeCloseTo(1.9, 6);
  });
  it('SparseAdam updates only looked-up rows, summing repeated ids, and matches dense Adam on them', () => {
    const table = tensor([1, 1, 2, 2, 3, 3, 4, 4], [4, 2], { requiresGrad: true });
    const dense = tensor([1, 1, 2, 2, 3, 3, 4, 4], [4, 2], { requiresGrad: true });
    const sparse = new SparseAdam([table], { lr: 0.1 });
    const full = new Adam([dense], { lr: 0.1 });
    for (let step = 0; step < 3; step++) {
      sparse.zeroGrad();
      full.zeroGrad();
      sum(embedding(table, [1, 3, 1])).backward();
      sum(embedding(dense, [1, 3, 1])).backward();
      sparse.step();
      full.step();
    }
    expect(Array.from(table.data.subarray(0, 2))).toEqual([1, 1]);
    expect(Array.from(table.data.subarray(4, 6))).toEqual([3, 3]);
    for (let i = 0; i < 8; i++) expect(table.data[i]).toBeCloseTo(dense.data[i]!, 6);
  });
});

describe('mixed gradients', () => {
  it('a sparse table that also received a dense gradient is updated with their sum', () => {
    const t = tensor([1, 1, 2, 2], [2, 2], { requiresGrad: true });
    t.sparse = true;
    const opt = new Sgd([t], { lr: 1 });
    t.ensureGrad().set([0.5, 0, 0, 0]);
    t.sparseGrad.push({ ids: Int32Array.of(0, 1), rows: Float32Array.of(0.5, 1, 0, 1) });
    opt.step();
    expect(Array.from(t.data)).toEqual([0, 0, 2, 1]);
  });
});

describe('clipping and schedules', () => {
  it('clips by the global norm over dense and sparse gradients', () => {
    const a = tensor([0, 0], [2], { requiresGrad: true });
    const b = tensor([0, 0, 0, 0], [2, 2], { requiresGrad: true });
    a.grad = Float32Array.of(3, 0);
    b.sparse = true;
    b.sparseGrad.push({ ids: Int32Array.of(1), rows: Float32Array.of(0, 4) });
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(a.grad[0]).toBeCloseTo(0.6, 5);
    expect(b.sparseGrad[0]!.rows[1]).toBeCloseTo(0.8, 5);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 4);
    // A row looked up twice counts once, with its summed gradient: ‖(0, 2) + (0, 2)‖ = 4.
    const c = tensor([0, 0, 0, 0], [2, 2], { requiresGrad: true });
    c.sparse = true;
    c.sparseGrad.push({ ids: Int32Array.of(1, 1), rows: Float32Array.of(0, 2, 0, 2) });
    expect(clipGradNorm([c], 100)).toBeCloseTo(4, 6);
  });
  it('warm-up then linear or cosine decay', () => {
    const lin = createLrSchedule({ warmupSteps: 4, totalSteps: 14, decay: 'linear' });
    expect([0, 1, 2, 3].map(lin)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(lin(9)).toBeCloseTo(0.5, 9);
    expect(lin(14)).toBe(0);
    const cos = createLrSchedule({ warmupSteps: 0, totalSteps: 10, decay: 'cosine', minFactor: 0.1 });
    expect(cos(0)).toBeCloseTo(1, 9);
    expect(cos(5)).toBeCloseTo(0.55, 9);
    expect(cos(10)).toBeCloseTo(0.1, 9);
  });
});
