/**
 * @module Token vocabulary of the neural sentiment models: words from the social tokenizer kept by minimum count
 * (most frequent first, capped), and texts encoded as padded id matrices with their lengths.
 */
import { createError } from '../../../core/errors.js';
import { tokenizeToStrings, type TokenizeOptions } from '../../tokenize.js';

/** Id 0 pads sequences (its embedding row is zero); id 1 stands for every out-of-vocabulary word. */
export const PAD_ID = 0;
export const UNK_ID = 1;

/** Default tokenizer of the neural models: mentions and URLs collapse to placeholders (they carry no sentiment). */
export const NEURAL_TOKENIZER: TokenizeOptions = { mentions: 'placeholder', urls: 'placeholder' };

export interface VocabularyConfig {
  /** Words seen fewer times are unknown (default 2: a word seen once cannot generalise). */
  minCount?: number;
  /** At most this many words (most frequent first), default 50 000. */
  maxSize?: number;
  tokenizer?: TokenizeOptions;
}

export interface TokenVocabulary {
  /** Words by id; ids 0 and 1 are "<pad>" and "<unk>". */
  readonly words: readonly string[];
  readonly tokenizer: TokenizeOptions;
  idOf(word: string): number;
  /** Token strings of a text. */
  tokens(text: string): string[];
}

/** A padded batch: ids [B, T] row-major and each row's valid length (≥ 1; an empty text is one pad step). */
export interface EncodedBatch {
  ids: Int32Array;
  lengths: Int32Array;
  B: number;
  T: number;
}

export function createTokenVocabulary(words: readonly string[], tokenizer: TokenizeOptions): TokenVocabulary {
  if (words[PAD_ID] !== '<pad>' || words[UNK_ID] !== '<unk>') {
    throw createError('INVALID_INPUT', { field: 'vocabulary', problem: 'ids 0 and 1 must be "<pad>" and "<unk>"' });
  }
  const index = new Map<string, number>();
  words.forEach((w, i) => { if (!index.has(w)) index.set(w, i); });
  return {
    words,
    tokenizer,
    idOf: (w) => index.get(w) ?? UNK_ID,
    tokens: (text) => tokenizeToStrings(text, tokenizer),
  };
}

/** Builds the vocabulary of tokenized training texts. */
export function buildTokenVocabulary(tokenized: readonly (readonly string[])[], config: VocabularyConfig = {}): TokenVocabulary {
  const minCount = config.minCount ?? 2, maxSize = config.maxSize ?? 50_000;
  const counts = new Map<string, number>();
  for (const toks of tokenized) for (const t of toks) counts.set(t, (counts.get(t) ?? 0) + 1);
  // Most frequent first; ties by first appearance (Map order, stable sort) so the ids are deterministic.
  const kept = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1]).slice(0, maxSize);
  return createTokenVocabulary(['<pad>', '<unk>', ...kept.map(([w]) => w)], config.tokenizer ?? NEURAL_TOKENIZER);
}

/**
 * Encodes token lists (truncated to maxLength) into a batch padded to its longest row, at least `minSteps` long.
 * Padding depends only on the batch, never the predictions: the models mask padded steps.
 */
export function encodeTokens(vocab: TokenVocabulary, tokenized: readonly (readonly string[])[], maxLength: number, minSteps = 1): EncodedBatch {
  const B = tokenized.length;
  const lengths = new Int32Array(B);
  let T = minSteps;
  for (let b = 0; b < B; b++) {
    lengths[b] = Math.max(1, Math.min(maxLength, tokenized[b]!.length));
    if (lengths[b]! > T) T = lengths[b]!;
  }
  const ids = new Int32Array(B * T); // PAD_ID = 0 everywhere else
  for (let b = 0; b < B; b++) {
    const toks = tokenized[b]!, n = Math.min(maxLength, toks.length);
    for (let t = 0; t < n; t++) ids[b * T + t] = vocab.idOf(toks[t]!);
  }
  return { ids, lengths, B, T };
}
