import { describe, it, expect } from 'vitest';
import { BACKGROUND_WORDS, SENTIMENT_WORDS, TOPICS } from './vocabulary.js';

const sentimentTokens = new Set(
  [...SENTIMENT_WORDS.positive, ...SENTIMENT_WORDS.negative, ...SENTIMENT_WORDS.negatedPositive, ...SENTIMENT_WORDS.negatedNegative]
    // A negated phrase's sentiment word is the one after the negation ("not worth it" → worth).
    .map((p) => p.split(' ')[p.includes(' ') ? 1 : 0]!),
);

describe('synthetic vocabulary', () => {
  it('has 12 topics of about 40 distinct words, 3–5 hashtags and some emoji', () => {
    expect(TOPICS).toHaveLength(12);
    for (const t of TOPICS) {
      expect(new Set(t.words).size).toBe(t.words.length);
      expect(t.words.length).toBeGreaterThanOrEqual(35);
      expect(t.hashtags.length).toBeGreaterThanOrEqual(3);
      expect(t.hashtags.length).toBeLessThanOrEqual(5);
      expect(t.emoji.length).toBeGreaterThan(0);
      for (const w of t.words) expect(w).toMatch(/^[a-z][a-z-]*$/);
    }
  });

  it('keeps topics apart: no word belongs to two topics or to the background', () => {
    const owner = new Map<string, string>();
    for (const t of TOPICS) {
      for (const w of t.words) {
        expect(owner.get(w), `"${w}" in ${t.name} and ${owner.get(w)}`).toBeUndefined();
        owner.set(w, t.name);
      }
    }
    for (const w of BACKGROUND_WORDS) expect(owner.has(w), w).toBe(false);
  });

  it('keeps sentiment words out of topic and background vocabularies', () => {
    for (const w of [...TOPICS.flatMap((t) => t.words), ...BACKGROUND_WORDS]) expect(sentimentTokens.has(w), w).toBe(false);
    const pos = new Set<string>(SENTIMENT_WORDS.positive);
    for (const w of SENTIMENT_WORDS.negative) expect(pos.has(w)).toBe(false);
  });
});
