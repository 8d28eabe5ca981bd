import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csrToDense } from '../math/csr.js';
import { createVectorizer, loadVectorizer } from './vectorizer.js';
import { murmur3 } from './murmur3.js';
import { charNgrams, wordNgrams } from './ngrams.js';
import { tokenizeToStrings } from './tokenize.js';

describe('murmur3', () => {
  it('matches scikit-learn murmurhash3_32 (seed 0 and 42)', () => {
    // Values printed by sklearn.utils.murmurhash3_32(s, seed) on this machine.
    const cases: [string, number, number][] = [
      ['', 0, 142593372], ['hello', 613153351, -488910111], ['The quick brown fox jumps over the lazy dog', 776992547, 880582914],
      ['café', 605818632, 1312538061], ['😂 ok', -1032874811, -427895807], ['abc', -1277324294, 1313807976],
    ];
    for (const [s, h0, h42] of cases) {
      expect(murmur3(s)).toBe(h0);
      expect(murmur3(s, 42)).toBe(h42);
    }
  });
});

describe('createVectorizer', () => {
  const docs = ['a b b', 'b c', 'c c c d'];

  it('sublinear tf, smooth idf and l2 norm match a hand-computed case', () => {
    const v = createVectorizer({ sublinearTf: true });
    const X = v.fitTransform(docs);
    expect(v.featureNames()).toEqual(['a', 'b', 'c', 'd']);
    // idf = ln((1+n)/(1+df)) + 1 with n = 3: df(a) = 1 → ln 2 + 1; df(b) = 2 → ln(4/3) + 1.
    expect(v.idf[0]).toBeCloseTo(Math.log(2) + 1, 6);
    expect(v.idf[1]).toBeCloseTo(Math.log(4 / 3) + 1, 6);
    // Doc 1: a: tf 1 → 1·1.6931; b: tf 2 → (1 + ln 2)·1.2877 = 2.1802; l2 → 0.6134, 0.7898 (as scikit-learn).
    const d = csrToDense(X);
    const expected = [0.6133555, 0.7898069, 0, 0, 0, 0.7071068, 0.7071068, 0, 0, 0, 0.8474085, 0.5309415];
    expected.forEach((x, i) => expect(d[i]).toBeCloseTo(x, 5));
  });

  it('prunes by document frequency and caps the vocabulary by frequency', () => {
    expect(createVectorizer({ blocks: [{ analyzer: 'word', minDf: 2 }] }).fit(docs).featureNames()).toEqual(['b', 'c']);
    expect(createVectorizer({ blocks: [{ analyzer: 'word', maxDf: 0.4 }] }).fit(docs).featureNames()).toEqual(['a', 'd']);
    // Total counts: c 4, b 3, a 1, d 1.
    expect(createVectorizer({ blocks: [{ analyzer: 'word', maxFeatures: 2 }] }).fit(docs).featureNames()).toEqual(['b', 'c']);
  });

  it('combines word and char blocks, each normalised, rows sorted by column', () => {
    const v = createVectorizer({ blocks: [{ analyzer: 'word', ngramRange: [1, 2] }, { analyzer: 'char_wb', ngramRange: [2, 3] }] });
    const X = v.fitTransform(['hi a', 'a b']);
    expect(v.featureNames().slice(0, 5)).toEqual(['a', 'a b', 'b', 'hi', 'hi a']);
    expect(v.featureNames()).toContain(' hi');
    for (let r = 0; r < X.rows; r++) {
      let w = 0, c = 0;
      for (let k = X.indptr[r]!; k < X.indptr[r + 1]!; k++) {
        if (k > X.indptr[r]!) expect(X.indices[k]!).toBeGreaterThan(X.indices[k - 1]!);
        if (X.indices[k]! < 5) w += X.data[k]! ** 2;
        else c += X.data[k]! ** 2;
      }
      expect(w).toBeCloseTo(1, 5);
      expect(c).toBeCloseTo(1, 5);
    }
    // Unknown terms are ignored at transform time.
    expect(v.transform(['zzz']).indptr[1]).toBe(0);
  });

  it('feature hashing puts a term in |murmur3| mod n with the sign of the hash', () => {
    const v = createVectorizer({ blocks: [{ analyzer: 'word', hashing: { nFeatures: 16 } }], useIdf: false, norm: 'none' });
    const X = v.fitTransform(['abc hello']);
    const d = csrToDense(X);
    expect(d[Math.abs(murmur3('abc')) % 16]).toBe(-1);
    expect(d[Math.abs(murmur3('hello')) % 16]).toBe(1);
    expect(v.nFeatures).toBe(16);
  });

  it('saves and loads to the same transform', () => {
    const v = createVectorizer({ blocks: [{ analyzer: 'word', ngramRange: [1, 2] }, { analyzer: 'char_wb' }], sublinearTf: true });
    const train = ['I love this!', 'I hate this…', 'meh :) #ok'];
    v.fit(train);
    const path = join(mkdtempSync(join(tmpdir(), 'vec-')), 'v.safetensors');
    v.save(path);
    const w = loadVectorizer(path);
    expect(w.featureNames()).toEqual(v.featureNames());
    expect(Array.from(csrToDense(w.transform(train)))).toEqual(Array.from(csrToDense(v.transform(train))));
  });

  it('hashed n-gram counting equals counting the n-gram strings (char_wb and word) on random texts', () => {
    const pieces = ['a', 'I', 'ok', 'sooo', 'good', '😂', 'café', '#tag', '@u', 'x.y', "can't", '東京', 'hello world'];
    let seed = 3;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const texts = Array.from({ length: 60 }, () => Array.from({ length: 1 + rnd(8) }, () => pieces[rnd(pieces.length)]!).join(' '));
    for (const block of [{ analyzer: 'char_wb' as const, ngramRange: [3, 5] as const }, { analyzer: 'word' as const, ngramRange: [1, 3] as const }]) {
      const v = createVectorizer({ blocks: [block], useIdf: false, norm: 'none' });
      const X = v.fitTransform(texts);
      const names = v.featureNames();
      texts.forEach((t, d) => {
        const toks = tokenizeToStrings(t);
        const grams = block.analyzer === 'word' ? wordNgrams(toks, 1, 3) : charNgrams(toks, 3, 5);
        const expected = new Map<string, number>();
        for (const g of grams) expected.set(g, (expected.get(g) ?? 0) + 1);
        const got = new Map<string, number>();
        for (let k = X.indptr[d]!; k < X.indptr[d + 1]!; k++) got.set(names[X.indices[k]!]!, X.data[k]!);
        expect(got).toEqual(expected);
      });
    }
  });
});
