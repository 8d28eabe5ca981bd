/**
 * @module word2vec training: vocabulary (min count, sorted by frequency as word2vec.c), subsampling, the
 * unigram^0.75 noise table, and Hogwild training on worker threads sharing the matrices. The training loop runs
 * in the WebAssembly SIMD kernel (kernel-wasm.ts, arrays in one shared WebAssembly.Memory) when available, else in
 * the TypeScript reference `word2vecKernel` (kernel.ts, arrays in SharedArrayBuffers); both draw the same random
 * stream, so one thread with one seed gives the same updates up to f32 rounding.
 */
import { Worker } from 'node:worker_threads';
import { createError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import type { Progress } from '../../core/progress.js';
import { word2vecKernel, type KernelArgs } from './kernel.js';
import { allocateArena, planChunks, runWasmKernel, runWasmWorker, word2vecBackend, type ArenaSizes, type Word2VecArena } from './kernel-wasm.js';
import { createWordVectors, type WordVectors } from './model.js';

export interface Word2VecConfig {
  /** 'skipgram' (default) or 'cbow'. */
  architecture?: 'skipgram' | 'cbow';
  /** Vector size, default 100. */
  dim?: number;
  /** Maximum context distance, default 5 (a random reduced window per position, as word2vec.c). */
  window?: number;
  /** Noise words per positive pair, default 5. */
  negative?: number;
  /** Words rarer than this are dropped, default 5. */
  minCount?: number;
  /** Subsampling threshold s, default 1e-3 (word2vec.c's -sample). 0 disables. */
  sample?: number;
  /** Passes over the corpus, default 5. */
  epochs?: number;
  /** Starting learning rate; default 0.025 for skip-gram, 0.05 for CBOW (word2vec.c). */
  alpha?: number;
  /** Worker threads, default 2 (1 trains in this thread, deterministically for a seed). */
  threads?: number;
  seed?: number;
  /** 'auto' (default: WebAssembly SIMD when available), 'wasm-simd' (fail if unavailable) or 'js'. */
  backend?: 'auto' | Word2VecBackend;
  progress?: Progress;
}

export type Word2VecBackend = 'wasm-simd' | 'js';

export interface Word2VecModel extends WordVectors {
  readonly config: Required<Omit<Word2VecConfig, 'progress' | 'backend'>>;
  /** Words per second of the last training. */
  readonly wordsPerSecond: number;
  /** The training loop that ran. */
  readonly backend: Word2VecBackend;
}

/** Noise table size: word2vec.c uses 1e8; 1e7 keeps the relative error of any p ≥ 1e-6 small at 40 MB. */
const TABLE_SIZE = 10_000_000;

export interface Vocabulary {
  words: string[];
  counts: Int32Array;
  index: Map<string, number>;
}

/** Words with count ≥ minCount, most frequent first (ties by first appearance, stable). */
export function buildVocabulary(sentences: Iterable<readonly string[]>, minCount: number): Vocabulary {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
  const kept = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1]);
  return { words: kept.map(([w]) => w), counts: Int32Array.from(kept.map(([, c]) => c)), index: new Map(kept.map(([w], i) => [w, i])) };
}

/** Noise table: word i fills a share of slots proportional to count_i^0.75 (Mikolov et al. 2013). */
export function unigramTable(counts: Int32Array, size = TABLE_SIZE, into?: Int32Array): Int32Array {
  const table = into ?? new Int32Array(size);
  let total = 0;
  for (const c of counts) total += Math.pow(c, 0.75);
  let i = 0;
  let cum = counts.length ? Math.pow(counts[0]!, 0.75) / total : 1;
  for (let a = 0; a < table.length; a++) {
    table[a] = i;
    if (a / table.length > cum && i < counts.length - 1) {
      i++;
      cum += Math.pow(counts[i]!, 0.75) / total;
    }
  }
  return table;
}

/** word2vec.c keep probability: (√(c/(s·T)) + 1)·(s·T)/c, capped at 1 (s = sample, T = corpus words). */
export function keepProbabilities(counts: Int32Array, sample: number): Float32Array {
  let T = 0;
  for (const c of counts) T += c;
  const keep = new Float32Array(counts.length).fill(1);
  if (sample <= 0) return keep;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    keep[i] = Math.min(1, (Math.sqrt(c / (sample * T)) + 1) * ((sample * T) / c));
  }
  return keep;
}

function shared<T extends Int32Array | Float32Array>(ctor: new (b: SharedArrayBuffer) => T, n: number, bytes: number): T {
  return new ctor(new SharedArrayBuffer(n * bytes));
}

// Worker body: the kernel's own source (transpiled JS), run on the shared buffers. `__name` guards against
// the keep-names helper some transpilers insert into function bodies.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
var __name = (f) => f;
const kernel = (${word2vecKernel.toString()});
parentPort.postMessage(kernel(workerData));
`;

function runWorker(args: KernelArgs): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: args });
    w.once('message', (n: number) => resolve(n));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(createError('INTERNAL', { problem: `word2vec worker exited with code ${code}` }));
    });
  });
}

/**
 * Trains word vectors on tokenized sentences.
 * @example const wv = await trainWord2Vec(tweets.map((t) => tokenizeToStrings(t)), { architecture: 'cbow' }); wv.mostSimilar('good')
 */
export async function trainWord2Vec(sentences: readonly (readonly string[])[], config: Word2VecConfig = {}): Promise<Word2VecModel> {
  const sg = (config.architecture ?? 'skipgram') === 'skipgram';
  const cfg: Word2VecModel['config'] = {
    architecture: sg ? 'skipgram' : 'cbow',
    dim: config.dim ?? 100,
    window: config.window ?? 5,
    negative: config.negative ?? 5,
    minCount: config.minCount ?? 5,
    sample: config.sample ?? 1e-3,
    epochs: config.epochs ?? 5,
    alpha: config.alpha ?? (sg ? 0.025 : 0.05),
    threads: Math.max(1, config.threads ?? 2),
    seed: config.seed ?? 42,
  };
  const vocab = buildVocabulary(sentences, cfg.minCount);
  const V = vocab.words.length;
  if (V === 0) throw createError('DATASET_EMPTY', { what: `words occurring at least ${cfg.minCount} times` });
  let total = 0;
  for (const s of sentences) for (const w of s) if (vocab.index.has(w)) total++;
  const dim = cfg.dim;
  const tableSize = Math.min(TABLE_SIZE, Math.max(1_000_000, 100 * V));
  const arrays = allocate(config.backend ?? 'auto', {
    corpusWords: total, sentences: sentences.length, vocabulary: V, dim, negative: cfg.negative, tableSize, threads: cfg.threads,
  });
  const { corpus, sentences: offsets, syn0, table, keep, progress } = arrays.views;
  // Corpus as word ids; sentence offsets beside it.
  let p = 0;
  sentences.forEach((s, i) => {
    offsets[i] = p;
    for (const w of s) {
      const id = vocab.index.get(w);
      if (id !== undefined) corpus[p++] = id;
    }
  });
  offsets[sentences.length] = p;
  // word2vec.c initialisation: syn0 uniform in [−0.5, 0.5)/dim, syn1neg zeros.
  const rng = createRng(cfg.seed);
  for (let i = 0; i < syn0.length; i++) syn0[i] = (rng.next() - 0.5) / dim;
  unigramTable(vocab.counts, tableSize, table);
  keep.set(keepProbabilities(vocab.counts, cfg.sample));
  const settings = { dim, window: cfg.window, negative: cfg.negative, sg, alpha0: cfg.alpha, epochs: cfg.epochs, totalWords: total };
  const n = sentences.length;
  const start = performance.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  if (config.progress) {
    const report = config.progress;
    timer = setInterval(() => report(Atomics.load(progress, 0), cfg.epochs * total, 'words'), 500);
  }
  const arena = arrays.arena;
  try {
    if (arena) {
      // One kernel per thread, all pulling chunks of sentences from a shared counter.
      planChunks(arena);
      const seeds = Array.from({ length: cfg.threads }, () => rng.uint32() | 1);
      if (cfg.threads === 1) runWasmKernel(arena, { ...settings, seed: seeds[0]! });
      else await Promise.all(seeds.map((seed, t) => runWasmWorker(arena, { ...settings, seed }, t)));
    } else if (cfg.threads === 1) {
      word2vecKernel({ ...arrays.views, ...settings, sentenceFrom: 0, sentenceTo: n, seed: rng.uint32() | 1 });
    } else {
      // Split sentences so each worker gets about the same number of words.
      const jobs: Promise<number>[] = [];
      let from = 0;
      for (let t = 0; t < cfg.threads; t++) {
        const goal = ((t + 1) * p) / cfg.threads;
        let to = from;
        while (to < n && (t === cfg.threads - 1 || offsets[to]! < goal)) to++;
        jobs.push(runWorker({ ...arrays.views, ...settings, sentenceFrom: from, sentenceTo: to, seed: rng.uint32() | 1 }));
        from = to;
      }
      await Promise.all(jobs);
    }
  } finally {
    if (timer) clearInterval(timer);
  }
  const seconds = (performance.now() - start) / 1000;
  const wv = createWordVectors(vocab.words, dim, Float32Array.from(syn0), vocab.counts);
  return { ...wv, config: cfg, wordsPerSecond: (cfg.epochs * total) / Math.max(seconds, 1e-9), backend: arena ? 'wasm-simd' : 'js' };
}

type SharedViews = Pick<KernelArgs, 'corpus' | 'sentences' | 'syn0' | 'syn1' | 'table' | 'keep' | 'progress'>;

/** The run's arrays: in a WebAssembly arena for the SIMD kernel, or in SharedArrayBuffers for the reference. */
function allocate(
  backend: 'auto' | Word2VecBackend,
  s: ArenaSizes,
): { views: SharedViews; arena?: Word2VecArena } {
  if (backend !== 'js') {
    const arena = allocateArena(s);
    if (arena) return { views: arena, arena };
    if (backend === 'wasm-simd') {
      throw createError('INVALID_INPUT', { field: 'backend', problem: `the WebAssembly kernel cannot run: ${word2vecBackend().reason || 'memory too large'}` });
    }
  }
  return {
    views: {
      corpus: shared(Int32Array, s.corpusWords, 4),
      sentences: shared(Int32Array, s.sentences + 1, 4),
      syn0: shared(Float32Array, s.vocabulary * s.dim, 4),
      syn1: shared(Float32Array, s.vocabulary * s.dim, 4),
      table: shared(Int32Array, s.tableSize, 4),
      keep: shared(Float32Array, s.vocabulary, 4),
      progress: shared(Int32Array, 1, 4),
    },
  };
}
