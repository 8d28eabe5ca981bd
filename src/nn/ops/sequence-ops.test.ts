import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../core/rng.js';
import { gradCheck, randomProbe as probe } from '../grad-check.js';
import { Tensor, tensor, uniform } from '../tensor.js';
import { concat, gather, indexSelect, maskedFill, permute, reshape, selectSteps, slice, transpose } from './shape.js';
import { embedding } from './embedding.js';
import { layerNorm } from './layer-norm.js';
import { conv1d } from './conv1d.js';
import { maxPoolTime, meanPoolTime } from './pool.js';
import { gruSequence, lstmSequence } from './recurrent.js';
import { mergeHeads, splitHeads } from './heads.js';
import { attentionCore, selfAttention } from './attention-core.js';
import { softmax } from './softmax.js';
import { dropoutMultipliers } from '../../math/nn-kernels.js';
import { mul } from './arithmetic.js';
import { matmul } from './matmul.js';
import { sigmoidScalar } from './activation.js';

function param(shape: number[], rng: Rng, lo = -1, hi = 1): Tensor {
  return uniform(shape, rng, lo, hi, { requiresGrad: true });
}
function expectGrad(fn: () => Tensor, inputs: Tensor[]): void {
  const r = gradCheck(fn, inputs);
  expect(r.failures, r.failures.join('\n')).toEqual([]);
}

describe('shape ops: values', () => {
  it('transpose, permute, concat, slice, gather, maskedFill', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(transpose(x).data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(permute(tensor([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]), [2, 0, 1]).data)).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    expect(Array.from(concat([x, tensor([7, 8], [2, 1])], 1).data)).toEqual([1, 2, 3, 7, 4, 5, 6, 8]);
    expect(Array.from(slice(x, 1, 1, 3).data)).toEqual([2, 3, 5, 6]);
    expect(Array.from(gather(x, Int32Array.of(2, 0, 1, 1), 2).data)).toEqual([3, 1, 5, 5]);
    expect(Array.from(maskedFill(x, Uint8Array.of(1, 0, 0), [3], -9).data)).toEqual([-9, 2, 3, -9, 5, 6]);
    expect(Array.from(indexSelect(x, [1, 1]).data)).toEqual([4, 5, 6, 4, 5, 6]);
  });
  it('conv1d matches a hand-computed convolution (channels-last, padding 1)', () => {
    // x: B=1, T=3, Cin=1 = [1, 2, 3]; kernel K=3 weights [1, 10, 100]; padding 1 → outputs over [0,1,2,3,0].
    const y = conv1d(tensor([1, 2, 3], [1, 3, 1]), tensor([1, 10, 100], [1, 3, 1]), tensor([0.5]), 1);
    expect(Array.from(y.data)).toEqual([0 + 10 + 200 + 0.5, 1 + 20 + 300 + 0.5, 2 + 30 + 0 + 0.5]);
  });
  it('GRU step equals the PyTorch equations by hand (B=1, H=1)', () => {
    const xp = tensor([0.1, 0.2, 0.3], [1, 1, 3]);
    const w = tensor([0.5, -0.4, 0.3], [3, 1]), b = tensor([0.01, 0.02, 0.03]);
    const h0 = tensor([0.7], [1, 1]);
    const h = gruSequence(xp, w, b, { h0 }).data[0]!;
    const r = sigmoidScalar(0.1 + 0.5 * 0.7 + 0.01), z = sigmoidScalar(0.2 - 0.4 * 0.7 + 0.02);
    const n = Math.tanh(0.3 + r * (0.3 * 0.7 + 0.03));
    expect(h).toBeCloseTo((1 - z) * n + z * 0.7, 6);
  });
  it('padded steps give zero outputs and do not change the state', () => {
    const rng = createRng(2);
    const xp = uniform([2, 4, 6], rng, -1, 1), w = uniform([6, 2], rng, -1, 1), b = uniform([6], rng, -1, 1);
    const full = gruSequence(slice(xp, 0, 1, 2), w, b, {});
    const short = gruSequence(xp, w, b, { lengths: [4, 4] });
    expect(Array.from(short.data.subarray(8))).toEqual(Array.from(full.data));
    const padded = gruSequence(xp, w, b, { lengths: [2, 4] });
    expect(Array.from(padded.data.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    const rev = gruSequence(xp, w, b, { lengths: [2, 4], reverse: true });
    const revShort = gruSequence(slice(xp, 1, 0, 2), w, b, { reverse: true });
    expect(Array.from(rev.data.subarray(0, 4))).toEqual(Array.from(revShort.data.subarray(0, 4)));
  });
});

describe('gradient checks: shape, sequence and layer ops', () => {
  const rng = createRng(11);
  it('reshape, permute, transpose, concat, slice, gather, indexSelect, maskedFill, selectSteps', () => {
    const x = param([2, 3, 5], rng), y = param([2, 1, 5], rng);
    expectGrad(() => probe(reshape(x, [6, -1])), [x]);
    expectGrad(() => probe(permute(x, [1, 2, 0])), [x]);
    expectGrad(() => probe(transpose(x)), [x]);
    expectGrad(() => probe(transpose(slice(x, 0, 1, 2))), [x]);
    expectGrad(() => probe(concat([x, y], 1)), [x, y]);
    expectGrad(() => probe(slice(x, 2, 1, 4)), [x]);
    expectGrad(() => probe(gather(x, Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 5), 2)), [x]);
    expectGrad(() => probe(indexSelect(x, [1, 0, 1])), [x]);
    expectGrad(() => probe(maskedFill(x, Uint8Array.of(1, 0, 1, 0, 0), [1, 1, 5], -5)), [x]);
    expectGrad(() => probe(selectSteps(x, [2, 0])), [x]);
  });
  it('splitHeads / mergeHeads equal the permute they replace; scaled batched matmul', () => {
    const qkv = param([2, 3, 12], rng);
    const viaPermute = permute(reshape(qkv, [2, 3, 3, 2, 2]), [2, 0, 3, 1, 4]);
    expect(Array.from(splitHeads(qkv, 2, 3, 1).data)).toEqual(Array.from(viaPermute.data.subarray(24, 48)));
    const ctx = param([4, 3, 2], rng);
    expect(Array.from(mergeHeads(ctx, 2).data)).toEqual(Array.from(permute(reshape(ctx, [2, 2, 3, 2]), [0, 2, 1, 3]).data));
    expectGrad(() => probe(splitHeads(qkv, 2, 3, 2)), [qkv]);
    expectGrad(() => probe(mergeHeads(ctx, 2)), [ctx]);
    const a = param([4, 3, 2], rng), b = param([4, 5, 2], rng);
    expectGrad(() => probe(matmul(a, b, { transB: true, alpha: 0.7 })), [a, b]);
  });
  it('fused attention core equals matmul → mask → softmax → dropout mask → matmul, and its gradients check', () => {
    const q = param([4, 5, 3], rng), k = param([4, 5, 3], rng), v = param([4, 5, 3], rng);
    const mask = new Uint8Array(2 * 25);
    for (let i = 0; i < mask.length; i++) mask[i] = (i % 5) > Math.floor((i % 25) / 5) || i === 49 ? 1 : 0; // causal + one padded key
    const composed = (p: number): Tensor => {
      const s = reshape(maskedFill(reshape(matmul(q, k, { transB: true, alpha: 0.5 }), [2, 2, 5, 5]), mask, [2, 1, 5, 5], -1e9), [4, 5, 5]);
      if (p === 0) return matmul(softmax(s), v);
      // Tile i's multipliers come from sub-stream 4i of the seed the core draws from its rng.
      const keep = new Float32Array(100), seed = createRng(8).uint32() | 1;
      for (let i = 0; i < 4; i++) dropoutMultipliers(keep.subarray(25 * i, 25 * (i + 1)), seed, 4 * i, p);
      return matmul(mul(softmax(s), tensor(keep, [4, 5, 5])), v);
    };
    const fused = (p: number): Tensor => attentionCore(q, k, v, { scale: 0.5, heads: 2, mask, dropout: p, rng: createRng(8) });
    for (const p of [0, 0.3]) {
      const a = composed(p).data, b = fused(p).data;
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
      expectGrad(() => probe(fused(p)), [q, k, v]);
    }
    expectGrad(() => probe(attentionCore(q, k, v, { scale: 1, heads: 2 })), [q, k, v]);
  });
  it('selfAttention on the fused projection equals splitHeads → attentionCore → mergeHeads', () => {
    const qkv = param([2, 5, 12], rng); // B = 2, T = 5, D = 4, 2 heads of 2
    const mask = new Uint8Array(50);
    for (let i = 0; i < 50; i++) mask[i] = (i % 5) > Math.floor((i % 25) / 5) ? 1 : 0;
    for (const p of [0, 0.25]) {
      const opts = { scale: 0.7, heads: 2, mask, dropout: p };
      const ref = mergeHeads(attentionCore(splitHeads(qkv, 2, 3, 0), splitHeads(qkv, 2, 3, 1), splitHeads(qkv, 2, 3, 2), { ...opts, rng: createRng(3) }), 2);
      const got = selfAttention(qkv, { ...opts, rng: createRng(3) });
      for (let i = 0; i < ref.size; i++) expect(got.data[i]).toBeCloseTo(ref.data[i]!, 6);
      expectGrad(() => probe(selfAttention(qkv, { ...opts, rng: createRng(3) })), [qkv]);
    }
  });
  it('embedding, dense and sparse row gradients', () => {
    const w = param([6, 3], rng);
    const ids = [4, 1, 4, 0, 5];
    expectGrad(() => probe(embedding(w, ids, [5])), [w]);
    w.sparse = true;
    expectGrad(() => probe(embedding(w, ids, [5], { paddingIdx: 0 })), [w]);
    w.zeroGrad();
    probe(embedding(w, ids, [5])).backward();
    expect(w.grad === null || w.grad.every((v) => v === 0)).toBe(true);
    expect(Array.from(w.sparseGrad[0]!.ids)).toEqual(ids);
  });
  it('layer norm (x, γ, β)', () => {
    const x = param([4, 7], rng), g = param([7], rng), b = param([7], rng);
    expectGrad(() => probe(layerNorm(x, g, b)), [x, g, b]);
    expectGrad(() => probe(layerNorm(x, null, null)), [x]);
    const y = layerNorm(tensor([1, 2, 3, 4], [1, 4]), null, null, 0);
    const sd = Math.sqrt(1.25);
    [-1.5, -0.5, 0.5, 1.5].forEach((v, i) => expect(y.data[i]).toBeCloseTo(v / sd, 5));
  });
  it('conv1d (odd sizes, with and without padding)', () => {
    const x = param([2, 7, 3], rng), w = param([4, 3, 3], rng), b = param([4], rng);
    expectGrad(() => probe(conv1d(x, w, b)), [x, w, b]);
    expectGrad(() => probe(conv1d(x, w, b, 1)), [x, w, b]);
  });
  it('max and mean pooling over time, with lengths', () => {
    const x = param([2, 5, 3], rng);
    x.data.set(rng.shuffle(Array.from({ length: 30 }, (_, i) => (i - 15) * 0.05)));
    expectGrad(() => probe(maxPoolTime(x)), [x]);
    expectGrad(() => probe(maxPoolTime(x, [3, 5])), [x]);
    expectGrad(() => probe(meanPoolTime(x, [2, 5])), [x]);
  });
  it('GRU sequence (forward, reverse, lengths, h0)', () => {
    const xp = param([3, 4, 6], rng), w = param([6, 2], rng), b = param([6], rng), h0 = param([3, 2], rng);
    expectGrad(() => probe(gruSequence(xp, w, b, { h0 })), [xp, w, b, h0]);
    expectGrad(() => probe(gruSequence(xp, w, b, { lengths: [4, 1, 3], reverse: true })), [xp, w, b]);
    expectGrad(() => probe(gruSequence(xp, w, b, { lengths: [2, 4, 0], h0 })), [xp, w, b, h0]);
  });
  it('LSTM sequence (forward, reverse, lengths, h0)', () => {
    const xp = param([3, 4, 8], rng), w = param([8, 2], rng), b = param([8], rng), h0 = param([3, 2], rng);
    expectGrad(() => probe(lstmSequence(xp, w, b, { h0 })), [xp, w, b, h0]);
    expectGrad(() => probe(lstmSequence(xp, w, b, { lengths: [4, 1, 3], reverse: true })), [xp, w, b]);
    expectGrad(() => probe(lstmSequence(xp, w, b, { lengths: [2, 4, 3] })), [xp, w, b]);
  });
});
