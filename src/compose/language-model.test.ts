import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { completeDraft, sampleContinuations } from './completions.js';
import { ComposeLanguageModel, detokenize, lmWords } from './language-model.js';

/** Four posts, each repeated: after training, a prefix determines the rest of its post. */
const PLANTED = ['alpha beta gamma delta epsilon', 'red green blue violet', 'one two three four five six', 'sun moon star comet'];
const corpus = PLANTED.flatMap((s) => Array.from({ length: 12 }, () => s));
const fit = () => ComposeLanguageModel.fit(corpus, { epochs: 25, hidden: 32, embeddingDim: 16, minCount: 1, batchSize: 8, seed: 3 });

describe('ComposeLanguageModel', () => {
  it('learns a planted corpus: greedy completion of a prefix is the planted continuation', async () => {
    const lm = await fit();
    const greedy = { n: 1, temperature: 0, topP: 1, maxTokens: 10 };
    expect((await completeDraft(lm, 'alpha beta', greedy, createRng(1))).completions[0]!.text).toBe('gamma delta epsilon');
    expect((await completeDraft(lm, 'one two three', greedy, createRng(1))).completions[0]!.text).toBe('four five six');
    expect((await completeDraft(lm, 'sun', greedy, createRng(1))).completions[0]!.text).toBe('moon star comet');
    // Its per-word perplexity on the corpus is near 1 after the first word (the first word is one of 4).
    const { nll, tokens } = lm.negLogLikelihood(PLANTED);
    expect(Math.exp(nll / tokens)).toBeLessThan(1.5);
  }, 60_000);

  it('survives save and restore with identical predictions', async () => {
    const lm = await fit();
    const back = ComposeLanguageModel.restore(lm.save());
    expect(back.vocab).toEqual(lm.vocab);
    expect(back.negLogLikelihood(PLANTED).nll).toBeCloseTo(lm.negLogLikelihood(PLANTED).nll, 4);
    expect(() => ComposeLanguageModel.restore(new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'ARTIFACT_INVALID' }));
  }, 60_000);

  it('masks blocklisted words, and drops completions the offensive filter scores above its threshold', async () => {
    const lm = await fit();
    const o = { n: 3, temperature: 0.8, topP: 0.95, maxTokens: 6 };
    const blocked = sampleContinuations(lm, 'red green', { ...o, blocklist: new Set(['blue']) }, createRng(2));
    expect(blocked.every((c) => !c.words.includes('blue'))).toBe(true);
    // A planted "classifier": anything with "delta" is offensive (0.9); the threshold is 0.5.
    const filter = { threshold: 0.5, probabilities: async (texts: string[]) => texts.map((t) => (t.includes('delta') ? 0.9 : 0.1)) };
    const r = await completeDraft(lm, 'alpha beta', { ...o, temperature: 0 }, createRng(2), filter);
    expect(r.completions).toEqual([]);
    expect(r.dropped.offensive).toBe(1);
    const kept = await completeDraft(lm, 'sun moon', { ...o, temperature: 0 }, createRng(2), filter);
    expect(kept.completions.map((c) => c.text)).toEqual(['star comet']);
    expect(kept.completions[0]!.logProb).toBeLessThan(0);
  }, 60_000);

  it('reads and writes words as a post shows them', () => {
    expect(lmWords('Great game, @ana! https://x.io #win')).toEqual(['great', 'game', ',', '@user', '!', '<url>', '#win']);
    expect(detokenize(['great', 'game', ',', 'really', '!'])).toBe('great game, really!');
  });
});
