/**
 * @module The Recommender contract suite: one set of vitest checks every registered model must pass.
 *
 * Like implicit's `RecommenderBase` test mixin: a checkerboard fixture whose right answer is known, then the
 * API promises (batch == single, exclusions, candidates, unknown users, determinism, save/load, artifact
 * checks, cancellation). Call it at the top level of a model's test file after the model is registered:
 *
 * @example
 * import { registerModel } from '../registry.js';
 * import { runRecommenderContract } from '../contract/recommender-contract.js';
 * registerModel(itemKnnCosineFactory);
 * runRecommenderContract('item-knn/cosine', { neighbours: 20 });
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isResonateError, type ErrorCode } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import type { TensorMap } from '../../nn/safetensors.js';
import type { Artifact, Recommendation, Recommender } from '../recommender.js';
import { createModel, decodeArtifact, encodeArtifact, loadModel } from '../registry.js';
import { checkerboard, type Checkerboard } from './checkerboard.js';

export interface ContractOptions {
  /**
   * The model ranks by the user's taste (default true). Popularity baselines set false: the held-out and
   * group-ordering checks are skipped (their own tests check hand-computed scores instead).
   */
  personalized?: boolean;
  /** The held-out item must rank within this many places for every user (default 1: first). */
  heldOutRank?: number;
  /**
   * The model scores every item of the user's group when seen items are kept (default true). False for
   * models that only reach some items by design, such as in-network (never the user's own posts).
   */
  fullCoverage?: boolean;
  /** fit stops with TRAINING_CANCELLED on an aborted signal (default true; set false for one-shot fits). */
  cancellable?: boolean;
  /** The model defines `similarItems` (default true). */
  similarItems?: boolean;
  /** Seed for fit (default 7). */
  seed?: number;
  /** Another fixture (same shape); defaults to `checkerboard()`. */
  fixture?: () => Checkerboard;
}

/** Asserts that `fn` throws (or rejects with) a ResonateError of `code`. */
export async function expectCode(fn: () => unknown, code: ErrorCode): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code}, nothing was thrown`).toBeDefined();
  expect(isResonateError(error) ? error.code : String(error)).toBe(code);
}

function items(recs: readonly Recommendation[]): number[] {
  return recs.map((r) => r.item);
}

function expectWellFormed(recs: readonly Recommendation[], k: number, nItems: number): void {
  expect(recs.length).toBeLessThanOrEqual(k);
  expect(new Set(items(recs)).size).toBe(recs.length);
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i]!;
    expect(Number.isInteger(r.item) && r.item >= 0 && r.item < nItems).toBe(true);
    expect(Number.isFinite(r.score)).toBe(true);
    if (i > 0) expect(r.score).toBeLessThanOrEqual(recs[i - 1]!.score);
  }
}

function seenItems(data: Dataset, user: number): Set<number> {
  const m = data.interactions;
  return new Set(m.indices.subarray(m.indptr[user]!, m.indptr[user + 1]!));
}

function withTensors(a: Artifact, tensors: TensorMap): Artifact {
  return { ...a, tensors };
}

/** Registers the contract tests of model `id` (built with `params`) in the current vitest file. */
export function runRecommenderContract(id: string, params: Record<string, unknown> = {}, options: ContractOptions = {}): void {
  const personalized = options.personalized ?? true;
  const heldOutRank = options.heldOutRank ?? 1;
  const seed = options.seed ?? 7;

  describe(`Recommender contract: ${id}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`, () => {
    const fx = (options.fixture ?? checkerboard)();
    const data = fx.dataset;
    const nUsers = data.users.size, nItems = data.items.size;
    const allUsers = Array.from({ length: nUsers }, (_, u) => u);
    let model: Recommender;

    beforeAll(async () => {
      model = createModel(id, params);
      await model.fit(data, { seed });
    });

    it('rejects unknown hyperparameters with INVALID_INPUT', async () => {
      await expectCode(() => createModel(id, { ...params, noSuchParameter: 1 }), 'INVALID_INPUT');
    });

    it('reports its id and params, and throws MODEL_NOT_FITTED before fit', async () => {
      const fresh = createModel(id, params);
      expect(fresh.id).toBe(id);
      expect(fresh.fitted).toBe(false);
      expect(typeof fresh.params).toBe('object');
      await expectCode(() => fresh.recommend(0, { k: 3 }), 'MODEL_NOT_FITTED');
      await expectCode(() => fresh.save(), 'MODEL_NOT_FITTED');
      expect(model.fitted).toBe(true);
    });

    if (personalized) {
      it(`ranks each user's held-out item within the top ${heldOutRank}`, () => {
        for (const u of allUsers) {
          const recs = model.recommend(u, { k: heldOutRank });
          expect(items(recs), `user ${data.users.id(u)}`).toContain(fx.heldOut[u]);
        }
      });

      it('ranks every same-group item above every other-group item', () => {
        for (const u of allUsers) {
          const recs = model.recommend(u, { k: nItems, excludeSeen: false });
          const g = fx.userGroup[u]!;
          let sawOther = false;
          for (const r of recs) {
            if (fx.itemGroup[r.item] !== g) sawOther = true;
            else expect(sawOther, `user ${data.users.id(u)}: same-group item ${data.items.id(r.item)} ranked after an other-group item`).toBe(false);
          }
          const sameGroup = recs.filter((r) => fx.itemGroup[r.item] === g).length;
          if (options.fullCoverage ?? true) expect(sameGroup).toBe(fx.itemsPerGroup);
          else expect(sameGroup).toBeGreaterThan(0);
        }
      });
    }

    it('gives the same answer for a batch as for single calls, well formed', () => {
      const batch = model.recommend(allUsers, { k: 4 });
      expect(batch).toHaveLength(nUsers);
      for (const u of allUsers) {
        const one = model.recommend(u, { k: 4 });
        expect(batch[u]).toEqual(one);
        expectWellFormed(one, 4, nItems);
      }
    });

    it('excludes seen items by default and keeps them with excludeSeen: false', () => {
      let keptSomeSeen = false;
      for (const u of allUsers) {
        const seen = seenItems(data, u);
        for (const r of model.recommend(u, { k: nItems })) expect(seen.has(r.item)).toBe(false);
        if (model.recommend(u, { k: nItems, excludeSeen: false }).some((r) => seen.has(r.item))) keptSomeSeen = true;
      }
      expect(keptSomeSeen).toBe(true);
    });

    it('never returns excluded items', () => {
      for (const u of allUsers) {
        const top = items(model.recommend(u, { k: 3, excludeSeen: false }));
        if (top.length === 0) continue;
        const recs = model.recommend(u, { k: nItems, excludeSeen: false, exclude: top });
        for (const i of top) expect(items(recs)).not.toContain(i);
      }
    });

    it('ranks only among the candidates when given', () => {
      const candidates = Int32Array.from({ length: Math.ceil(nItems / 2) }, (_, j) => 2 * j).filter((i) => i < nItems);
      const allowed = new Set(candidates);
      for (const u of allUsers) {
        const recs = model.recommend(u, { k: nItems, excludeSeen: false, candidates });
        for (const r of recs) expect(allowed.has(r.item)).toBe(true);
        expectWellFormed(recs, nItems, nItems);
        // Same scores as without the restriction.
        const full = new Map(model.recommend(u, { k: nItems, excludeSeen: false }).map((r) => [r.item, r.score]));
        for (const r of recs) expect(r.score).toBeCloseTo(full.get(r.item)!, 5);
      }
    });

    it('handles k larger than the catalog and k = 0', () => {
      for (const u of allUsers) {
        const recs = model.recommend(u, { k: nItems * 10, excludeSeen: false });
        expectWellFormed(recs, nItems, nItems);
        expect(model.recommend(u, { k: 0 })).toEqual([]);
      }
    });

    it('answers an unknown user index with an empty list or a fallback, without crashing', () => {
      for (const u of [nUsers, nUsers + 17]) {
        const recs = model.recommend(u, { k: 5 });
        expectWellFormed(recs, 5, nItems);
      }
      expect(model.recommend([0, nUsers + 1], { k: 5 })).toHaveLength(2);
    });

    it('is deterministic for a seed', async () => {
      const again = createModel(id, params);
      await again.fit(data, { seed });
      expect(again.recommend(allUsers, { k: 5 })).toEqual(model.recommend(allUsers, { k: 5 }));
    });

    it('survives save → encode → decode → load with identical recommendations', () => {
      const bytes = encodeArtifact(model.save());
      const loaded = loadModel(decodeArtifact(bytes));
      expect(loaded.id).toBe(id);
      expect(loaded.fitted).toBe(true);
      expect(loaded.params).toEqual(model.params);
      for (const k of [1, 5, nItems]) {
        expect(loaded.recommend(allUsers, { k })).toEqual(model.recommend(allUsers, { k }));
        expect(loaded.recommend(allUsers, { k, excludeSeen: false })).toEqual(model.recommend(allUsers, { k, excludeSeen: false }));
      }
      expect(loaded.recommend(nUsers + 3, { k: 5 })).toEqual(model.recommend(nUsers + 3, { k: 5 }));
      if (options.similarItems ?? true) {
        for (let i = 0; i < nItems; i++) expect(loaded.similarItems(i, 4)).toEqual(model.similarItems(i, 4));
      }
    });

    it('refuses a corrupted, truncated, foreign or wrong-version artifact with ARTIFACT_INVALID', async () => {
      const artifact = model.save();
      const bytes = encodeArtifact(artifact);
      await expectCode(() => loadModel(decodeArtifact(bytes.subarray(0, bytes.length - 5))), 'ARTIFACT_INVALID');
      await expectCode(() => loadModel(decodeArtifact(bytes.subarray(0, 6))), 'ARTIFACT_INVALID');
      const garbage = Uint8Array.from(bytes);
      garbage.fill(0x7b, 8, 40);
      await expectCode(() => loadModel(decodeArtifact(garbage)), 'ARTIFACT_INVALID');
      await expectCode(() => loadModel({ ...artifact, version: artifact.version + 1 }), 'ARTIFACT_INVALID');
      await expectCode(() => loadModel(decodeArtifact(encodeArtifact({ ...artifact, version: artifact.version + 1 }))), 'ARTIFACT_INVALID');
      await expectCode(() => loadModel({ ...artifact, kind: 'no-such/model' }), 'ARTIFACT_INVALID');
      for (const name of Object.keys(artifact.tensors)) {
        const missing = { ...artifact.tensors };
        delete missing[name];
        await expectCode(() => loadModel(withTensors(artifact, missing)), 'ARTIFACT_INVALID');
        const t = artifact.tensors[name]!;
        if (t.data.length > 0 && t.shape.length === 1) {
          const short = { ...artifact.tensors, [name]: { data: t.data.slice(0, t.data.length - 1), shape: [t.data.length - 1] } };
          await expectCode(() => loadModel(withTensors(artifact, short)), 'ARTIFACT_INVALID');
        }
      }
    });

    if (options.similarItems ?? true) {
      it('lists similar items without the item itself', () => {
        for (let i = 0; i < nItems; i++) {
          const sims = model.similarItems(i, 4);
          expectWellFormed(sims, 4, nItems);
          expect(items(sims)).not.toContain(i);
          if (personalized && sims.length > 0) expect(fx.itemGroup[sims[0]!.item]).toBe(fx.itemGroup[i]);
        }
      });
    }

    if (options.cancellable ?? true) {
      it('stops with TRAINING_CANCELLED on an aborted signal', async () => {
        const ac = new AbortController();
        ac.abort();
        await expectCode(() => createModel(id, params).fit(data, { seed, signal: ac.signal }), 'TRAINING_CANCELLED');
      });
    }

    it('updates online through partialFit when it has one', async () => {
      const fresh = createModel(id, params);
      await fresh.fit(data, { seed });
      if (!fresh.partialFit) return;
      const u = 0, h = fx.heldOut[u]!;
      expect(items(fresh.recommend(u, { k: nItems }))).toContain(h);
      fresh.partialFit(u, [h]);
      expect(items(fresh.recommend(u, { k: nItems }))).not.toContain(h);
      // The update survives save/load.
      const loaded = loadModel(decodeArtifact(encodeArtifact(fresh.save())));
      expect(loaded.recommend(u, { k: nItems })).toEqual(fresh.recommend(u, { k: nItems }));
      await expectCode(() => fresh.partialFit!(u, [nItems + 5]), 'INVALID_INPUT');
    });
  });
}
