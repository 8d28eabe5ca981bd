import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { createEnsembleModel, loadSentiment, predictSentiment, trainSentiment } from './registry.js';
import { labelSet, polarityLabels } from './labels.js';
import { classificationReport } from './metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'sent-'));

/** Planted corpus: class words decide the label; filler words are shared. */
function corpus(n: number, seed: number): { texts: string[]; labels: string[] } {
  const rng = createRng(seed);
  const words = [['awful', 'hate', 'worst', 'terrible'], ['flight', 'today', 'monday', 'report'], ['love', 'great', 'amazing', 'thanks']];
  const filler = ['the', 'a', 'my', 'is', 'was', 'so', '@user', 'and'];
  const texts: string[] = [], labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3 === 0 ? 1 : rng.int(3);
    const toks = Array.from({ length: 6 }, () => (rng.next() < 0.35 ? words[c]![rng.int(4)]! : filler[rng.int(filler.length)]!));
    texts.push(toks.join(' '));
    labels.push(String(c));
  }
  return { texts, labels };
}

describe('labels', () => {
  it('orders numeric labels numerically and maps TweetEval 0/1/2', () => {
    expect(labelSet(['2', '10', '1'])).toEqual(['1', '2', '10']);
    expect(polarityLabels(['0', '1', '2'])).toEqual({ negative: '0', neutral: '1', positive: '2' });
    expect(polarityLabels(['Negative', 'neutral', 'positive']).negative).toBe('Negative');
  });
});

describe('metrics', () => {
  it('macro recall and F1 on a hand-computed case', () => {
    // truth 0,0,1,1 pred 0,1,1,1: recall 0.5, 1 → 0.75; precision 1, 2/3 → F1 2/3, 0.8 → 0.7333.
    const r = classificationReport([0, 0, 1, 1], [0, 1, 1, 1], 2);
    expect(r.macroRecall).toBeCloseTo(0.75, 10);
    expect(r.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
    expect(r.accuracy).toBeCloseTo(0.75, 10);
  });
});

describe('sentiment models', () => {
  it('lexicon follows VADER thresholds', async () => {
    const m = await trainSentiment({ texts: ['x'], labels: ['0'], model: 'lexicon', options: { labels: ['0', '1', '2'] } });
    const p = m.predict(['I love this, it is great :)', 'This is the worst, I hate it', 'The flight leaves at 5']);
    expect(p.map((x) => x.label)).toEqual(['2', '0', '1']);
    for (const x of p) expect(Object.values(x.probs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('linear (LR and NB-SVM) learns a planted corpus and saves/loads identically', async () => {
    const train = corpus(600, 1), test = corpus(300, 2);
    for (const classifier of ['lr', 'nbsvm'] as const) {
      const m = await trainSentiment({ ...train, model: 'linear', options: { classifier } });
      const pred = m.predict(test.texts);
      const set = m.labels;
      const r = classificationReport(test.labels.map((l) => set.indexOf(l)), pred.map((p) => set.indexOf(p.label)), 3);
      expect(r.macroRecall).toBeGreaterThan(0.8);
      const path = join(dir, `${classifier}.safetensors`);
      m.save(path);
      const again = predictSentiment(path, test.texts.slice(0, 20));
      again.forEach((p, i) => {
        expect(p.label).toBe(pred[i]!.label);
        for (const l of set) expect(p.probs[l]).toBeCloseTo(pred[i]!.probs[l]!, 5);
      });
    }
  });

  it('ensemble averages its members and round-trips', async () => {
    const train = corpus(300, 3);
    const ens = await trainSentiment({ ...train, model: 'ensemble', options: { members: [{ model: 'lexicon' }, { model: 'linear' }] } });
    const texts = ['love it', 'worst flight'];
    const lex = await trainSentiment({ ...train, model: 'lexicon' });
    const lin = await trainSentiment({ ...train, model: 'linear' });
    const a = lex.predictProba(texts), b = lin.predictProba(texts), e = ens.predictProba(texts);
    for (let i = 0; i < e.length; i++) expect(e[i]).toBeCloseTo((a[i]! + b[i]!) / 2, 6);
    const path = join(dir, 'ens.safetensors');
    ens.save(path);
    const back = loadSentiment(path);
    expect(back.kind).toBe('ensemble');
    const e2 = back.predictProba(texts);
    for (let i = 0; i < e.length; i++) expect(e2[i]).toBeCloseTo(e[i]!, 5);
    expect(createEnsembleModel([lex, lin], [3, 1]).predictProba(texts)[0]).toBeCloseTo(0.75 * a[0]! + 0.25 * b[0]!, 6);
  });

  it('rejects unknown kinds and mismatched inputs with coded errors', async () => {
    await expect(trainSentiment({ texts: ['a'], labels: ['1'], model: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
    await expect(trainSentiment({ texts: ['a', 'b'], labels: ['1'] })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });
});
