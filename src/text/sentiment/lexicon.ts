/**
 * @module Lexicon sentiment with VADER (Hutto & Gilbert 2014) through the vader-sentiment package.
 *
 * Label by the paper's thresholds on the compound score c: c ≥ 0.05 positive, c ≤ −0.05 negative, else neutral.
 * Probabilities: softmax(β·[−c − 0.05, 0, c − 0.05]) over (negative, neutral, positive), whose arg-max is exactly
 * the threshold rule; β = 5 makes |c| = 0.6 (a clearly polar tweet) about 0.94 sure.
 */
import { createRequire } from 'node:module';
import { createError } from '../../core/errors.js';
import { saveSafetensors } from '../../nn/safetensors.js';
import { labelSet, polarityLabels, type PolarityLabels } from './labels.js';
import type { SentimentArtifact, SentimentKind, SentimentModel, SentimentPrediction } from './types.js';

interface VaderScores { neg: number; neu: number; pos: number; compound: number }
const require = createRequire(import.meta.url);
const vader = require('vader-sentiment') as { SentimentIntensityAnalyzer: { polarity_scores(text: string): VaderScores } };

/** VADER's compound score in [−1, 1]. */
export function vaderCompound(text: string): number {
  return vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}

const THRESHOLD = 0.05;
const BETA = 5;

export interface LexiconOptions {
  /** Which of the dataset's labels means negative/neutral/positive (inferred from the label set otherwise). */
  polarity?: PolarityLabels;
  /** Label set to predict over (inferred from the training labels; defaults to negative/neutral/positive). */
  labels?: readonly string[];
}

export function createLexiconModel(options: LexiconOptions = {}): SentimentModel {
  const labels = options.labels ? [...options.labels] : options.polarity ? labelSet(Object.values(options.polarity)) : ['negative', 'neutral', 'positive'];
  const pol = options.polarity ?? polarityLabels(labels);
  const K = labels.length;
  const idx = [pol.negative, pol.neutral, pol.positive].map((l) => labels.indexOf(l));
  if (idx.some((i) => i < 0)) throw createError('INVALID_INPUT', { field: 'polarity', problem: `labels ${JSON.stringify(pol)} are not all in [${labels.join(', ')}]` });
  const predictProba = (texts: readonly string[]): Float64Array => {
    const out = new Float64Array(texts.length * K);
    texts.forEach((t, i) => {
      const c = vaderCompound(t);
      const s = [-c - THRESHOLD, 0, c - THRESHOLD].map((v) => Math.exp(BETA * v));
      const sum = s[0]! + s[1]! + s[2]!;
      for (let r = 0; r < 3; r++) out[i * K + idx[r]!] = s[r]! / sum;
    });
    return out;
  };
  const model: SentimentModel = {
    kind: 'lexicon',
    labels,
    predictProba,
    predict: (texts) => probsToPredictions(predictProba(texts), labels),
    toArtifact: (): SentimentArtifact => ({ tensors: {}, metadata: { kind: 'lexicon', version: '1', labels: JSON.stringify(labels), polarity: JSON.stringify(pol) } }),
    save: (path) => {
      const a = model.toArtifact();
      saveSafetensors(path, a.tensors, a.metadata);
    },
  };
  return model;
}

/** Predictions (arg-max label, probability map) from an n × K probability matrix. */
export function probsToPredictions(P: Float64Array, labels: readonly string[]): SentimentPrediction[] {
  const K = labels.length;
  const out: SentimentPrediction[] = [];
  for (let o = 0; o < P.length; o += K) {
    let best = 0;
    const probs: Record<string, number> = {};
    for (let k = 0; k < K; k++) {
      probs[labels[k]!] = P[o + k]!;
      if (P[o + k]! > P[o + best]!) best = k;
    }
    out.push({ label: labels[best]!, probs });
  }
  return out;
}

export const lexiconKind: SentimentKind = {
  kind: 'lexicon',
  train: ({ labels, options }) => {
    const o = (options ?? {}) as LexiconOptions;
    return createLexiconModel({ ...o, labels: o.labels ?? labelSet(labels) });
  },
  fromArtifact: ({ metadata }) => createLexiconModel({ labels: JSON.parse(metadata.labels!) as string[], polarity: JSON.parse(metadata.polarity!) as PolarityLabels }),
};
