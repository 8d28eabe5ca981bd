/**
 * @module TF-IDF / bag-of-words vectorizer: word and character n-gram blocks, document-frequency pruning, a
 * vocabulary cap, feature hashing, sublinear tf, smoothed idf and l2 norm, with the conventions of
 * scikit-learn's TfidfVectorizer so numbers can be compared with it.
 *
 * Weights (scikit-learn): tf = count, or 1 + ln(count) when sublinear; idf = ln((1 + n) / (1 + df)) + 1 when
 * smoothed, ln(n / df) + 1 otherwise; each row (of each block, as a FeatureUnion of vectorizers) is then scaled
 * to unit l2 norm. Blocks are concatenated column-wise in the order given.
 */
import type { Csr } from '../math/csr.js';
import { createError } from '../core/errors.js';
import { loadSafetensors, saveSafetensors } from '../nn/safetensors.js';
import { tokenizeToStrings, type TokenizeOptions } from './tokenize.js';
import { charNgrams, wordNgrams } from './ngrams.js';
import { murmur3 } from './murmur3.js';
import { GramTable, H1_SEED, H2_SEED, h1Step, h2Step, hashString } from './gram-table.js';

export interface VectorizerBlockConfig {
  /** 'word': token n-grams; 'char_wb': character n-grams of each token padded with spaces. */
  analyzer: 'word' | 'char_wb';
  /** Inclusive n-gram sizes; default [1, 1] for words, [2, 5] for characters. */
  ngramRange?: readonly [number, number];
  /** Minimum document frequency: a count (≥ 1) or, below 1, a fraction of documents. Default 1. */
  minDf?: number;
  /** Maximum document frequency: a fraction (≤ 1) or, above 1, a count. Default 1 (no limit). */
  maxDf?: number;
  /** Keep only the most frequent terms (by total count in the corpus). */
  maxFeatures?: number;
  /** Feature hashing instead of a vocabulary: column = |murmur3(term)| mod nFeatures, sign of the hash as weight. */
  hashing?: { nFeatures: number; alternateSign?: boolean };
}

export interface VectorizerConfig {
  blocks?: readonly VectorizerBlockConfig[];
  /** Tokenizer options for word blocks (char blocks use the same tokens without negation marks). */
  tokenize?: TokenizeOptions;
  /** tf = 1 + ln(count) (default false). */
  sublinearTf?: boolean;
  /** Multiply by idf (default true). */
  useIdf?: boolean;
  /** idf = ln((1 + n) / (1 + df)) + 1, as if one document held every term (default true). */
  smoothIdf?: boolean;
  /** Row normalisation per block (default 'l2'). */
  norm?: 'l2' | 'l1' | 'none';
  /** Counts become 0/1 before tf weighting (default false). */
  binary?: boolean;
}

export interface Vectorizer {
  readonly config: Required<Omit<VectorizerConfig, 'tokenize'>> & { tokenize: TokenizeOptions };
  /** Total number of columns (after fit). */
  readonly nFeatures: number;
  /** Learns vocabularies and idf. */
  fit(texts: readonly string[]): Vectorizer;
  /** Documents × features, rows sorted by column. */
  transform(texts: readonly string[]): Csr;
  /** fit then transform in one pass over the texts. */
  fitTransform(texts: readonly string[]): Csr;
  /** The term of each column (hashed blocks give "#hash:<bucket>"). */
  featureNames(): string[];
  /** Column index of a term in a block (−1 if absent). */
  column(term: string, block?: number): number;
  /** idf of every column (ones when useIdf is off). */
  readonly idf: Float32Array;
  /** Writes the vocabulary (JSON metadata) and idf (tensor) to a safetensors file. */
  save(path: string): void;
  /** The saved form: idf tensor and string metadata (for embedding in another model's artifact). */
  toArtifact(): VectorizerArtifact;
}

export interface VectorizerArtifact {
  idf: Float32Array;
  metadata: Record<string, string>;
}

const KIND = 'text/tfidf';
// Without surrogate pairs, UTF-16 units are code points and windows over code units are exact.
const SURROGATE = /[\uD800-\uDFFF]/;

interface Scratch {
  acc: Float64Array;
  mark: Int32Array;
  touched: number[];
  doc: number;
}

/** Adds sign to column col of the current document's row. */
function bump(s: Scratch, col: number, sign: number): void {
  if (col >= s.acc.length) growScratch(s, col + 1);
  if (s.mark[col] !== s.doc) {
    s.mark[col] = s.doc;
    s.acc[col] = 0;
    s.touched.push(col);
  }
  s.acc[col]! += sign;
}

function growScratch(s: Scratch, need: number): void {
  let n = Math.max(1024, s.acc.length);
  while (n < need) n *= 2;
  const acc = new Float64Array(n);
  acc.set(s.acc);
  const mark = new Int32Array(n).fill(-1);
  mark.set(s.mark);
  s.acc = acc;
  s.mark = mark;
}
const VERSION = '1';

interface Block {
  readonly cfg: Required<Omit<VectorizerBlockConfig, 'hashing'>> & { hashing?: { nFeatures: number; alternateSign: boolean } };
  terms: string[];
  /** n-gram → column, keyed by hashes of the n-gram (no substrings while counting). */
  table: GramTable;
  offset: number;
  size: number;
}

function resolveConfig(config: VectorizerConfig): Vectorizer['config'] {
  return {
    blocks: config.blocks ?? [{ analyzer: 'word' }],
    tokenize: config.tokenize ?? {},
    sublinearTf: config.sublinearTf ?? false,
    useIdf: config.useIdf ?? true,
    smoothIdf: config.smoothIdf ?? true,
    norm: config.norm ?? 'l2',
    binary: config.binary ?? false,
  };
}

function makeBlock(b: VectorizerBlockConfig, i: number): Block {
  const ngramRange = b.ngramRange ?? (b.analyzer === 'word' ? [1, 1] : [2, 5]);
  if (!(ngramRange[0] >= 1 && ngramRange[1] >= ngramRange[0])) {
    throw createError('INVALID_INPUT', { field: `blocks[${i}].ngramRange`, problem: `expected 1 ≤ min ≤ max, got [${ngramRange.join(', ')}]` });
  }
  if (b.hashing && !(b.hashing.nFeatures >= 1)) {
    throw createError('INVALID_INPUT', { field: `blocks[${i}].hashing.nFeatures`, problem: `expected a positive integer, got ${b.hashing.nFeatures}` });
  }
  const hashing = b.hashing ? { nFeatures: b.hashing.nFeatures, alternateSign: b.hashing.alternateSign ?? true } : undefined;
  return {
    cfg: { analyzer: b.analyzer, ngramRange, minDf: b.minDf ?? 1, maxDf: b.maxDf ?? 1, maxFeatures: b.maxFeatures ?? Infinity, ...(hashing ? { hashing } : {}) },
    terms: [],
    table: new GramTable(),
    offset: 0,
    size: hashing ? hashing.nFeatures : 0,
  };
}

/**
 * Creates a TF-IDF vectorizer.
 * @example createVectorizer({ blocks: [{ analyzer: 'word', ngramRange: [1, 2] }, { analyzer: 'char_wb', ngramRange: [2, 5] }], sublinearTf: true })
 */
export function createVectorizer(config: VectorizerConfig = {}, state?: { vocabularies: (string[] | null)[]; idf: Float32Array }): Vectorizer {
  const cfg = resolveConfig(config);
  const blocks = cfg.blocks.map(makeBlock);
  const wordOpts = cfg.tokenize;
  const charOpts: TokenizeOptions = { ...wordOpts, negation: false };
  const needChar = blocks.some((b) => b.cfg.analyzer === 'char_wb');
  let idf: Float32Array = new Float32Array(0);
  let nFeatures = 0;
  let fitted = false;

  /** Tokens of one text for word blocks and for char blocks (the same array unless negation marks words). */
  const analyze = (text: string): [string[], string[]] => {
    const words = tokenizeToStrings(text, wordOpts);
    const chars = needChar && wordOpts.negation ? tokenizeToStrings(text, charOpts) : words;
    return [words, chars];
  };

  /** The n-gram strings of a block (feature-hashing blocks only). */
  const gramStrings = (b: Block, words: string[], chars: string[]): string[] => {
    const [lo, hi] = b.cfg.ngramRange;
    return b.cfg.analyzer === 'word' ? wordNgrams(words, lo, hi) : charNgrams(chars, lo, hi);
  };

  const layout = (): void => {
    let off = 0;
    for (const b of blocks) {
      b.offset = off;
      off += b.size;
    }
    nFeatures = off;
  };

  /** Column and signed count contributions of one block's terms, appended to cols/vals (growing vocab when learning). */
  const hashColumn = (b: Block, term: string): [number, number] => {
    const h = murmur3(term);
    const col = Math.abs(h) % b.cfg.hashing!.nFeatures;
    return [col, b.cfg.hashing!.alternateSign && h < 0 ? -1 : 1];
  };

  // Per-document raw rows of one block: unique local columns and their (signed) counts.
  type RawRow = { cols: Int32Array; counts: Float64Array };
  const countRow = (b: Block, words: string[], chars: string[], learn: boolean, scratch: Scratch): RawRow => {
    scratch.touched.length = 0;
    const [lo, hi] = b.cfg.ngramRange;
    const { table } = b;
    if (b.cfg.hashing) {
      for (const term of gramStrings(b, words, chars)) {
        const [col, sign] = hashColumn(b, term);
        bump(scratch, col, sign);
      }
    } else if (b.cfg.analyzer === 'word') {
      // Word n-grams hashed incrementally: tokens joined by one space (code 32), as the stored term.
      for (let i = 0; i < words.length; i++) {
        let h1 = H1_SEED, h2 = H2_SEED;
        for (let n = 1; n <= hi && i + n <= words.length; n++) {
          const tok = words[i + n - 1]!;
          if (n > 1) {
            h1 = h1Step(h1, 32);
            h2 = h2Step(h2, 32);
          }
          for (let k = 0; k < tok.length; k++) {
            const c = tok.charCodeAt(k);
            h1 = h1Step(h1, c);
            h2 = h2Step(h2, c);
          }
          if (n < lo) continue;
          let id = table.get(h1, h2);
          if (id < 0) {
            if (!learn) continue;
            id = b.terms.length;
            table.set(h1, h2, id);
            b.terms.push(words.slice(i, i + n).join(' '));
          }
          bump(scratch, id, 1);
        }
      }
    } else {
      // char_wb: every (start, length) window of " word " with lo ≤ length ≤ min(hi, L), and the whole padded word
      // once when it is shorter than lo: the same multiset as scikit-learn's _char_wb_ngrams.
      for (const word of chars) {
        const padded = ' ' + word + ' ';
        if (SURROGATE.test(padded)) {
          for (const g of charNgrams([word], lo, hi)) {
            const [h1, h2] = hashString(g);
            let id = table.get(h1, h2);
            if (id < 0) {
              if (!learn) continue;
              id = b.terms.length;
              table.set(h1, h2, id);
              b.terms.push(g);
            }
            bump(scratch, id, 1);
          }
          continue;
        }
        const L = padded.length;
        for (let start = 0; start < L; start++) {
          let h1 = H1_SEED, h2 = H2_SEED;
          const maxLen = Math.min(hi, L - start);
          for (let len = 1; len <= maxLen; len++) {
            const c = padded.charCodeAt(start + len - 1);
            h1 = h1Step(h1, c);
            h2 = h2Step(h2, c);
            if (len < lo && !(start === 0 && len === L)) continue;
            let id = table.get(h1, h2);
            if (id < 0) {
              if (!learn) continue;
              id = b.terms.length;
              table.set(h1, h2, id);
              b.terms.push(padded.substr(start, len));
            }
            bump(scratch, id, 1);
          }
        }
      }
    }
    const touched = scratch.touched;
    const cols = Int32Array.from(touched);
    const counts = new Float64Array(cols.length);
    for (let i = 0; i < cols.length; i++) counts[i] = scratch.acc[cols[i]!]!;
    return { cols, counts };
  };

  const newScratch = (): Scratch => ({ acc: new Float64Array(0), mark: new Int32Array(0), touched: [], doc: 0 });

  /** Counts every block of every text; when learning, grows vocabularies. rows[block][doc]. */
  const countAll = (texts: readonly string[], learn: boolean): RawRow[][] => {
    const rows: RawRow[][] = blocks.map(() => new Array<RawRow>(texts.length));
    const scratches = blocks.map(newScratch);
    for (let d = 0; d < texts.length; d++) {
      const [words, chars] = analyze(texts[d]!);
      for (let bi = 0; bi < blocks.length; bi++) {
        scratches[bi]!.doc = d;
        rows[bi]![d] = countRow(blocks[bi]!, words, chars, learn, scratches[bi]!);
      }
    }
    return rows;
  };

  /** Prunes one block's vocabulary by df and frequency; returns the old → new column map (−1 = dropped). */
  const prune = (b: Block, rows: RawRow[], nDocs: number): Int32Array | null => {
    if (b.cfg.hashing) return null;
    const n = b.terms.length;
    const df = new Int32Array(n);
    const total = new Float64Array(n);
    for (const r of rows) {
      for (let i = 0; i < r.cols.length; i++) {
        df[r.cols[i]!]!++;
        total[r.cols[i]!]! += r.counts[i]!;
      }
    }
    const minDf = b.cfg.minDf < 1 ? Math.ceil(b.cfg.minDf * nDocs) : b.cfg.minDf;
    const maxDf = b.cfg.maxDf <= 1 ? Math.floor(b.cfg.maxDf * nDocs) : b.cfg.maxDf;
    let keep: number[] = [];
    for (let t = 0; t < n; t++) if (df[t]! >= minDf && df[t]! <= maxDf) keep.push(t);
    if (keep.length > b.cfg.maxFeatures) {
      // Most frequent first; ties broken by term order so the result does not depend on insertion order.
      keep.sort((x, y) => total[y]! - total[x]! || (b.terms[x]! < b.terms[y]! ? -1 : 1));
      keep = keep.slice(0, b.cfg.maxFeatures);
    }
    // Columns in lexicographic term order, as scikit-learn.
    keep.sort((x, y) => (b.terms[x]! < b.terms[y]! ? -1 : b.terms[x]! > b.terms[y]! ? 1 : 0));
    const map = new Int32Array(n).fill(-1);
    const terms: string[] = [];
    keep.forEach((t, i) => {
      map[t] = i;
      terms.push(b.terms[t]!);
    });
    b.terms = terms;
    b.table.remap(map);
    b.size = terms.length;
    return map;
  };

  const remap = (rows: RawRow[], map: Int32Array | null): void => {
    if (!map) return;
    for (const r of rows) {
      let k = 0;
      for (let i = 0; i < r.cols.length; i++) {
        const c = map[r.cols[i]!]!;
        if (c >= 0) {
          r.cols[k] = c;
          r.counts[k] = r.counts[i]!;
          k++;
        }
      }
      r.cols = r.cols.subarray(0, k);
      r.counts = r.counts.subarray(0, k);
    }
  };

  const computeIdf = (rowsPerBlock: RawRow[][], nDocs: number): void => {
    idf = new Float32Array(nFeatures).fill(1);
    if (!cfg.useIdf) return;
    blocks.forEach((b, bi) => {
      const df = new Float64Array(b.size);
      for (const r of rowsPerBlock[bi]!) for (let i = 0; i < r.cols.length; i++) if (r.counts[i] !== 0) df[r.cols[i]!]!++;
      const s = cfg.smoothIdf ? 1 : 0;
      for (let c = 0; c < b.size; c++) {
        // idf = ln((s + n) / (s + df)) + 1 (scikit-learn; s = 1 when smoothed).
        idf[b.offset + c] = Math.log((s + nDocs) / (s + df[c]!)) + 1;
      }
    });
  };

  /** Weighted, normalised CSR from per-block raw rows. */
  const assemble = (rowsPerBlock: RawRow[][], nDocs: number): Csr => {
    let total = 0;
    for (const rows of rowsPerBlock) for (const r of rows) total += r.cols.length;
    const indptr = new Int32Array(nDocs + 1);
    const indices = new Int32Array(total);
    const data = new Float32Array(total);
    let pos = 0;
    const dense = new Float64Array(Math.max(...blocks.map((b) => b.size), 0));
    for (let d = 0; d < nDocs; d++) {
      for (let bi = 0; bi < blocks.length; bi++) {
        const b = blocks[bi]!;
        const r = rowsPerBlock[bi]![d]!;
        const sorted = r.cols.slice().sort();
        for (let i = 0; i < r.cols.length; i++) dense[r.cols[i]!] = r.counts[i]!;
        const start = pos;
        let norm = 0;
        for (let i = 0; i < sorted.length; i++) {
          const c = sorted[i]!;
          let x = dense[c]!;
          if (x === 0) continue;
          if (cfg.binary) x = Math.sign(x);
          else if (cfg.sublinearTf) x = Math.sign(x) * (1 + Math.log(Math.abs(x)));
          x *= idf[b.offset + c]!;
          indices[pos] = b.offset + c;
          data[pos] = x;
          pos++;
          norm += cfg.norm === 'l1' ? Math.abs(x) : x * x;
        }
        if (cfg.norm !== 'none' && norm > 0) {
          const inv = cfg.norm === 'l2' ? 1 / Math.sqrt(norm) : 1 / norm;
          for (let k = start; k < pos; k++) data[k] = data[k]! * inv;
        }
      }
      indptr[d + 1] = pos;
    }
    return { rows: nDocs, cols: nFeatures, indptr, indices: indices.slice(0, pos), data: data.slice(0, pos) };
  };

  const learn = (texts: readonly string[]): RawRow[][] => {
    if (texts.length === 0) throw createError('INVALID_INPUT', { field: 'texts', problem: 'cannot fit a vectorizer on no documents' });
    for (const b of blocks) {
      b.table = new GramTable();
      b.terms = [];
      if (!b.cfg.hashing) b.size = 0;
    }
    const rows = countAll(texts, true);
    blocks.forEach((b, bi) => {
      if (!b.cfg.hashing) b.size = b.terms.length;
      remap(rows[bi]!, prune(b, rows[bi]!, texts.length));
    });
    layout();
    computeIdf(rows, texts.length);
    fitted = true;
    return rows;
  };

  const ensureFitted = (): void => {
    if (!fitted) throw createError('MODEL_NOT_FITTED', { model: KIND });
  };

  const self: Vectorizer = {
    config: cfg,
    get nFeatures() {
      return nFeatures;
    },
    get idf() {
      return idf;
    },
    fit(texts) {
      learn(texts);
      return self;
    },
    fitTransform(texts) {
      const rows = learn(texts);
      return assemble(rows, texts.length);
    },
    transform(texts) {
      ensureFitted();
      return assemble(countAll(texts, false), texts.length);
    },
    featureNames() {
      ensureFitted();
      const out: string[] = [];
      for (const b of blocks) {
        if (b.cfg.hashing) for (let i = 0; i < b.size; i++) out.push(`#hash:${i}`);
        else out.push(...b.terms);
      }
      return out;
    },
    column(term, block = 0) {
      const b = blocks[block];
      if (!b) return -1;
      if (b.cfg.hashing) return b.offset + Math.abs(murmur3(term)) % b.size;
      const [h1, h2] = hashString(term);
      const c = b.table.get(h1, h2);
      return c < 0 ? -1 : b.offset + c;
    },
    save(path) {
      const a = self.toArtifact();
      saveSafetensors(path, { idf: { data: a.idf, shape: [a.idf.length] } }, a.metadata);
    },
    toArtifact() {
      ensureFitted();
      return {
        idf,
        metadata: { kind: KIND, version: VERSION, config: JSON.stringify(cfg), vocabularies: JSON.stringify(blocks.map((b) => (b.cfg.hashing ? null : b.terms))) },
      };
    },
  };

  if (state) {
    blocks.forEach((b, i) => {
      const terms = state.vocabularies[i];
      if (terms) {
        b.terms = terms;
        b.table = new GramTable(terms.length);
        terms.forEach((t, j) => {
          const [h1, h2] = hashString(t);
          b.table.set(h1, h2, j);
        });
        b.size = terms.length;
      }
    });
    layout();
    if (state.idf.length !== nFeatures) throw createError('ARTIFACT_INVALID', { path: KIND, problem: `idf has ${state.idf.length} values for ${nFeatures} features` });
    idf = state.idf;
    fitted = true;
  }
  return self;
}

/** Loads a vectorizer written by `save`. */
export function loadVectorizer(path: string): Vectorizer {
  const { tensors, metadata } = loadSafetensors(path);
  return vectorizerFromArtifact({ idf: tensors.idf?.data as Float32Array, metadata }, path);
}

/** Rebuilds a vectorizer from saved metadata and idf (also used when a vectorizer is embedded in a model file). */
export function vectorizerFromArtifact({ idf, metadata }: Partial<VectorizerArtifact> & { metadata: Record<string, string> }, where: string): Vectorizer {
  if (metadata.kind !== KIND) throw createError('ARTIFACT_INVALID', { path: where, problem: `expected kind ${KIND}, found ${metadata.kind ?? 'none'}` });
  if (metadata.version !== VERSION) throw createError('ARTIFACT_INVALID', { path: where, problem: `unsupported version ${metadata.version}` });
  if (!idf) throw createError('ARTIFACT_INVALID', { path: where, problem: 'missing tensor idf' });
  return createVectorizer(JSON.parse(metadata.config!) as VectorizerConfig, {
    vocabularies: JSON.parse(metadata.vocabularies!) as (string[] | null)[],
    idf,
  });
}

