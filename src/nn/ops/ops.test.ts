import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../core/rng.js';
import { gradCheck, randomProbe as probe } from '../grad-check.js';
import { Tensor, tensor, uniform } from '../tensor.js';
import { add, div, mul, sub, affine, square } from './arithmetic.js';
import { exp, gelu, log, relu, sigmoid, softplus, tanh } from './activation.js';
import { max, mean, sum } from './reduce.js';
import { linear, matmul } from './matmul.js';
import { logSoftmax, softmax } from './softmax.js';
import { bceWithLogits, crossEntropy, mseLoss } from './loss.js';
import { dropout } from './dropout.js';


function param(shape: number[], rng: Rng, lo = -1, hi = 1): Tensor {
  return uniform(shape, rng, lo, hi, { requiresGrad: true });
}

function expectGrad(fn: () => Tensor, inputs: Tensor[]): void {
  const r = gradCheck(fn, inputs);
  expect(r.failures, r.failures.join('\n')).toEqual([]);
  expect(r.ok).toBe(true);
}

describe('forward values', () => {
  it('broadcasts add over rows and columns', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(add(a, tensor([10, 20, 30], [3])).data)).toEqual([11, 22, 33, 14, 25, 36]);
    expect(Array.from(add(a, tensor([100, 200], [2, 1])).data)).toEqual([101, 102, 103, 204, 205, 206]);
    expect(add(tensor([1, 2], [2, 1]), tensor([1, 2, 3], [1, 3])).shape).toEqual([2, 3]);
  });
  it('matmul matches a hand-computed product, with transposes', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor([7, 8, 9, 10, 11, 12], [3, 2]);
    expect(Array.from(matmul(a, b).data)).toEqual([58, 64, 139, 154]);
    expect(Array.from(matmul(a, tensor([7, 9, 11, 8, 10, 12], [2, 3]), { transB: true }).data)).toEqual([58, 64, 139, 154]);
    expect(Array.from(matmul(tensor([1, 4, 2, 5, 3, 6], [3, 2]), b, { transA: true }).data)).toEqual([58, 64, 139, 154]);
  });
  it('reduces over axes with keepdim', () => {
    const x = tensor([1, 5, 3, 4, 2, 6], [2, 3]);
    expect(Array.from(sum(x, { axis: 0 }).data)).toEqual([5, 7, 9]);
    expect(sum(x, { axis: 1, keepdim: true }).shape).toEqual([2, 1]);
    expect(Array.from(max(x, { axis: 1 }).data)).toEqual([5, 6]);
    expect(mean(x).item()).toBeCloseTo(3.5);
  });
  it('softmax is stable for large logits and rows sum to 1', () => {
    const s = softmax(tensor([1000, 1001, 1002, -5, 0, 5], [2, 3]));
    expect(s.data[2]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(1) + Math.exp(2)), 5);
    expect(s.data[3]! + s.data[4]! + s.data[5]!).toBeCloseTo(1, 6);
    const ls = logSoftmax(tensor([1000, 0], [1, 2]));
    expect(ls.data[1]).toBeCloseTo(-1000, 3);
  });
  it('cross-entropy equals −log p of the label, ignores the ignore index, smooths labels', () => {
    const logits = tensor([2, 1, 0, 0, 0, 0], [2, 3]);
    const p0 = Math.exp(2) / (Math.exp(2) + Math.exp(1) + 1);
    expect(crossEntropy(logits, [0, -100]).item()).toBeCloseTo(-Math.log(p0), 5);
    expect(crossEntropy(logits, [0, 1]).item()).toBeCloseTo((-Math.log(p0) + Math.log(3)) / 2, 5);
    const e = 0.1, lp = [2, 1, 0].map((v) => v - Math.log(Math.exp(2) + Math.exp(1) + 1));
    const smooth = -(1 - e) * lp[0]! - (e / 3) * (lp[0]! + lp[1]! + lp[2]!);
    expect(crossEntropy(logits, [0, -100], { labelSmoothing: e }).item()).toBeCloseTo(smooth, 5);
  });
  it('BCE with logits is finite at extreme logits', () => {
    expect(bceWithLogits(tensor([100, -100]), [1, 0]).item()).toBeCloseTo(0, 6);
    expect(bceWithLogits(tensor([-100]), [1]).item()).toBeCloseTo(100, 3);
  });
  it('gelu uses the tanh approximation', () => {
    const v = 1.3, want = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    expect(gelu(tensor([v])).data[0]).toBeCloseTo(want, 6);
  });
  it('dropout zeroes about p of the values and scales the rest by 1/(1−p), and is seeded', () => {
    const x = tensor(new Array(10000).fill(1));
    const y = dropout(x, 0.3, createRng(1));
    let zerosN = 0, wrong = 0;
    for (const v of y.data) if (v === 0) zerosN++; else if (Math.abs(v - 1 / 0.7) > 1e-6) wrong++;
    expect(wrong).toBe(0);
    expect(Math.abs(zerosN / 10000 - 0.3)).toBeLessThan(0.02);
    expect(Array.from(dropout(x, 0.3, createRng(1)).data)).toEqual(Array.from(y.data));
    expect(dropout(x, 0.3, createRng(1), false)).toBe(x);
  });
});

describe('gradient checks (finite differences)', () => {
  const rng = createRng(3);
  it('add, sub, mul, div with broadcasting (odd sizes)', () => {
    const a = param([3, 5], rng), b = param([5], rng), c = param([3, 1], rng), d = param([3, 5], rng, 0.5, 2);
    expectGrad(() => probe(add(a, b)), [a, b]);
    expectGrad(() => probe(sub(c, a)), [a, c]);
    expectGrad(() => probe(mul(a, c)), [a, c]);
    expectGrad(() => probe(div(b, d)), [b, d]);
    expectGrad(() => probe(div(a, d)), [a, d]);
    expectGrad(() => probe(square(affine(a, 2, 1))), [a]);
    const e = param([2, 1, 3], rng), f = param([4, 1], rng);
    expectGrad(() => probe(mul(e, f)), [e, f]);
  });
  it('exp, log, tanh, sigmoid, relu, gelu, softplus', () => {
    const x = param([7], rng), pos = param([7], rng, 0.2, 2);
    for (let i = 0; i < x.size; i++) if (Math.abs(x.data[i]!) < 0.05) x.data[i] = 0.3;
    for (const f of [exp, tanh, sigmoid, relu, gelu, softplus]) expectGrad(() => probe(f(x)), [x]);
    expectGrad(() => probe(log(pos)), [pos]);
  });
  it('sum, mean, max over axes', () => {
    const x = param([3, 4, 5], rng);
    // Distinct values 0.05 apart (> 2ε) so no max is within ε of a tie.
    const vals = rng.shuffle(Array.from({ length: x.size }, (_, i) => (i - 30) * 0.05));
    x.data.set(vals);
    expectGrad(() => probe(sum(x, { axis: 1 })), [x]);
    expectGrad(() => probe(mean(x, { axis: [0, 2], keepdim: true })), [x]);
    expectGrad(() => probe(max(x, { axis: 2 })), [x]);
    expectGrad(() => probe(max(x, { axis: 0 })), [x]);
    expectGrad(() => mean(x), [x]);
  });
  it('matmul, batched matmul and linear, with transposes', () => {
    const a = param([3, 5], rng), b = param([5, 2], rng), bt = param([2, 5], rng), at = param([5, 3], rng);
    expectGrad(() => probe(matmul(a, b)), [a, b]);
    expectGrad(() => probe(matmul(a, bt, { transB: true })), [a, bt]);
    expectGrad(() => probe(matmul(at, b, { transA: true })), [at, b]);
    expectGrad(() => probe(matmul(at, bt, { transA: true, transB: true })), [at, bt]);
    const x = param([2, 3, 5], rng), y = param([2, 5, 4], rng), yt = param([2, 4, 5], rng);
    expectGrad(() => probe(matmul(x, y)), [x, y]);
    expectGrad(() => probe(matmul(x, yt, { transB: true })), [x, yt]);
    expectGrad(() => probe(matmul(x, b)), [x, b]);
    const w = param([4, 5], rng), bias = param([4], rng);
    expectGrad(() => probe(linear(x, w, bias)), [x, w, bias]);
  });
  it('softmax, log-softmax and the losses', () => {
    const x = param([3, 5], rng);
    expectGrad(() => probe(softmax(x)), [x]);
    expectGrad(() => probe(logSoftmax(x)), [x]);
    expectGrad(() => crossEntropy(x, [1, -100, 4], { labelSmoothing: 0.1 }), [x]);
    expectGrad(() => crossEntropy(x, [0, 2, 3]), [x]);
    expectGrad(() => bceWithLogits(x, Array.from({ length: 15 }, (_, i) => (i % 3 === 0 ? 1 : 0))), [x]);
    expectGrad(() => mseLoss(x, new Array(15).fill(0.5)), [x]);
  });
  it('dropout (same seed on every evaluation)', () => {
    const x = param([4, 3], rng);
    expectGrad(() => probe(dropout(x, 0.4, createRng(5))), [x]);
  });
});
