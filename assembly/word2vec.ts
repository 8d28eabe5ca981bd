/**
 * @module The word2vec training loop in AssemblyScript with 128-bit SIMD (compiled by
 * scripts/build-text-wasm.mjs into src/text/word2vec/kernel-wasm.generated.ts). It is the twin of
 * `word2vecKernel` in src/text/word2vec/kernel.ts and follows it step for step (same random stream, same order of
 * updates), computing in f32 where the TypeScript reference uses f64 intermediates.
 *
 * Skip-gram or CBOW with negative sampling (Mikolov et al. 2013, after word2vec.c): per sentence, subsampling
 * with keep probability keep[w]; per position a reduced window b ∈ [0, window); per (input h, centre word)
 * `negative` noise words from the unigram^0.75 table; g = (label − σ(h·u))·α with σ from the 1000-entry table
 * over [−6, 6]; u += g·h, e += g·u; the input receives e. Learning rate α = α₀·(1 − done/(epochs·T + 1)),
 * floored at α₀·1e-4, `done` being the shared word counter every thread adds to (Hogwild, Recht et al. 2011).
 *
 * Every pointer is a byte offset into the imported shared memory; each thread has its own scratch (scratchBytes).
 */

const EXP_TABLE_SIZE: i32 = 1000;
const MAX_EXP: f32 = 6;
/** Longest sentence kept (word2vec.c's MAX_SENTENCE_LENGTH 1000 was raised to 10000 as in gensim). */
const MAX_SENTENCE: i32 = 10000;
/** Words between updates of the shared counter and of the learning rate. */
const FLUSH_WORDS: i32 = 10000;

/** First free byte after static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of per-thread scratch: neu1, neu1e (dim rounded up to 4 floats each), target rows and gradients
 * (negative + 1 each), a flag, then the subsampled sentence (MAX_SENTENCE i32). */
export function scratchBytes(dim: i32, negative: i32): i32 {
  return 2 * (((dim + 3) & ~3) << 2) + 2 * (((negative + 4) & ~3) << 2) + 16 + (MAX_SENTENCE << 2);
}

let rngState: u32 = 1;

/** xorshift32, as the reference kernel. */
// @ts-ignore: decorator
@inline function nextU32(): u32 {
  let s = rngState;
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  rngState = s;
  return s;
}

// @ts-ignore: decorator
@inline function uniform(): f64 {
  return <f64>nextU32() / 4294967296.0;
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Σ a[c]·b[c] over dim floats. */
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, dim: i32): f32 {
  const bytes = <usize>(dim & ~3) << 2;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o + 16), v128.load(b + o + 16)));
  }
  if (o < bytes) s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  let s = hsum(f32x4.add(s0, s1));
  for (let c = dim & ~3; c < dim; c++) s += load<f32>(a + (<usize>c << 2)) * load<f32>(b + (<usize>c << 2));
  return s;
}

/** y += x over dim floats. */
// @ts-ignore: decorator
@inline function addTo(x: usize, y: usize, dim: i32): void {
  const bytes = <usize>(dim & ~3) << 2;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(y + o, f32x4.add(v128.load(y + o), v128.load(x + o)));
  for (let c = dim & ~3; c < dim; c++) {
    const p = <usize>c << 2;
    store<f32>(y + p, load<f32>(y + p) + load<f32>(x + p));
  }
}

/** Zeroes dim floats (rounded up to 4: scratch vectors are padded). */
// @ts-ignore: decorator
@inline function zero(x: usize, dim: i32): void {
  const bytes = <usize>((dim + 3) & ~3) << 2;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(x + o, f32x4.splat(0));
}

/** g = (label − σ(f))·α, σ from the table over [−6, 6] and saturated outside (word2vec.c). */
// @ts-ignore: decorator
@inline function gradient(f: f32, label: f32, alpha: f32, expTable: usize): f32 {
  if (f > MAX_EXP) return (label - 1) * alpha;
  if (f < -MAX_EXP) return label * alpha;
  const i = <i32>((<f64>f + <f64>MAX_EXP) * (<f64>EXP_TABLE_SIZE / <f64>MAX_EXP / 2.0));
  return (label - load<f32>(expTable + (<usize>i << 2))) * alpha;
}

/**
 * Draws the targets of one input: the centre word (label 1) then `negative` noise words from the table, noise
 * words equal to the centre word skipped (word2vec.c). Writes syn1 row addresses to rows; returns their count.
 * `distinct` (scratch i32) is set to 1 when no row repeats.
 */
// @ts-ignore: decorator
@inline function drawTargets(word: i32, rows: usize, syn1: usize, rowBytes: usize, table: usize, tableSize: u32, negative: i32, distinct: usize): i32 {
  store<usize>(rows, syn1 + <usize>word * rowBytes);
  let m: i32 = 1;
  let unique: i32 = 1;
  for (let d = 0; d < negative; d++) {
    const t = load<i32>(table + (<usize>(nextU32() % tableSize) << 2));
    if (t == word) continue;
    const r = syn1 + <usize>t * rowBytes;
    for (let j = 1; j < m; j++) if (load<usize>(rows + (<usize>j << 2)) == r) unique = 0;
    store<usize>(rows + (<usize>m << 2), r);
    m++;
  }
  store<i32>(distinct, unique);
  return m;
}

/**
 * word2vec.c's update, one target after the other: for target d (row u, label 1 for d = 0 else 0),
 * g = (label − σ(h·u))·α, e += g·u, u += g·h. e must be zeroed by the caller; h is not changed.
 */
function updateSequential(h: usize, e: usize, rows: usize, m: i32, expTable: usize, dim: i32, alpha: f32): void {
  const rowBytes = <usize>dim << 2;
  const bytes4 = <usize>(dim & ~3) << 2;
  for (let d = 0; d < m; d++) {
    const u = load<usize>(rows + (<usize>d << 2));
    const g = gradient(dot(h, u, dim), d == 0 ? 1 : 0, alpha, expTable);
    const gv = f32x4.splat(g);
    let o: usize = 0;
    for (; o < bytes4; o += 16) {
      const uv = v128.load(u + o);
      v128.store(e + o, f32x4.add(v128.load(e + o), f32x4.mul(gv, uv)));
      v128.store(u + o, f32x4.add(uv, f32x4.mul(gv, v128.load(h + o))));
    }
    for (; o < rowBytes; o += 4) {
      const uc = load<f32>(u + o);
      store<f32>(e + o, load<f32>(e + o) + g * uc);
      store<f32>(u + o, uc + g * load<f32>(h + o));
    }
  }
}

/**
 * The same update when the m target rows are distinct and dim % 4 = 0, in two passes instead of 2m: h is fixed
 * during the update and no row is read after another's write, so all m dots can be taken first (three rows per
 * pass over h), then one pass does e = Σ g_d·u_d and u_d += g_d·h for every d. The result is the sequential one
 * up to the order of float additions. e receives the error (it may be h itself: h += e at the end).
 */
function updateBatched(h: usize, e: usize, addToH: bool, rows: usize, gs: usize, m: i32, expTable: usize, dim: i32, alpha: f32): void {
  const bytes = <usize>dim << 2;
  let d: i32 = 0;
  for (; d + 3 <= m; d += 3) {
    const a = load<usize>(rows + (<usize>d << 2));
    const b = load<usize>(rows + (<usize>(d + 1) << 2));
    const c = load<usize>(rows + (<usize>(d + 2) << 2));
    let sa = f32x4.splat(0), sb = f32x4.splat(0), sc = f32x4.splat(0);
    for (let o: usize = 0; o < bytes; o += 16) {
      const hv = v128.load(h + o);
      sa = f32x4.add(sa, f32x4.mul(hv, v128.load(a + o)));
      sb = f32x4.add(sb, f32x4.mul(hv, v128.load(b + o)));
      sc = f32x4.add(sc, f32x4.mul(hv, v128.load(c + o)));
    }
    store<f32>(gs + (<usize>d << 2), hsum(sa));
    store<f32>(gs + (<usize>(d + 1) << 2), hsum(sb));
    store<f32>(gs + (<usize>(d + 2) << 2), hsum(sc));
  }
  for (; d < m; d++) store<f32>(gs + (<usize>d << 2), dot(h, load<usize>(rows + (<usize>d << 2)), dim));
  for (d = 0; d < m; d++) {
    const at = gs + (<usize>d << 2);
    store<f32>(at, gradient(load<f32>(at), d == 0 ? 1 : 0, alpha, expTable));
  }
  if (m == 6) {
    // negative = 5 with no noise word equal to the centre word: the usual case, unrolled.
    const r0 = load<usize>(rows), r1 = load<usize>(rows + 4), r2 = load<usize>(rows + 8);
    const r3 = load<usize>(rows + 12), r4 = load<usize>(rows + 16), r5 = load<usize>(rows + 20);
    const g0 = v128.load32_splat(gs), g1 = v128.load32_splat(gs + 4), g2 = v128.load32_splat(gs + 8);
    const g3 = v128.load32_splat(gs + 12), g4 = v128.load32_splat(gs + 16), g5 = v128.load32_splat(gs + 20);
    for (let o: usize = 0; o < bytes; o += 16) {
      const hv = v128.load(h + o);
      let u = v128.load(r0 + o);
      let ev = f32x4.mul(g0, u);
      v128.store(r0 + o, f32x4.add(u, f32x4.mul(g0, hv)));
      u = v128.load(r1 + o);
      ev = f32x4.add(ev, f32x4.mul(g1, u));
      v128.store(r1 + o, f32x4.add(u, f32x4.mul(g1, hv)));
      u = v128.load(r2 + o);
      ev = f32x4.add(ev, f32x4.mul(g2, u));
      v128.store(r2 + o, f32x4.add(u, f32x4.mul(g2, hv)));
      u = v128.load(r3 + o);
      ev = f32x4.add(ev, f32x4.mul(g3, u));
      v128.store(r3 + o, f32x4.add(u, f32x4.mul(g3, hv)));
      u = v128.load(r4 + o);
      ev = f32x4.add(ev, f32x4.mul(g4, u));
      v128.store(r4 + o, f32x4.add(u, f32x4.mul(g4, hv)));
      u = v128.load(r5 + o);
      ev = f32x4.add(ev, f32x4.mul(g5, u));
      v128.store(r5 + o, f32x4.add(u, f32x4.mul(g5, hv)));
      v128.store(e + o, addToH ? f32x4.add(hv, ev) : ev);
    }
    return;
  }
  for (let o: usize = 0; o < bytes; o += 16) {
    const hv = v128.load(h + o);
    let ev = f32x4.splat(0);
    for (d = 0; d < m; d++) {
      const r = load<usize>(rows + (<usize>d << 2));
      const gv = v128.load32_splat(gs + (<usize>d << 2));
      const u = v128.load(r + o);
      ev = f32x4.add(ev, f32x4.mul(gv, u));
      v128.store(r + o, f32x4.add(u, f32x4.mul(gv, hv)));
    }
    v128.store(e + o, addToH ? f32x4.add(hv, ev) : ev);
  }
}

/**
 * One input vector h against the centre word and its noise words. Skip-gram (h a syn0 row): h += e at the end.
 * CBOW (h = neu1): the error is left in e (neu1e) for the caller to add to every context row.
 */
// @ts-ignore: decorator
@inline function trainPair(
  h: usize, word: i32, e: usize, sg: bool, syn1: usize, table: usize, tableSize: u32, expTable: usize,
  dim: i32, negative: i32, alpha: f32, targets: usize, gs: usize, flag: usize,
): void {
  const m = drawTargets(word, targets, syn1, <usize>dim << 2, table, tableSize, negative, flag);
  if ((dim & 3) == 0 && load<i32>(flag) == 1) {
    updateBatched(h, sg ? h : e, sg, targets, gs, m, expTable, dim, alpha);
  } else {
    zero(e, dim);
    updateSequential(h, e, targets, m, expTable, dim, alpha);
    if (sg) addTo(e, h, dim);
  }
}

/**
 * Trains on one sentence, corpus[begin, end): subsampling, then every position. Exported (and so never inlined)
 * on purpose: V8 first runs WebAssembly in its baseline compiler and swaps in optimised code only at function
 * entry, so the hot loop must sit in a function that is entered often rather than in `train`'s long-running frame.
 */
export function trainSentence(
  corpus: usize, begin: i32, end: i32, syn0: usize, syn1: usize, table: usize, tableSize: u32, keep: usize,
  expTable: usize, scratch: usize, dim: i32, window: i32, negative: i32, sg: i32, alpha: f32,
): void {
  const padded = <usize>((dim + 3) & ~3) << 2;
  const neu1 = scratch;
  const neu1e = neu1 + padded;
  const targets = neu1e + padded;
  const gs = targets + (<usize>((negative + 4) & ~3) << 2);
  const flag = gs + (<usize>((negative + 4) & ~3) << 2);
  const sen = flag + 16;
  const rowBytes = <usize>dim << 2;
  const dw = <f64>window;
  let n: i32 = 0;
  for (let p = begin; p < end && n < MAX_SENTENCE; p++) {
    const w = load<i32>(corpus + (<usize>p << 2));
    const k = <f64>load<f32>(keep + (<usize>w << 2));
    if (k < 1.0 && k < uniform()) continue;
    store<i32>(sen + (<usize>n << 2), w);
    n++;
  }
  for (let pos = 0; pos < n; pos++) {
    const word = load<i32>(sen + (<usize>pos << 2));
    const b = <i32>Math.floor(uniform() * dw);
    let lo = pos - window + b;
    if (lo < 0) lo = 0;
    let hi = pos + window - b;
    if (hi > n - 1) hi = n - 1;
    if (sg) {
      for (let q = lo; q <= hi; q++) {
        if (q == pos) continue;
        const l1 = syn0 + <usize>load<i32>(sen + (<usize>q << 2)) * rowBytes;
        trainPair(l1, word, neu1e, true, syn1, table, tableSize, expTable, dim, negative, alpha, targets, gs, flag);
      }
    } else {
      zero(neu1, dim);
      let cw: i32 = 0;
      for (let q = lo; q <= hi; q++) {
        if (q == pos) continue;
        addTo(syn0 + <usize>load<i32>(sen + (<usize>q << 2)) * rowBytes, neu1, dim);
        cw++;
      }
      if (cw == 0) continue;
      // Padding lanes of neu1 are zero, so dividing whole vectors is safe.
      const cv = f32x4.splat(<f32>cw);
      for (let o: usize = 0; o < padded; o += 16) v128.store(neu1 + o, f32x4.div(v128.load(neu1 + o), cv));
      trainPair(neu1, word, neu1e, false, syn1, table, tableSize, expTable, dim, negative, alpha, targets, gs, flag);
      for (let q = lo; q <= hi; q++) {
        if (q == pos) continue;
        addTo(neu1e, syn0 + <usize>load<i32>(sen + (<usize>q << 2)) * rowBytes, dim);
      }
    }
  }
}

/**
 * Trains until the shared chunk counter passes epochs × nChunks: each claim c is chunk c mod nChunks of epoch
 * ⌊c / nChunks⌋, i.e. sentences [chunks[c mod nChunks], chunks[c mod nChunks + 1]) (dynamic scheduling: threads
 * that get more CPU take more chunks; one thread goes through every epoch in order). Returns the words this
 * thread processed. corpus: i32 word ids; sentences: i32 start offsets (plus a final end); chunks: i32 sentence
 * indices (nChunks + 1); claim: the shared i32 chunk counter; syn0, syn1: V × dim f32; table: i32 noise table of
 * tableSize entries; keep: f32 per word; expTable: 1000 f32 logistic values; progress: the shared i32 word counter.
 */
export function train(
  corpus: usize, sentences: usize, chunks: usize, nChunks: i32, claim: usize,
  syn0: usize, syn1: usize, table: usize, tableSize: u32, keep: usize, expTable: usize, progress: usize,
  scratch: usize, dim: i32, window: i32, negative: i32, sg: i32, alpha0: f64, epochs: i32, totalWords: f64, seed: u32,
): f64 {
  rngState = seed != 0 ? seed : 1;
  let local: i32 = 0;
  let processed: f64 = 0;
  let alpha = <f32>alpha0;
  const floor = alpha0 * 0.0001;
  const claims = epochs * nChunks;
  for (let c = atomic.add<i32>(claim, 1); c < claims; c = atomic.add<i32>(claim, 1)) {
    const chunk = c % nChunks;
    const from = load<i32>(chunks + (<usize>chunk << 2));
    const to = load<i32>(chunks + (<usize>(chunk + 1) << 2));
    for (let s = from; s < to; s++) {
      const begin = load<i32>(sentences + (<usize>s << 2));
      let end = load<i32>(sentences + (<usize>(s + 1) << 2));
      if (end - begin > MAX_SENTENCE) end = begin + MAX_SENTENCE;
      local += end - begin;
      if (local >= FLUSH_WORDS) {
        const done = <f64>atomic.add<i32>(progress, local) + <f64>local;
        processed += <f64>local;
        local = 0;
        let a = alpha0 * (1.0 - done / (<f64>epochs * totalWords + 1.0));
        if (a < floor) a = floor;
        alpha = <f32>a;
      }
      trainSentence(corpus, begin, end, syn0, syn1, table, tableSize, keep, expTable, scratch, dim, window, negative, sg, alpha);
    }
  }
  atomic.add<i32>(progress, local);
  return processed + <f64>local;
}
