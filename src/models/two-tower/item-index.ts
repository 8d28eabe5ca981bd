/**
 * @module Approximate top-k over item vectors with usearch's HNSW (inner-product metric), built single-threaded
 * so the graph, and therefore the answers, repeat for the same vectors.
 */
import { createRequire } from 'node:module';
import type * as Usearch from 'usearch';

// usearch's ES-module build finds its native addon from the caller's stack trace; under an ES-module loader
// (tsx, as `npm start` runs) that walk never ends. Its CommonJS build uses __dirname and loads at once.
const { Index, MetricKind } = createRequire(import.meta.url)('usearch') as typeof Usearch;

export interface ItemIndex {
  /** Up to k (item, inner product) pairs, best first. */
  search(query: Float32Array, k: number): { items: Int32Array; scores: Float32Array };
  readonly size: number;
}

export interface ItemIndexConfig {
  /** HNSW graph degree M (usearch default 16). */
  connectivity?: number;
  /** ef at build time. */
  expansionAdd?: number;
  /** ef at search time (recall vs latency). */
  expansionSearch?: number;
}

/** An empty usearch HNSW index over inner products (keys are bigints; distance = 1 − ⟨q, v⟩). */
export function createHnsw(dim: number, config: ItemIndexConfig = {}): Usearch.Index {
  return new Index({
    dimensions: dim,
    metric: MetricKind.IP,
    connectivity: config.connectivity ?? 16,
    expansion_add: config.expansionAdd ?? 128,
    expansion_search: config.expansionSearch ?? 64,
  } as ConstructorParameters<typeof Index>[0]);
}

export function buildItemIndex(vectors: Float32Array, dim: number, config: ItemIndexConfig = {}): ItemIndex {
  const n = vectors.length / dim;
  const index = createHnsw(dim, config);
  if (n > 0) index.add(BigUint64Array.from({ length: n }, (_, i) => BigInt(i)), vectors, 1);
  return {
    size: n,
    search(query: Float32Array, k: number) {
      const m = index.search(query, Math.min(k, n), 1) as { keys: BigUint64Array; distances: Float32Array };
      // usearch's "ip" distance is 1 − ⟨q, v⟩.
      return { items: Int32Array.from(m.keys, (x) => Number(x)), scores: Float32Array.from(m.distances, (d) => 1 - d) };
    },
  };
}
