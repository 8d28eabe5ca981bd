/**
 * @module Search evaluation on the hashtag task (`resonate eval --task search`, `src/search/hashtag-task.ts`):
 * the posts, hashtags removed, are written into an in-memory SQLite store (its FTS5 BM25 is the lexical
 * retriever, as served) and embedded with word2vec trained on them (the vector retriever, a usearch HNSW index);
 * each query ranks the posts and is scored against the posts that carried its hashtag (nDCG, recall, MRR at
 * 1 … 100). Models: `search/bm25`, `search/vector` (params `docVectors`: `mean` | `sif`), `search/hybrid` (params
 * `fusion`: `rrf` | `blend`, `docVectors`, `feedback`: the best lexical posts whose mean vector joins the query vector). The blend's calibration is always fitted on the validation queries;
 * the test queries are reported unless `part` is `validation`. The result has the shape of an item evaluation.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { noProgress, throwIfAborted, type Progress } from '../../core/progress.js';
import { openStore } from '../../storage/open-store.js';
import type { Store } from '../../storage/store.js';
import { DocEmbedder, trainSearchWords, type DocVectorMethod } from '../../search/doc-embedder.js';
import { blendScore, calibratedBlend, fitBlend, reciprocalRankFusion, RRF_K, type BlendCalibration, type BlendExample, type Scored } from '../../search/fusion.js';
import { hashtagTask, type HashtagQuery } from '../../search/hashtag-task.js';
import { feedbackQuery, VectorIndex } from '../../search/vector-index.js';
import { DEFAULT_DOC_VECTORS, DEFAULT_FEEDBACK, DEFAULT_FUSION, DEFAULT_VECTOR_WEIGHT } from '../../search/defaults.js';
import type { EvaluationResult, ModelResult } from '../evaluation-result.js';
import { evaluateRankings } from '../metrics/evaluate-rankings.js';
import { mean, sampleStd, seedList } from '../run-evaluation.js';
import { murmur3 } from '../../text/murmur3.js';

/** Candidates each retriever hands to fusion. */
const DEPTH = 100;

export const SEARCH_MODEL_IDS = ['search/bm25', 'search/vector', 'search/hybrid'] as const;

const paramsSchema = z.strictObject({
  docVectors: z.enum(['sif', 'mean']).default(DEFAULT_DOC_VECTORS),
  fusion: z.enum(['rrf', 'blend']).default(DEFAULT_FUSION),
  /** Hybrid: the vector query moves towards the mean of this many best lexical posts (0: the query alone). */
  feedback: z.number().int().min(0).max(DEPTH).default(DEFAULT_FEEDBACK),
  /** Hybrid RRF: weight of the vector list (the lexical list weighs 1). */
  vectorWeight: z.number().min(0).max(10).default(DEFAULT_VECTOR_WEIGHT),
});

export type SearchModelSpec = string | { id: string; params?: Record<string, unknown>; label?: string };

export interface SearchEvaluationOptions {
  texts: readonly string[];
  models: 'all' | readonly SearchModelSpec[];
  /** Headline cut-off (default 10). */
  k?: number;
  /** Seeds of word2vec (mean ± std over them). */
  seeds?: number | readonly number[];
  /** `validation`: score the validation queries (for choices) instead of the test queries. */
  part?: 'test' | 'validation';
  /** Fewest posts carrying a hashtag for it to become a query (default 3). */
  minRelevant?: number;
  progress?: Progress;
  signal?: AbortSignal;
}

const KS = [1, 5, 10, 20, 50, 100];
const METRICS = ['ndcg', 'recall', 'mrr', 'hit'];

interface Resolved {
  id: string;
  label: string;
  params: z.output<typeof paramsSchema>;
}

function resolveModels(models: SearchEvaluationOptions['models']): Resolved[] {
  const specs: SearchModelSpec[] = models === 'all' ? [...SEARCH_MODEL_IDS] : models.flatMap((m) => (m === 'all' ? SEARCH_MODEL_IDS : [m]));
  return specs.map((s) => {
    const spec = typeof s === 'string' ? { id: s } : s;
    if (!(SEARCH_MODEL_IDS as readonly string[]).includes(spec.id)) throw createError('UNKNOWN_OPTION', { kind: 'search model', name: spec.id, expected: SEARCH_MODEL_IDS.join(', ') });
    const parsed = paramsSchema.safeParse(spec.params ?? {});
    if (!parsed.success) throw createError('INVALID_INPUT', { field: `${spec.id} params`, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const params = parsed.data;
    return { id: spec.id, label: spec.label ?? spec.id, params };
  });
}

/** The lexical candidates of every query from the store's full-text search (post ids are the doc indices). */
async function lexicalLists(store: Store, queries: readonly HashtagQuery[]): Promise<Scored[][]> {
  const out: Scored[][] = [];
  for (const q of queries) out.push((await store.searchPosts(q.text, DEPTH)).map((h) => ({ id: Number(h.post.id), score: h.score })));
  return out;
}

export async function runSearchEvaluation(options: SearchEvaluationOptions): Promise<EvaluationResult> {
  const k = options.k ?? 10;
  const progress = options.progress ?? noProgress;
  if (!(Number.isInteger(k) && k >= 1 && k <= DEPTH)) throw createError('INVALID_INPUT', { field: 'k', problem: `expected an integer from 1 to ${DEPTH}, got ${k}` });
  const models = resolveModels(options.models);
  const task = hashtagTask(options.texts, { minRelevant: options.minRelevant ?? 3 });
  const part = options.part ?? 'test';
  const validation = task.queries.filter((q) => q.part === 'validation');
  const scored = task.queries.filter((q) => q.part === part);
  if (scored.length === 0 || validation.length === 0) throw createError('DATASET_EMPTY', { what: `hashtags carried by at least ${options.minRelevant ?? 3} posts (in both the validation and test parts)` });
  const ks = [...new Set([...KS, k])].sort((a, b) => a - b);
  const seeds = seedList(options.seeds ?? 1);

  const store = await openStore('sqlite://:memory:');
  try {
    await store.write({ users: [{ id: 'u' }], posts: task.docs.map((text, i) => ({ id: String(i), author: 'u', text, created_at: i, tags: [] })) });
    const lexVal = await lexicalLists(store, validation);
    const lexTest = part === 'validation' ? lexVal : await lexicalLists(store, scored);
    const runs = models.map(() => [] as { metrics: Record<string, number>; fit: number; rec: number }[]);
    let done = 0;
    for (const seed of seeds) {
      throwIfAborted(options.signal, 'evaluation');
      progress(done, seeds.length, `word2vec seed ${seed}`);
      const t0 = performance.now();
      const words = await trainSearchWords(task.docs, { seed });
      const fitWords = (performance.now() - t0) / 1000;
      const spaces = new Map<DocVectorMethod, { embedder: DocEmbedder; index: VectorIndex; fit: number }>();
      const space = (method: DocVectorMethod): { embedder: DocEmbedder; index: VectorIndex; fit: number } => {
        let s = spaces.get(method);
        if (!s) {
          if (!words) throw createError('DATASET_EMPTY', { what: 'words seen twice in the posts' });
          const t = performance.now();
          const { embedder, vectors } = DocEmbedder.fromWords(words, task.docs, method);
          const index = new VectorIndex(embedder.dim);
          index.addMany(task.docs.map((_, i) => i), vectors);
          s = { embedder, index, fit: fitWords + (performance.now() - t) / 1000 };
          spaces.set(method, s);
        }
        return s;
      };
      const vectorLists = (method: DocVectorMethod, queries: readonly HashtagQuery[], lexical: readonly Scored[][] = [], feedback = 0): { lists: Scored[][]; embedded: (Float32Array | null)[] } => {
        const { embedder, index } = space(method);
        const embedded = queries.map((q, i) => {
          const v = embedder.embed(q.text);
          return feedback > 0 ? feedbackQuery(index, v, lexical[i]!.slice(0, feedback).map((h) => h.id), 1) : v;
        });
        return { lists: embedded.map((v) => (v ? index.search(v, DEPTH).map((h) => ({ id: h.slot, score: h.score })) : [])), embedded };
      };
      const calibrations = new Map<string, BlendCalibration>();
      for (let m = 0; m < models.length; m++) {
        const { id, params } = models[m]!;
        const t1 = performance.now();
        let lists: number[][];
        let fit = 0;
        if (id === 'search/bm25') lists = lexTest.map((l) => l.map((h) => h.id));
        else {
          const s = space(params.docVectors);
          fit = s.fit;
          const vec = id === 'search/vector' ? vectorLists(params.docVectors, scored) : vectorLists(params.docVectors, scored, lexTest, params.feedback);
          if (id === 'search/vector') lists = vec.lists.map((l) => l.map((h) => h.id));
          else if (params.fusion === 'rrf') lists = lexTest.map((l, q) => reciprocalRankFusion([l, vec.lists[q]!], RRF_K, [1, params.vectorWeight]).map((h) => h.id));
          else {
            const key = `${params.docVectors}:${params.feedback}`;
            let c = calibrations.get(key);
            if (!c) {
              const t = performance.now();
              c = calibrate(lexVal, vectorLists(params.docVectors, validation, lexVal, params.feedback), validation, s.index, k);
              calibrations.set(key, c);
              fit += (performance.now() - t) / 1000;
            }
            const cal = c;
            lists = lexTest.map((l, q) => {
              const v = vec.embedded[q];
              return calibratedBlend(l, vec.lists[q]!, (doc) => (v ? s.index.score(doc, v) : 0), cal).map((h) => h.id);
            });
          }
        }
        const rec = (performance.now() - t1) / 1000;
        const all = evaluateRankings({ lists, relevant: scored.map((q) => q.relevant), ks });
        const metrics = Object.fromEntries(Object.entries(all).filter(([key]) => METRICS.includes(key.slice(0, key.lastIndexOf('@')))));
        runs[m]!.push({ metrics, fit, rec });
      }
      progress(++done, seeds.length, `seed ${seed}: done`);
    }
    const relevantTotal = scored.reduce((s, q) => s + q.relevant.size, 0);
    return {
      protocol: {
        name: 'hashtag-search',
        description: (part === 'validation' ? 'VALIDATION queries (where the blend is calibrated and choices are made) of: ' : '') + `hashtag task: every hashtag removed from every post; each hashtag carried by ≥ ${options.minRelevant ?? 3} posts is a query (its words), relevant = the posts that carried it; queries split by tag hash into validation (${validation.length}) and test; ${scored.length} ${part} queries, ${(relevantTotal / scored.length).toFixed(1)} relevant posts per query`,
        ranking: 'full',
        users: 'all',
        options: { depth: DEPTH, minRelevant: options.minRelevant ?? 3 },
      },
      models: models.map((m, i) => summarise(m, runs[i]!, k, ks)),
      seed: seeds[0]!,
      seeds,
      k,
      ks,
      data: { fingerprint: fingerprint(options.texts), users: scored.length, items: task.docs.length, interactions: relevantTotal },
      evaluatedUsers: scored.length,
      createdAt: new Date().toISOString(),
    };
  } finally {
    await store.close();
  }
}

/** Blend calibration on the validation queries: Platt on their top candidates, the weight by nDCG@k. */
function calibrate(lexical: readonly Scored[][], vector: { lists: Scored[][]; embedded: (Float32Array | null)[] }, queries: readonly HashtagQuery[], index: VectorIndex, k: number): BlendCalibration {
  const examples: BlendExample[] = [];
  const pools = queries.map((q, i) => {
    const v = vector.embedded[i];
    const lex = new Map(lexical[i]!.map((h) => [h.id, h.score]));
    const ids = [...new Set([...lex.keys(), ...vector.lists[i]!.map((h) => h.id)])];
    const pool = ids.map((id) => ({ id, lexical: lex.get(id) ?? 0, vector: v ? index.score(id, v) : 0, relevant: q.relevant.has(id) }));
    examples.push(...pool);
    return pool;
  });
  return fitBlend(examples, (c) => {
    const lists = pools.map((pool) => pool.map((e) => ({ id: e.id, score: blendScore(e.lexical, e.vector, c) })).sort((a, b) => b.score - a.score || a.id - b.id).map((h) => h.id));
    return evaluateRankings({ lists, relevant: queries.map((q) => q.relevant), ks: [k] })[`ndcg@${k}`]!;
  });
}

function fingerprint(texts: readonly string[]): string {
  let h = texts.length;
  for (const t of texts) h = murmur3(t, h);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function summarise(m: Resolved, runs: { metrics: Record<string, number>; fit: number; rec: number }[], k: number, ks: readonly number[]): ModelResult {
  const metrics: Record<string, number> = {}, std: Record<string, number> = {};
  for (const key of Object.keys(runs[0]!.metrics).filter((x) => x.endsWith(`@${k}`) || x === 'recall@100')) {
    metrics[key] = mean(runs.map((r) => r.metrics[key]!));
    std[key] = sampleStd(runs.map((r) => r.metrics[key]!));
  }
  std.fitSeconds = sampleStd(runs.map((r) => r.fit));
  const atK = Object.fromEntries(ks.map((kk) => [String(kk), Object.fromEntries(METRICS.map((name) => [name, mean(runs.map((r) => r.metrics[`${name}@${kk}`]!))]))]));
  const params: Record<string, unknown> = m.id === 'search/bm25' ? {} : m.id === 'search/vector' ? { docVectors: m.params.docVectors } : m.params;
  return { id: m.id, ...(m.label !== m.id ? { label: m.label } : {}), metrics, std, fitSeconds: mean(runs.map((r) => r.fit)), recommendSeconds: mean(runs.map((r) => r.rec)), params, atK };
}
