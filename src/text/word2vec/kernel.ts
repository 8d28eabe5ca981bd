/**
 * @module The word2vec training loop (Mikolov et al. 2013, after word2vec.c): skip-gram or CBOW with negative
 * sampling over a slice of the corpus. Self-contained on purpose (no imports, no outer variables): it runs in the
 * main thread or is shipped as source to worker threads that share the matrices (Hogwild, Recht et al. 2011).
 *
 * Per position (word2vec.c): a random reduced window b ∈ [0, window) gives the context span window − b on each
 * side; frequent words were subsampled with keep probability (√(f/(s·T)) + 1)·(s·T)/f. Skip-gram: for each
 * context word c, input syn0[c] predicts the centre word and `negative` noise words drawn from the unigram^0.75
 * table. CBOW: the mean of the context inputs predicts the centre, and its error is added to every context input.
 * Update (label ℓ, sigmoid σ): g = (ℓ − σ(u·v))·α; learning rate α = α₀·(1 − done/(epochs·T + 1)), floored at
 * α₀·1e-4, where `done` counts words processed by all threads (a shared counter).
 */

export interface KernelArgs {
  corpus: Int32Array;
  /** Sentence start offsets into corpus, plus a final end offset. */
  sentences: Int32Array;
  sentenceFrom: number;
  sentenceTo: number;
  syn0: Float32Array;
  syn1: Float32Array;
  table: Int32Array;
  keep: Float32Array;
  /** Shared [wordsDone] counter (Int32 view of a SharedArrayBuffer or a plain array). */
  progress: Int32Array;
  dim: number;
  window: number;
  negative: number;
  sg: boolean;
  alpha0: number;
  epochs: number;
  totalWords: number;
  seed: number;
}

export function word2vecKernel(a: KernelArgs): number {
  const { corpus, sentences, syn0, syn1, table, keep, progress, dim, window, negative, sg, alpha0, epochs, totalWords } = a;
  const tableSize = table.length;
  // Logistic table over [−6, 6] (word2vec.c's EXP_TABLE_SIZE 1000, MAX_EXP 6).
  const EXP = 1000, MAXE = 6;
  const expTable = new Float32Array(EXP);
  for (let i = 0; i < EXP; i++) {
    const e = Math.exp(((i / EXP) * 2 - 1) * MAXE);
    expTable[i] = e / (e + 1);
  }
  let state = (a.seed | 0) || 1;
  const rand = (): number => {
    // xorshift32: quick per-thread randomness.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const dim4 = dim & ~3;
  const neu1 = new Float32Array(dim);
  const neu1e = new Float32Array(dim);
  const sen = new Int32Array(10000);
  let local = 0;
  let alpha = alpha0;
  let processed = 0;
  // One positive (the centre word) and `negative` noise targets for input vector h; accumulates h's error in neu1e.
  const update = (h: Float32Array, target: number): void => {
    for (let d = 0; d <= negative; d++) {
      let t = target, label = 1;
      if (d > 0) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        t = table[(state >>> 0) % tableSize]!;
        if (t === target) continue;
        label = 0;
      }
      const l2 = t * dim;
      // Dot product with four accumulators (breaks the add dependency chain); dim4 = dim rounded down to 4.
      let f0 = 0, f1 = 0, f2 = 0, f3 = 0;
      let c = 0;
      for (; c < dim4; c += 4) {
        f0 += h[c]! * syn1[l2 + c]!;
        f1 += h[c + 1]! * syn1[l2 + c + 1]!;
        f2 += h[c + 2]! * syn1[l2 + c + 2]!;
        f3 += h[c + 3]! * syn1[l2 + c + 3]!;
      }
      for (; c < dim; c++) f0 += h[c]! * syn1[l2 + c]!;
      const f = f0 + f1 + f2 + f3;
      let g: number;
      if (f > MAXE) g = (label - 1) * alpha;
      else if (f < -MAXE) g = label * alpha;
      else g = (label - expTable[((f + MAXE) * (EXP / MAXE / 2)) | 0]!) * alpha;
      for (let c = 0; c < dim; c++) {
        const u = syn1[l2 + c]!;
        neu1e[c]! += g * u;
        syn1[l2 + c] = u + g * h[c]!;
      }
    }
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let s = a.sentenceFrom; s < a.sentenceTo; s++) {
      // Sentences longer than sen.length words are cut there (before subsampling).
      const begin = sentences[s]!, end = Math.min(sentences[s + 1]!, begin + sen.length);
      let n = 0;
      local += end - begin;
      for (let p = begin; p < end; p++) {
        const w = corpus[p]!;
        if (keep[w]! < 1 && keep[w]! < rand()) continue;
        sen[n++] = w;
      }
      if (local >= 10000) {
        const done = Atomics.add(progress, 0, local) + local;
        processed += local;
        local = 0;
        alpha = alpha0 * (1 - done / (epochs * totalWords + 1));
        if (alpha < alpha0 * 0.0001) alpha = alpha0 * 0.0001;
      }
      for (let pos = 0; pos < n; pos++) {
        const word = sen[pos]!;
        const b = Math.floor(rand() * window);
        const lo = Math.max(0, pos - window + b), hi = Math.min(n - 1, pos + window - b);
        if (sg) {
          for (let q = lo; q <= hi; q++) {
            if (q === pos) continue;
            const l1 = sen[q]! * dim;
            for (let c = 0; c < dim; c++) neu1[c] = syn0[l1 + c]!;
            neu1e.fill(0);
            update(neu1, word);
            for (let c = 0; c < dim; c++) syn0[l1 + c]! += neu1e[c]!;
          }
        } else {
          neu1.fill(0);
          let cw = 0;
          for (let q = lo; q <= hi; q++) {
            if (q === pos) continue;
            const l1 = sen[q]! * dim;
            for (let c = 0; c < dim; c++) neu1[c]! += syn0[l1 + c]!;
            cw++;
          }
          if (cw === 0) continue;
          for (let c = 0; c < dim; c++) neu1[c]! /= cw;
          neu1e.fill(0);
          update(neu1, word);
          for (let q = lo; q <= hi; q++) {
            if (q === pos) continue;
            const l1 = sen[q]! * dim;
            for (let c = 0; c < dim; c++) syn0[l1 + c]! += neu1e[c]!;
          }
        }
      }
    }
  }
  Atomics.add(progress, 0, local);
  return processed + local;
}
