/**
 * @module The two neural sentiment networks on src/nn: TextCNN (Kim 2014) and a bi-directional LSTM with additive
 * word attention (Yang et al. 2016). Both map a padded id batch to class logits [B, K] and ignore padded steps,
 * so a text's logits do not depend on the batch it is in.
 */
import { createError } from '../../../core/errors.js';
import { createRng, type Rng } from '../../../core/rng.js';
import { Module } from '../../../nn/module.js';
import { Conv1d } from '../../../nn/layers/conv1d.js';
import { Dropout } from '../../../nn/layers/dropout.js';
import { Embedding } from '../../../nn/layers/embedding.js';
import { Linear } from '../../../nn/layers/linear.js';
import { Lstm } from '../../../nn/layers/recurrent.js';
import { relu, tanh } from '../../../nn/ops/activation.js';
import { matmul } from '../../../nn/ops/matmul.js';
import { maxPoolTime } from '../../../nn/ops/pool.js';
import { concat, maskedFill, reshape } from '../../../nn/ops/shape.js';
import { softmax } from '../../../nn/ops/softmax.js';
import { noGrad, type Tensor } from '../../../nn/tensor.js';
import { PAD_ID, type EncodedBatch } from './vocabulary.js';

export interface TextCnnSpec {
  arch: 'textcnn';
  vocabSize: number;
  embeddingDim: number;
  numClasses: number;
  /** Filter windows, Kim: 3, 4, 5. */
  windows: number[];
  /** Feature maps per window, Kim: 100. */
  featureMaps: number;
  /** Dropout on the penultimate layer, Kim: 0.5. */
  dropout: number;
}

export interface BiLstmSpec {
  arch: 'bilstm-attention';
  vocabSize: number;
  embeddingDim: number;
  numClasses: number;
  /** Hidden units per direction (128). */
  hidden: number;
  /** Size of the attention space u (Yang et al. use 100). */
  attentionDim: number;
  /** Dropout on the embeddings. */
  embeddingDropout: number;
  /** Dropout on the attention-pooled vector. */
  dropout: number;
}

export type NetSpec = TextCnnSpec | BiLstmSpec;

/** A sentiment network: logits [B, K] of a padded batch. */
export abstract class SentimentNet extends Module {
  abstract readonly embedding: Embedding;
  abstract forward(batch: EncodedBatch): Tensor;
  /** Called after each optimizer step (constraints such as max-norm). */
  afterStep(): void {}
}

/** Kim's embedding init for words without a pretrained vector: U(−a, a), a = 0.25; the pad row is zero. */
function initEmbedding(e: Embedding, rng: Rng, a = 0.25): void {
  const w = e.weight.data, D = e.weight.shape[1]!;
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * a;
  w.fill(0, PAD_ID * D, (PAD_ID + 1) * D);
}

/**
 * TextCNN (Kim 2014): embeddings → for each window h, conv (feature maps) + ReLU → max over time → concatenation
 * → dropout → linear → logits. The convolution is "wide" (h − 1 zero steps on each side, as Kim's code pads each
 * sentence) and the max runs over the L + h − 1 positions that touch a real token.
 */
export class TextCnn extends SentimentNet {
  readonly embedding: Embedding;
  readonly convs: Conv1d[];
  readonly drop: Dropout;
  readonly out: Linear;
  private readonly windows: number[];

  constructor(readonly spec: TextCnnSpec, rng: Rng) {
    super();
    this.embedding = new Embedding({ numEmbeddings: spec.vocabSize, embeddingDim: spec.embeddingDim, paddingIdx: PAD_ID, sparse: true, rng });
    initEmbedding(this.embedding, rng);
    this.windows = spec.windows.slice();
    this.convs = spec.windows.map((k) => new Conv1d({ inChannels: spec.embeddingDim, outChannels: spec.featureMaps, kernelSize: k, padding: k - 1, rng }));
    this.drop = new Dropout({ p: spec.dropout, rng });
    this.out = new Linear({ inFeatures: spec.featureMaps * spec.windows.length, outFeatures: spec.numClasses, rng });
  }

  forward(batch: EncodedBatch): Tensor {
    const x = this.embedding.forward(batch.ids, [batch.B, batch.T]);
    const pooled = this.convs.map((conv, i) => {
      const h = this.windows[i]!;
      const valid = batch.lengths.map((L) => L + h - 1);
      return maxPoolTime(relu(conv.forward(x)), valid);
    });
    return this.out.forward(this.drop.forward(pooled.length === 1 ? pooled[0]! : concat(pooled, 1)));
  }

  /** Kim's max-norm constraint: each class's output weight vector is rescaled to ‖w‖₂ = 3 when it exceeds 3. */
  maxNorm = 3;
  override afterStep(): void {
    if (!(this.maxNorm > 0)) return;
    const W = this.out.weight.data, F = this.out.weight.shape[1]!;
    for (let k = 0; k < this.spec.numClasses; k++) {
      let s = 0;
      for (let j = 0; j < F; j++) s += W[k * F + j]! ** 2;
      const n = Math.sqrt(s);
      if (n > this.maxNorm) for (let j = 0; j < F; j++) W[k * F + j] = (W[k * F + j]! * this.maxNorm) / n;
    }
  }
}

/**
 * BiLSTM with word attention (Yang et al. 2016): h_t = [→h_t; ←h_t]; u_t = tanh(W h_t + b); α = softmax_t(u_tᵀ c)
 * over valid steps; s = Σ_t α_t h_t → dropout → linear → logits.
 */
export class BiLstmAttention extends SentimentNet {
  readonly embedding: Embedding;
  readonly embDrop: Dropout;
  readonly lstm: Lstm;
  readonly attn: Linear;
  /** The context vector c, stored as a bias-free Linear [1, A]. */
  readonly context: Linear;
  readonly drop: Dropout;
  readonly out: Linear;

  constructor(readonly spec: BiLstmSpec, rng: Rng) {
    super();
    this.embedding = new Embedding({ numEmbeddings: spec.vocabSize, embeddingDim: spec.embeddingDim, paddingIdx: PAD_ID, sparse: true, rng });
    initEmbedding(this.embedding, rng);
    this.embDrop = new Dropout({ p: spec.embeddingDropout, rng });
    this.lstm = new Lstm({ inputSize: spec.embeddingDim, hiddenSize: spec.hidden, bidirectional: true, rng });
    this.attn = new Linear({ inFeatures: 2 * spec.hidden, outFeatures: spec.attentionDim, rng });
    this.context = new Linear({ inFeatures: spec.attentionDim, outFeatures: 1, bias: false, rng });
    this.drop = new Dropout({ p: spec.dropout, rng });
    this.out = new Linear({ inFeatures: 2 * spec.hidden, outFeatures: spec.numClasses, rng });
  }

  /** Attention weights α [B, T] (zero at padded steps) and the pooled vectors [B, 2H]. */
  attend(batch: EncodedBatch): { alpha: Tensor; pooled: Tensor } {
    const { B, T } = batch;
    const x = this.embDrop.forward(this.embedding.forward(batch.ids, [B, T]));
    const h = this.lstm.forward(x, { lengths: batch.lengths }).output; // [B, T, 2H]
    const scores = reshape(this.context.forward(tanh(this.attn.forward(h))), [B, T]);
    const mask = new Uint8Array(B * T);
    for (let b = 0; b < B; b++) for (let t = batch.lengths[b]!; t < T; t++) mask[b * T + t] = 1;
    // −1e9 rather than −∞ keeps the softmax finite; e^(−1e9) is exactly 0 in float32.
    const alpha = softmax(maskedFill(scores, mask, [B, T], -1e9));
    const pooled = reshape(matmul(reshape(alpha, [B, 1, T]), h), [B, 2 * this.spec.hidden]);
    return { alpha, pooled };
  }

  forward(batch: EncodedBatch): Tensor {
    return this.out.forward(this.drop.forward(this.attend(batch).pooled));
  }

  /** Attention weights of a batch in eval mode (for inspection). */
  attentionWeights(batch: EncodedBatch): Float32Array {
    const was = this.training;
    this.eval();
    try {
      return noGrad(() => this.attend(batch).alpha.data.slice());
    } finally {
      this.train(was);
    }
  }
}

/** A network from its spec (the weights are then loaded or trained). */
export function buildNet(spec: NetSpec, rng: Rng = createRng(0)): SentimentNet {
  if (spec.arch === 'textcnn') return new TextCnn(spec, rng);
  if (spec.arch === 'bilstm-attention') return new BiLstmAttention(spec, rng);
  throw createError('UNKNOWN_OPTION', { kind: 'neural sentiment architecture', name: String((spec as { arch: unknown }).arch), expected: 'textcnn, bilstm-attention' });
}
