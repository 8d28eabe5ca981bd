/**
 * @module Completions of a draft from the compose language model: parallel continuations sampled with temperature
 * and top-p, the blocklisted words masked out of every step (never generated), then the offensive-language filter:
 * a completion whose offensive probability is above the threshold is dropped, never returned. Each kept completion
 * carries its log-probability under the model (temperature 1, natural log, `<eos>` included when it ended the
 * text), most probable first, without duplicates.
 */
import type { Rng } from '../core/rng.js';
import { BOS, EOS, PAD, UNK, detokenize, lmWords, type ComposeLanguageModel } from './language-model.js';
import { sampleNext } from './sampling.js';

export interface CompletionOptions {
  /** Completions wanted. */
  n: number;
  /** 0 = greedy (the most probable word at each step). */
  temperature: number;
  /** Nucleus mass in (0, 1]. */
  topP: number;
  /** Most words generated per completion. */
  maxTokens: number;
  /** Words never generated (lower-case). */
  blocklist?: ReadonlySet<string>;
}

/** The offensive-language signal as a filter: a text above `threshold` is dropped. */
export interface OffensiveFilter {
  threshold: number;
  probabilities(texts: string[]): Promise<ArrayLike<number>>;
}

export interface Completion {
  /** The words that follow the draft. */
  text: string;
  logProb: number;
}

export interface CompletionResult {
  completions: Completion[];
  /** Sampled continuations left out: empty ones (the model ended the post at once) and offensive ones. */
  dropped: { empty: number; offensive: number };
}

/** Words of the draft the model reads (the last ones). */
const CONTEXT_WORDS = 64;
/** Continuations sampled per completion wanted, so that filtering and duplicates still leave n. */
const OVERSAMPLE = 3;

function logSoftmaxAt(logits: Float32Array, offset: number, V: number, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += Math.exp(logits[offset + i]! - max);
  return logits[offset + id]! - max - Math.log(sum);
}

/** The ids a step may never produce: padding, `<bos>`, `<unk>` and the blocklisted words. */
export function maskedIds(model: ComposeLanguageModel, blocklist: ReadonlySet<string> | undefined): Set<number> {
  const masked = new Set([PAD, BOS, UNK]);
  for (const w of blocklist ?? []) {
    const id = model.id(w.toLowerCase());
    if (id !== undefined) masked.add(id);
  }
  return masked;
}

/** Samples continuations of `draft` (no filtering). */
export function sampleContinuations(model: ComposeLanguageModel, draft: string, o: CompletionOptions, rng: Rng): { words: string[]; logProb: number; ended: boolean }[] {
  const prefix = lmWords(draft).slice(-CONTEXT_WORDS).map((w) => model.id(w) ?? UNK);
  const B = o.temperature === 0 ? 1 : o.n * OVERSAMPLE;
  const V = model.vocabSize;
  const masked = maskedIds(model, o.blocklist);
  const out = Array.from({ length: B }, () => ({ ids: [] as number[], logProb: 0, ended: false }));
  let state = model.start(prefix, B);
  for (let step = 0; step < o.maxTokens && out.some((c) => !c.ended); step++) {
    const next = out.map((c, b) => {
      if (c.ended) return EOS;
      const logits = state.logits.subarray(b * V, (b + 1) * V);
      const id = sampleNext(logits, { temperature: o.temperature, topP: o.topP, masked }, rng);
      c.logProb += logSoftmaxAt(state.logits, b * V, V, id);
      if (id === EOS || id < 0) c.ended = true;
      else c.ids.push(id);
      return id < 0 ? EOS : id;
    });
    if (step + 1 < o.maxTokens) state = model.step(state, next);
  }
  return out.map((c) => ({ words: c.ids.map((id) => model.vocab[id]!), logProb: c.logProb, ended: c.ended }));
}

/** Up to `n` completions of a draft, filtered (see the module comment). */
export async function completeDraft(model: ComposeLanguageModel, draft: string, o: CompletionOptions, rng: Rng, filter?: OffensiveFilter): Promise<CompletionResult> {
  const dropped = { empty: 0, offensive: 0 };
  const seen = new Map<string, Completion>();
  for (const c of sampleContinuations(model, draft, o, rng)) {
    const text = detokenize(c.words);
    if (text === '') dropped.empty++;
    else if (!seen.has(text)) seen.set(text, { text, logProb: c.logProb });
  }
  let kept = [...seen.values()];
  if (filter && kept.length > 0) {
    const p = await filter.probabilities(kept.map((c) => c.text));
    const before = kept.length;
    kept = kept.filter((_, i) => !(p[i]! > filter.threshold));
    dropped.offensive = before - kept.length;
  }
  kept.sort((a, b) => b.logProb - a.logProb || (a.text < b.text ? -1 : 1));
  return { completions: kept.slice(0, o.n), dropped };
}
