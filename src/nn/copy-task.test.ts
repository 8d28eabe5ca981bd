import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../core/rng.js';
import { Embedding } from './layers/embedding.js';
import { Gru } from './layers/recurrent.js';
import { Linear } from './layers/linear.js';
import { TransformerBlock } from './layers/transformer-block.js';
import { Module } from './module.js';
import { add } from './ops/arithmetic.js';
import { crossEntropy } from './ops/loss.js';
import { Adam } from './optim/adam.js';
import { clipGradNorm } from './optim/clip-grad.js';
import { noGrad, type Tensor } from './tensor.js';

/**
 * Copy task: the input is `len` random symbols (1…symbols), a delimiter (0 reused as "blank" too), then `len`
 * blanks; the model must emit the symbols again after the delimiter. Positions before the delimiter are ignored
 * in the loss (label −100). Chance accuracy is 1/symbols.
 */
function copyBatch(rng: Rng, batch: number, len: number, symbols: number): { ids: number[]; labels: number[]; T: number } {
  const T = 2 * len + 1;
  const DELIM = symbols + 1;
  const ids: number[] = [], labels: number[] = [];
  for (let b = 0; b < batch; b++) {
    const seq = Array.from({ length: len }, () => 1 + rng.int(symbols));
    ids.push(...seq, DELIM, ...new Array<number>(len).fill(0));
    labels.push(...new Array<number>(len + 1).fill(-100), ...seq.map((s) => s - 1));
  }
  return { ids, labels, T };
}

function accuracy(logits: Tensor, labels: number[]): number {
  const C = logits.shape[logits.ndim - 1]!;
  let right = 0, n = 0;
  labels.forEach((y, r) => {
    if (y < 0) return;
    let best = 0;
    for (let c = 1; c < C; c++) if (logits.data[r * C + c]! > logits.data[r * C + best]!) best = c;
    if (best === y) right++;
    n++;
  });
  return right / n;
}

class GruCopier extends Module {
  readonly emb: Embedding;
  readonly gru: Gru;
  readonly head: Linear;
  constructor(rng: Rng, symbols: number, hidden: number) {
    super();
    this.emb = new Embedding({ numEmbeddings: symbols + 2, embeddingDim: 16, rng });
    this.gru = new Gru({ inputSize: 16, hiddenSize: hidden, rng });
    this.head = new Linear({ inFeatures: hidden, outFeatures: symbols, rng });
  }
  forward(ids: number[], B: number, T: number): Tensor {
    return this.head.forward(this.gru.forward(this.emb.forward(ids, [B, T])).output);
  }
}

class AttentionCopier extends Module {
  readonly emb: Embedding;
  readonly pos: Embedding;
  readonly blocks: TransformerBlock[];
  readonly head: Linear;
  constructor(rng: Rng, symbols: number, T: number, d: number) {
    super();
    this.emb = new Embedding({ numEmbeddings: symbols + 2, embeddingDim: d, rng });
    this.pos = new Embedding({ numEmbeddings: T, embeddingDim: d, rng });
    this.blocks = [new TransformerBlock({ dModel: d, numHeads: 2, dimFeedforward: 2 * d, dropout: 0, norm: 'pre', rng })];
    this.head = new Linear({ inFeatures: d, outFeatures: symbols, rng });
  }
  forward(ids: number[], B: number, T: number): Tensor {
    const positions = Array.from({ length: B * T }, (_, i) => i % T);
    let h = add(this.emb.forward(ids, [B, T]), this.pos.forward(positions, [B, T]));
    for (const b of this.blocks) h = b.forward(h, { causal: true });
    return this.head.forward(h);
  }
}

function train(model: GruCopier | AttentionCopier, rng: Rng, steps: number, lr: number, len: number, symbols: number): number {
  const opt = new Adam(model.parameters(), { lr });
  const B = 32;
  for (let s = 0; s < steps; s++) {
    const { ids, labels, T } = copyBatch(rng, B, len, symbols);
    opt.zeroGrad();
    crossEntropy(model.forward(ids, B, T), labels).backward();
    clipGradNorm(model.parameters(), 5);
    opt.step();
  }
  const test = copyBatch(createRng(12345), 256, len, symbols);
  return accuracy(noGrad(() => model.forward(test.ids, 256, test.T)), test.labels);
}

describe('sequence models learn to copy', () => {
  it('a GRU copies a short sequence (accuracy ≥ 95%)', () => {
    const rng = createRng(21);
    const acc = train(new GruCopier(rng, 4, 48), rng, 250, 0.01, 4, 4);
    expect(acc).toBeGreaterThanOrEqual(0.95);
  });
  it('causal self-attention copies a short sequence (accuracy ≥ 95%)', () => {
    const rng = createRng(22);
    const acc = train(new AttentionCopier(rng, 4, 9, 32), rng, 120, 0.01, 4, 4);
    expect(acc).toBeGreaterThanOrEqual(0.95);
  });
});
