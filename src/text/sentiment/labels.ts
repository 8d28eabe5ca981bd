/** @module Label sets of sentiment models: ordering, indices, and the negative/neutral/positive roles. */
import { createError } from '../../core/errors.js';

/** Unique labels sorted (numerically when all are numbers, as TweetEval's 0/1/2). */
export function labelSet(labels: readonly string[]): string[] {
  const uniq = [...new Set(labels)];
  const numeric = uniq.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return numeric ? uniq.sort((a, b) => Number(a) - Number(b)) : uniq.sort();
}

/** Class index of each label. */
export function labelIndices(labels: readonly string[], set: readonly string[]): Int32Array {
  const index = new Map(set.map((l, i) => [l, i]));
  const out = new Int32Array(labels.length);
  labels.forEach((l, i) => {
    const c = index.get(l);
    if (c === undefined) throw createError('INVALID_INPUT', { field: `labels[${i}]`, problem: `unknown label "${l}"; expected one of ${set.join(', ')}` });
    out[i] = c;
  });
  return out;
}

export interface PolarityLabels {
  negative: string;
  neutral: string;
  positive: string;
}

/**
 * Which label plays negative, neutral and positive: the words themselves when present (any case), otherwise
 * TweetEval's numbering 0/1/2 (mapping.txt: 0 negative, 1 neutral, 2 positive).
 */
export function polarityLabels(set: readonly string[]): PolarityLabels {
  const find = (w: string): string | undefined => set.find((l) => l.toLowerCase() === w);
  const neg = find('negative'), neu = find('neutral'), pos = find('positive');
  if (neg && neu && pos) return { negative: neg, neutral: neu, positive: pos };
  if (set.includes('0') && set.includes('1') && set.includes('2')) return { negative: '0', neutral: '1', positive: '2' };
  throw createError('INVALID_INPUT', {
    field: 'labels',
    problem: `cannot tell negative/neutral/positive apart in [${set.join(', ')}]; pass options.polarity = { negative, neutral, positive }`,
  });
}
