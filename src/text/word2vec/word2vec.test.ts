import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { buildVocabulary, keepProbabilities, trainWord2Vec, unigramTable } from './train.js';
import { word2vecBackend } from './kernel-wasm.js';
import { loadWord2Vec, saveWord2Vec } from './io.js';
import { createWordVectors, type WordVectors } from './model.js';
import { firstComponent, meanVectors, sifVectors } from './doc-vectors.js';

/** 4 planted groups of 8 words; each sentence draws 12 words from one group. */
function plantedCorpus(n: number, seed: number): string[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const g = rng.int(4);
    return Array.from({ length: 12 }, () => `g${g}w${rng.int(8)}`);
  });
}

function groupPurity(wv: WordVectors, k = 5): number {
  let same = 0, total = 0;
  for (const w of wv.words) {
    for (const nb of wv.mostSimilar(w, k)) {
      total++;
      if (nb.word.slice(0, 2) === w.slice(0, 2)) same++;
    }
  }
  return same / total;
}

describe('word2vec', () => {
  const corpus = plantedCorpus(1500, 1);

  it('skip-gram: words of a planted group are each other nearest neighbours', async () => {
    const wv = await trainWord2Vec(corpus.slice(0, 800), { dim: 16, window: 3, minCount: 1, sample: 0, threads: 1, seed: 3 });
    expect(groupPurity(wv)).toBeGreaterThan(0.95);
  });

  it('CBOW with two Hogwild workers learns the same structure', async () => {
    const wv = await trainWord2Vec(corpus, { architecture: 'cbow', dim: 16, minCount: 1, sample: 0, threads: 2, seed: 3 });
    expect(wv.backend).toBe(word2vecBackend().backend);
    expect(groupPurity(wv)).toBeGreaterThan(0.95);
    expect(wv.wordsPerSecond).toBeGreaterThan(0);
  });

  it('the TypeScript reference learns the planted groups too', async () => {
    const wv = await trainWord2Vec(corpus.slice(0, 800), { dim: 16, window: 3, minCount: 1, sample: 0, threads: 1, seed: 3, backend: 'js' });
    expect(wv.backend).toBe('js');
    expect(groupPurity(wv)).toBeGreaterThan(0.95);
  });

  const wasm = word2vecBackend().backend === 'wasm-simd';
  // One thread and one seed: both kernels draw the same random numbers, so they make the same updates and the
  // vectors differ only by float rounding (f32 in the kernel, f64 intermediates in the reference). dim 16 takes
  // the kernel's batched update, dim 18 its sequential one; sample 0.01 makes subsampling draw numbers too.
  it.skipIf(!wasm).each([
    ['skipgram', 16], ['skipgram', 18], ['cbow', 16], ['cbow', 18],
  ] as const)('the WebAssembly kernel makes the reference updates (%s, dim %i)', async (architecture, dim) => {
    const cfg = { architecture, dim, window: 3, minCount: 1, sample: 0.01, epochs: 2, threads: 1, seed: 5 } as const;
    const ref = await trainWord2Vec(corpus.slice(0, 300), { ...cfg, backend: 'js' });
    const fast = await trainWord2Vec(corpus.slice(0, 300), { ...cfg, backend: 'wasm-simd' });
    expect(fast.backend).toBe('wasm-simd');
    expect(fast.words).toEqual(ref.words);
    let maxAbs = 0, maxDiff = 0;
    for (let i = 0; i < ref.vectors.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(ref.vectors[i]!));
      maxDiff = Math.max(maxDiff, Math.abs(ref.vectors[i]! - fast.vectors[i]!));
    }
    expect(maxAbs).toBeGreaterThan(0.5); // trained well away from the ±0.5/dim start
    expect(maxDiff).toBeLessThan(2e-3 * maxAbs);
  });

  it('vocabulary, subsampling and noise table follow word2vec.c', () => {
    const v = buildVocabulary([['a', 'b', 'a', 'c'], ['a', 'b']], 2);
    expect(v.words).toEqual(['a', 'b']);
    expect(Array.from(v.counts)).toEqual([3, 2]);
    // keep = (√(c/(sT)) + 1)·sT/c with s = 0.1, T = 5: for c = 3 → (√(6) + 1)·0.5/3.
    expect(keepProbabilities(Int32Array.from([3, 2]), 0.1)[0]).toBeCloseTo((Math.sqrt(6) + 1) * (0.5 / 3), 6);
    // Table shares ∝ c^0.75: 16^0.75 = 8 vs 1 → 8/9 of the slots.
    const t = unigramTable(Int32Array.from([16, 1]), 9000);
    const zeros = t.filter((x) => x === 0).length;
    expect(zeros / 9000).toBeCloseTo(8 / 9, 2);
  });

  it('analogy by 3CosAdd on hand-made vectors', () => {
    const words = ['man', 'woman', 'king', 'queen', 'apple'];
    const vecs = Float32Array.from([1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, -1].concat([]).slice(0, 15));
    // man (1,0,0) woman (1,1,0) king (1,0,1) queen (1,1,1) apple (0,0,-1)
    const wv = createWordVectors(words, 3, vecs);
    expect(wv.analogy('man', 'woman', 'king', 1)[0]!.word).toBe('queen');
    expect(wv.mostSimilar('king', 1)[0]!.word).toBe('queen');
  });

  it('saves and loads the text and binary formats', () => {
    const rng = createRng(2);
    const wv = createWordVectors(['a', 'é😂', 'c'], 4, Float32Array.from({ length: 12 }, () => rng.normal()));
    const dir = mkdtempSync(join(tmpdir(), 'w2v-'));
    for (const format of ['text', 'binary'] as const) {
      const path = join(dir, `v.${format}`);
      saveWord2Vec(path, wv, format);
      const back = loadWord2Vec(path);
      expect(back.words).toEqual(wv.words);
      for (let i = 0; i < 12; i++) expect(back.vectors[i]).toBeCloseTo(wv.vectors[i]!, 6);
    }
  });

  it('SIF removes the first principal component; mean averages', () => {
    const wv = createWordVectors(['x', 'y'], 2, Float32Array.from([1, 0, 0, 2]), Int32Array.from([1, 1]));
    expect(Array.from(meanVectors([['x', 'y', 'zzz']], wv))).toEqual([0.5, 1]);
    // Rows along (3, 4)/5 plus a little noise: the first component is ±(0.6, 0.8).
    const X = Float32Array.from([3, 4, 6, 8.1, -3, -4, 1.5, 2]);
    const u = firstComponent(X, 2);
    expect(Math.abs(u[0]!)).toBeCloseTo(0.6, 2);
    expect(Math.abs(u[1]!)).toBeCloseTo(0.8, 2);
    const { vectors, component } = sifVectors([['x'], ['y'], ['x', 'y']], wv);
    for (let r = 0; r < 3; r++) expect(vectors[2 * r]! * component![0]! + vectors[2 * r + 1]! * component![1]!).toBeCloseTo(0, 6);
  });
});
