/**
 * @module A small word-level language model of the app's own posts, for completing drafts: embeddings → one GRU
 * layer → a softmax over the vocabulary (the `src/nn` layers the sequence models use). Each post is one sequence
 * `<bos> w₁ … w_L <eos>`, trained with teacher forcing (cross-entropy of each next word, Adam, gradient clipping).
 * The vocabulary is the `vocabSize` most frequent words seen at least `minCount` times; other words read as
 * `<unk>`, which is never generated. Saved as safetensors with the vocabulary and sizes in its metadata.
 */
import { createError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { Gru } from '../nn/layers/recurrent.js';
import { Module } from '../nn/module.js';
import { crossEntropy } from '../nn/ops/loss.js';
import { Adam } from '../nn/optim/adam.js';
import { clipGradNorm } from '../nn/optim/clip-grad.js';
import { decodeSafetensors, encodeSafetensors } from '../nn/safetensors.js';
import { noGrad, tensor, type Tensor } from '../nn/tensor.js';
import { tokenizeToStrings } from '../text/tokenize.js';

export const PAD = 0, BOS = 1, EOS = 2, UNK = 3;
const SPECIALS = ['<pad>', '<bos>', '<eos>', '<unk>'];

export interface LanguageModelOptions {
  /** Most words kept (default 2000, besides the 4 special tokens). */
  vocabSize?: number;
  /** A word seen fewer times reads as `<unk>` (default 2). */
  minCount?: number;
  embeddingDim?: number;
  hidden?: number;
  /** Passes over the posts (default 3). */
  epochs?: number;
  /** Words per post read (default 24); longer posts are cut. */
  maxLen?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
}

type Sizes = Required<Pick<LanguageModelOptions, 'embeddingDim' | 'hidden'>> & { vocab: number };

const TOKENS = { urls: 'placeholder', mentions: 'placeholder', hashtags: 'keep', punctuation: true, negation: false } as const;

/** The words of a text as the model reads them (lower-cased; URLs and mentions as placeholders). */
export function lmWords(text: string): string[] {
  return tokenizeToStrings(text, TOKENS);
}

/** Words joined back into text: a space between words, none before closing punctuation. */
export function detokenize(words: readonly string[]): string {
  let out = '';
  for (const w of words) out += out === '' || /^[.,!?;:%)\]}…'’]+$/u.test(w) ? w : ` ${w}`;
  return out;
}

class LmNet extends Module {
  readonly emb: Embedding;
  readonly gru: Gru;
  readonly head: Linear;
  constructor(s: Sizes, rng: Rng) {
    super();
    this.emb = new Embedding({ numEmbeddings: s.vocab, embeddingDim: s.embeddingDim, rng });
    this.gru = new Gru({ inputSize: s.embeddingDim, hiddenSize: s.hidden, rng });
    this.head = new Linear({ inFeatures: s.hidden, outFeatures: s.vocab, rng });
  }
  /** ids [B, T] → logits [B, T, V] and the final hidden state [B, H]. */
  forward(ids: readonly number[], B: number, T: number, o: { lengths?: number[]; h0?: Tensor } = {}): { logits: Tensor; hidden: Tensor } {
    const out = this.gru.forward(this.emb.forward(ids, [B, T]), { ...(o.lengths ? { lengths: o.lengths } : {}), ...(o.h0 ? { h0: [o.h0] } : {}) });
    return { logits: this.head.forward(out.output), hidden: out.hidden[0]! };
  }
}

/** The state after reading a prefix: the next word's logits and the hidden state, for B parallel continuations. */
export interface LmState {
  logits: Float32Array;
  hidden: Tensor;
  batch: number;
}

export class ComposeLanguageModel {
  private readonly index = new Map<string, number>();

  private constructor(readonly vocab: readonly string[], private readonly net: LmNet, readonly sizes: Sizes, readonly maxLen: number) {
    vocab.forEach((w, i) => this.index.set(w, i));
    net.eval();
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Ids of a text's words (unknown words → `<unk>`), at most `maxLen`. */
  encode(text: string): number[] {
    return lmWords(text).slice(0, this.maxLen).map((w) => this.index.get(w) ?? UNK);
  }

  id(word: string): number | undefined {
    return this.index.get(word);
  }

  /** Fits on posts' texts; yields to the event loop between batches and stops (ABORTED) when `signal` aborts. */
  static async fit(texts: Iterable<string>, options: LanguageModelOptions = {}, signal?: AbortSignal): Promise<ComposeLanguageModel> {
    const o = { vocabSize: 2000, minCount: 2, embeddingDim: 32, hidden: 64, epochs: 3, maxLen: 24, batchSize: 32, lr: 0.01, seed: 42, ...options };
    const words = [...texts].map((t) => lmWords(t).slice(0, o.maxLen)).filter((w) => w.length > 0);
    const vocab = buildVocabulary(words, o.vocabSize, o.minCount);
    const rng = createRng(o.seed);
    const sizes: Sizes = { vocab: vocab.length, embeddingDim: o.embeddingDim, hidden: o.hidden };
    const model = new ComposeLanguageModel(vocab, new LmNet(sizes, rng), sizes, o.maxLen);
    const seqs = words.map((ws) => ws.map((w) => model.index.get(w) ?? UNK));
    if (seqs.length === 0) throw createError('INVALID_INPUT', { field: 'posts', problem: 'no post has text to learn completions from' });
    await model.train(seqs, o, rng, signal);
    return model;
  }

  private async train(seqs: number[][], o: Required<LanguageModelOptions>, rng: Rng, signal: AbortSignal | undefined): Promise<void> {
    const opt = new Adam(this.net.parameters(), { lr: o.lr });
    this.net.train();
    const order = seqs.map((_, i) => i);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      shuffle(order, rng);
      for (let start = 0; start < order.length; start += o.batchSize) {
        if (signal?.aborted) throw createError('TRAINING_CANCELLED', { model: 'compose language model' });
        const batch = order.slice(start, start + o.batchSize).map((i) => seqs[i]!);
        const { ids, labels, lengths, T } = teacherForcing(batch);
        opt.zeroGrad();
        crossEntropy(this.net.forward(ids, batch.length, T, { lengths }).logits, labels).backward();
        clipGradNorm(this.net.parameters(), 5);
        opt.step();
        if ((start / o.batchSize) % 8 === 7) await new Promise((r) => setImmediate(r));
      }
    }
    this.net.eval();
  }

  /** Reads `<bos>` + the prefix ids, repeated for `batch` parallel continuations. */
  start(prefix: readonly number[], batch: number): LmState {
    return noGrad(() => {
      const ids = [BOS, ...prefix];
      const { logits, hidden } = this.net.forward(ids, 1, ids.length);
      const V = this.vocab.length, H = this.sizes.hidden;
      const last = logits.data.subarray((ids.length - 1) * V, ids.length * V);
      const l = new Float32Array(batch * V), h = new Float32Array(batch * H);
      for (let b = 0; b < batch; b++) {
        l.set(last, b * V);
        h.set(hidden.data, b * H);
      }
      return { logits: l, hidden: tensor(h, [batch, H]), batch };
    });
  }

  /** Feeds one word per continuation. */
  step(state: LmState, tokens: readonly number[]): LmState {
    return noGrad(() => {
      const { logits, hidden } = this.net.forward(tokens, state.batch, 1, { h0: state.hidden });
      return { logits: logits.data.slice(), hidden, batch: state.batch };
    });
  }

  /** Σ −log p of every word and `<eos>` of each text (natural log), and how many were predicted. */
  negLogLikelihood(texts: Iterable<string>): { nll: number; tokens: number } {
    let nll = 0, tokens = 0;
    const seqs = [...texts].map((t) => this.encode(t)).filter((s) => s.length > 0);
    for (let start = 0; start < seqs.length; start += 64) {
      const batch = seqs.slice(start, start + 64);
      const { ids, labels, lengths, T } = teacherForcing(batch);
      const logits = noGrad(() => this.net.forward(ids, batch.length, T, { lengths }).logits);
      const n = labels.filter((y) => y >= 0).length;
      nll += noGrad(() => crossEntropy(logits, labels)).data[0]! * n;
      tokens += n;
    }
    return { nll, tokens };
  }

  save(): Uint8Array {
    return encodeSafetensors(this.net.stateDict(), { kind: 'compose-gru-lm', vocab: JSON.stringify(this.vocab), sizes: JSON.stringify(this.sizes), maxLen: String(this.maxLen) });
  }

  static restore(bytes: Uint8Array, where = 'language model'): ComposeLanguageModel {
    const { tensors, metadata } = decodeSafetensors(bytes, where);
    if (metadata.kind !== 'compose-gru-lm') throw createError('ARTIFACT_INVALID', { path: where, problem: 'not a compose language model' });
    try {
      const vocab = JSON.parse(metadata.vocab ?? '') as string[];
      const sizes = JSON.parse(metadata.sizes ?? '') as Sizes;
      const net = new LmNet(sizes, createRng(0));
      net.loadStateDict(tensors);
      return new ComposeLanguageModel(vocab, net, sizes, Number(metadata.maxLen));
    } catch (e) {
      if (e instanceof SyntaxError) throw createError('ARTIFACT_INVALID', { path: where, problem: 'unreadable vocabulary or sizes' });
      throw e;
    }
  }
}

function buildVocabulary(words: readonly string[][], size: number, minCount: number): string[] {
  const counts = new Map<string, number>();
  for (const ws of words) for (const w of ws) counts.set(w, (counts.get(w) ?? 0) + 1);
  const kept = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [...SPECIALS, ...kept.slice(0, size).map(([w]) => w)];
}

/** A padded batch: inputs `<bos> w…`, labels `w… <eos>` (padding ignored as −100). */
function teacherForcing(batch: readonly number[][]): { ids: number[]; labels: number[]; lengths: number[]; T: number } {
  const T = Math.max(...batch.map((s) => s.length)) + 1;
  const ids: number[] = [], labels: number[] = [], lengths: number[] = [];
  for (const s of batch) {
    const L = s.length + 1;
    lengths.push(L);
    for (let t = 0; t < T; t++) {
      ids.push(t === 0 ? BOS : t < L ? s[t - 1]! : PAD);
      labels.push(t < L - 1 ? s[t]! : t === L - 1 ? EOS : -100);
    }
  }
  return { ids, labels, lengths, T };
}

function shuffle(a: number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}
