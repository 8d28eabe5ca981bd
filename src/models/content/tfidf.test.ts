import { describe, expect, it } from 'vitest';
import { IdMap } from '../../core/id-map.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import { csrGet } from '../../math/csr.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { tfidf, tokenize } from './tfidf-vectorizer.js';
import { contentTfidfFactory } from './tfidf.js';
registerModel(contentTfidfFactory);

describe('tf-idf vectorizer', () => {
  it('tokenizes words, drops stopwords and one-letter tokens', () => {
    expect(tokenize('The Cat, the HAT & a café 42!')).toEqual(['cat', 'hat', 'café', '42']);
  });

  it('weights by sublinear tf and smoothed idf, rows of unit length', () => {
    // 3 docs: "apple apple pear", "pear", "kiwi" (+ tag "fruit" on doc 0).
    const { vectors, vocabulary } = tfidf(['apple apple pear', 'pear', 'kiwi'], [['fruit'], [], []], { minDf: 1, maxDfRatio: 1, tagWeight: 1 });
    expect(vocabulary).toEqual(['#fruit', 'apple', 'kiwi', 'pear']);
    const idf = (df: number): number => Math.log(4 / (1 + df)) + 1;
    const raw = [1 * idf(1), (1 + Math.log(2)) * idf(1), 0, 1 * idf(2)];
    const norm = Math.hypot(...raw);
    for (let t = 0; t < 4; t++) expect(csrGet(vectors, 0, t)).toBeCloseTo(raw[t]! / norm, 6);
    expect(csrGet(vectors, 1, 3)).toBeCloseTo(1, 6);
  });
});

describe('content/tfidf', () => {
  const texts = ['space rocket launch', 'rocket engine space', 'pasta recipe tomato', 'tomato sauce recipe', 'space station orbit', 'new rocket to orbit'];
  const users = IdMap.from(['u0', 'u1']);
  const items = IdMap.from(texts.map((_, i) => `i${i}`));
  // u0 liked two space items, u1 one cooking item; item 5 has no interactions at all (cold start).
  const data = datasetFromInteractions({
    users, items, user: [0, 0, 1], item: [0, 1, 2],
    base: { itemTexts: texts, itemTags: texts.map(() => []), itemAuthors: new Int32Array(6).fill(-1), itemCreatedAt: new Float64Array(6).fill(NaN), follows: { rows: 2, cols: 2, indptr: new Int32Array(3), indices: new Int32Array(0), data: new Float32Array(0) } },
  });

  it('ranks by cosine to the profile and reaches cold-start items', async () => {
    const m = createModel('content/tfidf', { maxDfRatio: 1 });
    await m.fit(data);
    const top = m.recommend(0, { k: 4 }).map((r) => r.item);
    expect(top.slice(0, 2).sort()).toEqual([4, 5]); // both share "space"/"rocket"/"orbit" terms
    expect(m.recommend(1, { k: 1 })[0]!.item).toBe(3);
    expect(m.similarItems(0, 1)[0]!.item).toBe(1);
    // An online like of a cooking item pulls cooking items up for u0.
    m.partialFit!(0, [3], [5]);
    expect(m.recommend(0, { k: 1 })[0]!.item).toBe(2);
  });
});

runRecommenderContract('content/tfidf', {});
