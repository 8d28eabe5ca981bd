import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/rng.js';
import { isResonateError } from '../../../core/errors.js';
import { gradCheck } from '../../../nn/grad-check.js';
import { crossEntropy } from '../../../nn/ops/loss.js';
import { tensor } from '../../../nn/tensor.js';
import { createWordVectors } from '../../word2vec/model.js';
import { loadSentiment, trainSentiment } from '../registry.js';
import { biLstmAttentionKind, lastNeuralTrainReport, textCnnKind } from './index.js';
import { logitsOf } from './model.js';
import { BiLstmAttention, TextCnn } from './networks.js';
import { stratifiedSplit } from './train.js';
import { buildTokenVocabulary, encodeTokens, NEURAL_TOKENIZER } from './vocabulary.js';
import { balancedClassWeights, weightedCrossEntropy } from './weighted-cross-entropy.js';

const dir = mkdtempSync(join(tmpdir(), 'neural-sent-'));

const POS = ['good', 'great', 'love', 'amazing'];
const NEG = ['bad', 'awful', 'hate', 'terrible'];
const FILLER = ['the', 'flight', 'was', 'today', 'my', 'crew', 'seat', 'and', 'so', 'food'];

/** Planted corpus: one polarity word among fillers decides the label ('pos' / 'neg'). */
function polarity(n: number, seed: number): { texts: string[]; labels: string[] } {
  const rng = createRng(seed);
  const texts: string[] = [], labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const pos = rng.next() < 0.5;
    const toks = Array.from({ length: 3 + rng.int(5) }, () => FILLER[rng.int(FILLER.length)]!);
    toks.splice(rng.int(toks.length + 1), 0, (pos ? POS : NEG)[rng.int(4)]!);
    texts.push(toks.join(' '));
    labels.push(pos ? 'pos' : 'neg');
  }
  return { texts, labels };
}

/** Planted negation: "not" right before the polarity word flips the label ("not good" → neg, "not bad" → pos). */
function negation(n: number, seed: number): { texts: string[]; labels: string[]; negated: boolean[] } {
  const rng = createRng(seed);
  const texts: string[] = [], labels: string[] = [], negated: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const pos = rng.next() < 0.5, neg = rng.next() < 0.5;
    const toks = Array.from({ length: 2 + rng.int(4) }, () => FILLER[rng.int(FILLER.length)]!);
    const at = rng.int(toks.length + 1);
    toks.splice(at, 0, ...(neg ? ['not'] : []), (pos ? POS : NEG)[rng.int(2)]!);
    texts.push(toks.join(' '));
    labels.push(pos !== neg ? 'pos' : 'neg');
    negated.push(neg);
  }
  return { texts, labels, negated };
}

const accuracy = (pred: { label: string }[], labels: string[]): number => pred.filter((p, i) => p.label === labels[i]).length / labels.length;

describe('weighted cross-entropy', () => {
  it('equals the ordinary cross-entropy with unit weights and matches a hand-computed weighted case', () => {
    const z = tensor([1, 2, 0.5, -1, 0, 3], [2, 3]);
    const y = Int32Array.of(1, 2);
    expect(weightedCrossEntropy(z, y, Float32Array.of(1, 1, 1)).item()).toBeCloseTo(crossEntropy(z, [1, 2]).item(), 6);
    // Row losses: −log softmax([1, 2, 0.5])₁ and −log softmax([−1, 0, 3])₂; weights 2 and 1 → (2·l₀ + l₁) / 3.
    const l0 = -(2 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5)));
    const l1 = -(3 - Math.log(Math.exp(-1) + Math.exp(0) + Math.exp(3)));
    expect(weightedCrossEntropy(z, y, Float32Array.of(0, 2, 1)).item()).toBeCloseTo((2 * l0 + l1) / 3, 5);
  });

  it('has the gradient of finite differences', () => {
    const rng = createRng(3);
    const z = tensor(Array.from({ length: 15 }, () => rng.normal()), [5, 3], { requiresGrad: true });
    const y = Int32Array.of(0, 2, 1, 1, 0);
    expect(gradCheck(() => weightedCrossEntropy(z, y, Float32Array.of(0.5, 2, 1.5)), [z]).ok).toBe(true);
  });

  it('balanced weights are n / (K · n_c)', () => {
    const w = balancedClassWeights(Int32Array.of(0, 0, 0, 1), 2);
    expect(w[0]).toBeCloseTo(4 / 6, 6);
    expect(w[1]).toBe(2);
  });
});

describe('vocabulary and batches', () => {
  it('keeps words by count, most frequent first, and pads / truncates', () => {
    const v = buildTokenVocabulary([['a', 'b', 'a'], ['c', 'a', 'b']], { minCount: 2, tokenizer: NEURAL_TOKENIZER });
    expect(v.words).toEqual(['<pad>', '<unk>', 'a', 'b']);
    const e = encodeTokens(v, [['a', 'z'], [], ['b', 'a', 'b', 'a']], 3);
    expect(e.T).toBe(3);
    expect(Array.from(e.lengths)).toEqual([2, 1, 3]);
    expect(Array.from(e.ids)).toEqual([2, 1, 0, 0, 0, 0, 3, 2, 3]);
    expect(v.tokens('@bob loves http://x.co')).toEqual(['@user', 'loves', '<url>']);
  });

  it('splits every label 90/10', () => {
    const y = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const { train, val } = stratifiedSplit(y, 2, 0.1, createRng(1));
    expect(val.filter((i) => y[i] === 0).length).toBe(8);
    expect(val.filter((i) => y[i] === 1).length).toBe(2);
    expect(new Set([...train, ...val]).size).toBe(100);
  });
});

describe('networks ignore padding', () => {
  const v = buildTokenVocabulary([['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd']], { minCount: 1 });
  const texts = [['a', 'b'], ['c', 'd', 'a', 'b', 'c', 'd', 'a'], ['d']];
  for (const net of [
    new TextCnn({ arch: 'textcnn', vocabSize: 6, embeddingDim: 5, numClasses: 3, windows: [2, 3], featureMaps: 4, dropout: 0.5 }, createRng(1)),
    new BiLstmAttention({ arch: 'bilstm-attention', vocabSize: 6, embeddingDim: 5, numClasses: 3, hidden: 4, attentionDim: 3, embeddingDropout: 0.2, dropout: 0.5 }, createRng(1)),
  ]) {
    it(`${net.constructor.name}: a text's logits do not depend on its batch`, () => {
      const together = logitsOf(net, v, texts, 50, 3);
      texts.forEach((t, i) => {
        const alone = logitsOf(net, v, [t], 50, 3);
        for (let k = 0; k < 3; k++) expect(alone[k]).toBeCloseTo(together[i * 3 + k]!, 5);
      });
    });
  }

  it('attention weights sum to one over valid steps and are zero on padding', () => {
    const net = new BiLstmAttention({ arch: 'bilstm-attention', vocabSize: 6, embeddingDim: 5, numClasses: 2, hidden: 4, attentionDim: 3, embeddingDropout: 0, dropout: 0 }, createRng(2));
    const e = encodeTokens(v, texts, 50);
    const a = net.attentionWeights(e);
    for (let b = 0; b < e.B; b++) {
      let s = 0;
      for (let t = 0; t < e.T; t++) {
        if (t >= e.lengths[b]!) expect(a[b * e.T + t]).toBe(0);
        s += a[b * e.T + t]!;
      }
      expect(s).toBeCloseTo(1, 5);
    }
  });
});

describe('textcnn', () => {
  // Planted tasks reach full accuracy in a few epochs; early stopping on 10 % of 300 texts would only add noise.
  const small = { embeddingDim: 16, featureMaps: 8, epochs: 8, batchSize: 20, lr: 1e-2, minCount: 1, seed: 7, patience: 100 };

  it('learns planted polarity words, keeps max-norm, and reloads to identical probabilities', async () => {
    const tr = polarity(300, 1), te = polarity(200, 2);
    const m = await trainSentiment({ model: 'textcnn', texts: tr.texts, labels: tr.labels, options: small });
    expect(m.kind).toBe('textcnn');
    expect(m.labels).toEqual(['neg', 'pos']);
    expect(accuracy(m.predict(te.texts), te.labels)).toBeGreaterThanOrEqual(0.95);
    const a = m.toArtifact();
    const W = a.tensors['net.out.weight']!;
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let j = 0; j < 24; j++) s += W.data[k * 24 + j]! ** 2;
      expect(Math.sqrt(s)).toBeLessThanOrEqual(3 + 1e-4);
    }
    const path = join(dir, 'cnn.safetensors');
    m.save(path);
    const back = loadSentiment(path);
    expect(back.kind).toBe('textcnn');
    expect(Array.from(back.predictProba(te.texts))).toEqual(Array.from(m.predictProba(te.texts)));
    const p = m.predictProba(te.texts.slice(0, 5));
    for (let i = 0; i < 5; i++) expect(p[2 * i]! + p[2 * i + 1]!).toBeCloseTo(1, 9);
    // A TextCNN artifact is not a BiLSTM one.
    expect(() => biLstmAttentionKind.fromArtifact(a, 'cnn.safetensors')).toThrow(/expected a bilstm-attention/);
  });

  it('is deterministic for a seed and stops when its signal aborts', async () => {
    const tr = polarity(120, 3);
    const opts = { ...small, epochs: 2 };
    const a = await trainSentiment({ model: 'textcnn', texts: tr.texts, labels: tr.labels, options: opts });
    const b = await trainSentiment({ model: 'textcnn', texts: tr.texts, labels: tr.labels, options: opts });
    expect(Array.from(a.predictProba(tr.texts))).toEqual(Array.from(b.predictProba(tr.texts)));
    const ctl = new AbortController();
    let calls = 0;
    const run = trainSentiment({ model: 'textcnn', texts: tr.texts, labels: tr.labels, options: opts, signal: ctl.signal, progress: () => { if (++calls === 2) ctl.abort(); } });
    await expect(run).rejects.toSatisfy((e: unknown) => isResonateError(e, 'TRAINING_CANCELLED'));
    expect(calls).toBe(2);
  });

  it('stops after one step when its time budget is spent', async () => {
    const tr = polarity(120, 3);
    await trainSentiment({ model: 'textcnn', texts: tr.texts, labels: tr.labels, options: { ...small, timeBudgetSeconds: 0 } });
    const r = lastNeuralTrainReport()!;
    expect(r.stoppedBy).toBe('time-budget');
    expect(r.steps).toBe(1);
    expect(r.trainSize + r.validationSize).toBe(120);
  });

  it('initialises embeddings from word vectors', async () => {
    const tr = polarity(60, 4);
    const words = ['good', 'bad'];
    const vectors = Float32Array.from({ length: 8 }, (_, i) => i / 10);
    const wv = createWordVectors(words, 4, vectors);
    const m = await trainSentiment({ model: 'textcnn', texts: tr.texts, labels: tr.labels, options: { featureMaps: 4, epochs: 0, minCount: 1, initFromWord2Vec: wv } });
    const a = m.toArtifact();
    const vocab = JSON.parse(a.metadata.vocabulary!) as string[];
    const E = a.tensors['net.embedding.weight']!;
    expect(E.shape).toEqual([vocab.length, 4]);
    const g = vocab.indexOf('good'), b = vocab.indexOf('bad');
    expect(Array.from(E.data.slice(g * 4, g * 4 + 4))).toEqual(Array.from(vectors.slice(0, 4)));
    expect(Array.from(E.data.slice(b * 4, b * 4 + 4))).toEqual(Array.from(vectors.slice(4, 8)));
    expect(Array.from(E.data.slice(0, 4))).toEqual([0, 0, 0, 0]);
  });
});

describe('bilstm-attention', () => {
  it('learns negation ("not good" → negative), reloads identically, and rejects other kinds', async () => {
    const tr = negation(400, 5), te = negation(200, 6);
    const m = await trainSentiment({
      model: 'bilstm', texts: tr.texts, labels: tr.labels,
      options: { embeddingDim: 16, hidden: 16, attentionDim: 8, epochs: 12, batchSize: 20, lr: 1e-2, minCount: 1, seed: 3, embeddingDropout: 0, dropout: 0.1, patience: 100 },
    });
    expect(m.kind).toBe('bilstm-attention');
    const pred = m.predict(te.texts);
    expect(accuracy(pred, te.labels)).toBeGreaterThanOrEqual(0.95);
    const negIdx = te.negated.flatMap((n, i) => (n ? [i] : []));
    expect(accuracy(negIdx.map((i) => pred[i]!), negIdx.map((i) => te.labels[i]!))).toBeGreaterThanOrEqual(0.95);
    expect(m.predict(['the flight was not good'])[0]!.label).toBe('neg');
    expect(m.predict(['the flight was good'])[0]!.label).toBe('pos');
    const path = join(dir, 'lstm.safetensors');
    m.save(path);
    const back = loadSentiment(path);
    expect(Array.from(back.predictProba(te.texts))).toEqual(Array.from(m.predictProba(te.texts)));
    const a = m.toArtifact();
    expect(() => textCnnKind.fromArtifact(a, 'lstm.safetensors')).toThrow(/expected a textcnn/);
    expect(() => textCnnKind.fromArtifact({ tensors: a.tensors, metadata: { ...a.metadata, kind: 'linear' } }, 'x')).toThrow(/found kind linear/);
  });
});
