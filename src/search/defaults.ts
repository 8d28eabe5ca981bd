/**
 * @module The search defaults the API serves and `resonate eval --task search` evaluates, chosen on the hashtag
 * task's validation queries (docs/benchmarks.md, "Hybrid search").
 */
import type { DocVectorMethod } from './doc-embedder.js';
import type { Fusion } from './fusion.js';

export const DEFAULT_FUSION: Fusion = 'rrf';
export const DEFAULT_DOC_VECTORS: DocVectorMethod = 'mean';
/** Hybrid: best lexical posts whose mean vector joins the query vector (pseudo-relevance feedback; 0 = off). */
export const DEFAULT_FEEDBACK = 10;
/** RRF: weight of the vector list against the lexical list's 1. */
export const DEFAULT_VECTOR_WEIGHT = 0.5;
