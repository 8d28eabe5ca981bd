import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { expectedCalibrationError } from '../../models/ranker/metrics.js';
import { bestThreshold, calibrateClassifier, fitCalibration } from './calibrated.js';
import { brierScore } from './metrics.js';
import { DEFAULT_ENSEMBLE_MEMBERS, loadClassifier, loadSentiment, trainClassifier, trainSentiment } from './registry.js';
import type { TextClassifier } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'calib-'));

/**
 * A model whose text is its log-odds ("1.5" → p₁ = σ(1.5)): overconfident by a planted factor, so Platt must
 * recover a = 1/2, b = 0.5 from labels drawn with p₁ = σ(z/2 + 0.5).
 */
function logOddsModel(): TextClassifier {
  const predictProba = (texts: readonly string[]): Float64Array => {
    const P = new Float64Array(2 * texts.length);
    texts.forEach((t, i) => {
      const p = 1 / (1 + Math.exp(-Number(t)));
      P[2 * i] = 1 - p;
      P[2 * i + 1] = p;
    });
    return P;
  };
  return {
    kind: 'planted', labels: ['0', '1'], predictProba,
    predict: () => { throw new Error('unused'); },
    toArtifact: () => { throw new Error('unused'); },
    save: () => { throw new Error('unused'); },
  };
}

function plantedSample(n: number, seed: number): { texts: string[]; labels: string[] } {
  const rng = createRng(seed);
  const texts: string[] = [], labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const z = rng.normal() * 4;
    texts.push(String(z));
    labels.push(rng.next() < 1 / (1 + Math.exp(-(z / 2 + 0.5))) ? '1' : '0');
  }
  return { texts, labels };
}

describe('calibration of text classifiers', () => {
  it('Platt scaling recovers a planted distortion and lowers ECE and Brier on fresh data', () => {
    const base = logOddsModel();
    const fit = plantedSample(20_000, 1), check = plantedSample(20_000, 2);
    const c = fitCalibration(base, fit.texts, fit.labels);
    if (c.method !== 'platt') throw new Error('expected Platt');
    expect(c.platt.a).toBeCloseTo(0.5, 1);
    expect(c.platt.b).toBeCloseTo(0.5, 1);
    const model = calibrateClassifier(base, fit.texts, fit.labels);
    const y = Int32Array.from(check.labels, Number);
    const raw = base.predictProba(check.texts), cal = model.predictProba(check.texts);
    const p1 = (P: Float64Array): Float64Array => Float64Array.from(y, (_, i) => P[2 * i + 1]!);
    const eceRaw = expectedCalibrationError(p1(raw), Float64Array.from(y)), eceCal = expectedCalibrationError(p1(cal), Float64Array.from(y));
    expect(eceCal).toBeLessThan(0.02);
    expect(eceRaw).toBeGreaterThan(3 * eceCal);
    expect(brierScore(cal, y, 2)).toBeLessThan(brierScore(raw, y, 2));
  });

  it('the tuned threshold maximises macro-F1 on a hand case', () => {
    // Positives score 0.3 and 0.35, negatives 0.1 and 0.2: any threshold in (0.2, 0.3] separates them.
    const t = bestThreshold([0.3, 0.35, 0.1, 0.2], [1, 1, 0, 0]);
    expect(t).toBeGreaterThan(0.2);
    expect(t).toBeLessThanOrEqual(0.3);
    expect(bestThreshold([0.9, 0.1], [1, 0])).toBeCloseTo(0.5, 10);
  });

  it('temperature scaling for more than two labels keeps the ranking and sums to one', async () => {
    const texts = ['good great', 'bad awful', 'meh table', 'great love', 'awful hate', 'table chair'];
    const labels = ['2', '0', '1', '2', '0', '1'];
    const base = await trainClassifier({ texts, labels, model: 'linear', options: { vectorizer: { blocks: [{ analyzer: 'word', ngramRange: [1, 1], minDf: 1 }] } } });
    const c = fitCalibration(base, texts, labels);
    expect(c.method).toBe('temperature');
    const m = calibrateClassifier(base, texts, labels);
    const P = m.predictProba(texts), B = base.predictProba(texts);
    for (let i = 0; i < texts.length; i++) {
      const row = [0, 1, 2].map((k) => P[i * 3 + k]!), b = [0, 1, 2].map((k) => B[i * 3 + k]!);
      expect(row.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 10);
      expect(row.indexOf(Math.max(...row))).toBe(b.indexOf(Math.max(...b)));
    }
  });

  it("the 'calibrated' kind trains, saves and loads to the same probabilities", async () => {
    const rng = createRng(3);
    const texts: string[] = [], labels: string[] = [];
    for (let i = 0; i < 400; i++) {
      const bad = rng.next() < 0.3;
      texts.push(`${bad ? ['idiot', 'stupid', 'moron'][rng.int(3)] : ['hello', 'thanks', 'nice'][rng.int(3)]} ${['the', 'game', 'today', 'you'][rng.int(4)]}`);
      labels.push(bad ? '1' : '0');
    }
    const m = await trainClassifier({ texts, labels, model: 'calibrated', options: { base: { model: 'linear' }, tuneThreshold: true } });
    expect(m.kind).toBe('calibrated');
    const path = join(dir, 'cal.safetensors');
    m.save(path);
    const back = loadClassifier(path);
    // The artifact stores float32 weights: the same probabilities to float32 precision.
    const before = m.predictProba(['you idiot', 'thanks today']);
    back.predictProba(['you idiot', 'thanks today']).forEach((p, i) => expect(p).toBeCloseTo(before[i]!, 6));
    expect(back.predict(['you idiot', 'nice game']).map((p) => p.label)).toEqual(['1', '0']);
    await expect(trainClassifier({ texts, labels, model: 'calibrated', options: { base: { model: 'calibrated' } } })).rejects.toThrow(/calibrates another kind/);
  });
});

describe('classifier names and ensemble defaults', () => {
  it('keeps the sentiment names as the same functions', () => {
    expect(trainSentiment).toBe(trainClassifier);
    expect(loadSentiment).toBe(loadClassifier);
  });

  it('an ensemble with no members trains the default members', async () => {
    await import('./neural/index.js');
    const texts = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'you idiot moron' : 'thanks nice game'));
    const labels = texts.map((_, i) => String(i % 2));
    const m = await trainClassifier({ texts, labels, model: 'ensemble' });
    const meta = m.toArtifact().metadata;
    expect(Number(meta.members)).toBe(DEFAULT_ENSEMBLE_MEMBERS.length);
    expect(DEFAULT_ENSEMBLE_MEMBERS.map((_, i) => meta[`m${i}.kind`])).toEqual(DEFAULT_ENSEMBLE_MEMBERS.map((s) => s.model));
    await expect(trainClassifier({ texts, labels, model: 'ensemble', options: { members: [] } })).rejects.toThrow(/needs members/);
    await expect(trainClassifier({ texts, labels, model: 'ensemble', options: { members: [{ model: 'linear' }], weights: [1, 2] } })).rejects.toThrow(/one per member/);
  });
});
