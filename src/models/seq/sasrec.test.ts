import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { gradCheck, randomProbe } from '../../nn/grad-check.js';
import { randn } from '../../nn/tensor.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { registerModel } from '../registry.js';
import { SasrecNet } from './sasrec-net.js';
import { SasrecRecommender, sasrecFactory } from './sasrec.js';
import { rowDot, rowMask } from './seq-ops.js';
import { holdOutLast, rightAlign, userSequences } from './sequences.js';
import { plantedNextItem, shuffledCheckerboard } from './test-fixtures.js';

registerModel(sasrecFactory);

/** Small enough to fit in well under a second, large enough to learn the fixtures. */
const small = { hidden: 16, maxLen: 8, dropout: 0.1, batchSize: 8, epochs: 100, evalEvery: 0, learningRate: 0.01 };

runRecommenderContract('seq/sasrec', small, { fixture: () => shuffledCheckerboard() });

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('sequences', () => {
  it('follow the log in time order, hold out the last item, right-align with padding', () => {
    const fx = plantedNextItem({ users: 3, items: 10, seed: 1 });
    const s = userSequences(fx.dataset);
    for (let u = 0; u < 3; u++) {
      const seq = s.items.subarray(s.indptr[u]!, s.indptr[u + 1]!);
      for (let j = 1; j < seq.length; j++) expect(seq[j]).toBe((seq[j - 1]! + 1) % 10);
      expect((seq[seq.length - 1]! + 1) % 10).toBe(fx.next[u]);
    }
    const { train, valid } = holdOutLast(s);
    expect(valid[0]).toBe(s.items[s.indptr[1]! - 1]);
    expect(train.indptr[1]).toBe(s.indptr[1]! - 1);
    const out = new Int32Array(5);
    rightAlign([7, 8, 9], 5, out, 0, 0);
    expect(Array.from(out)).toEqual([0, 0, 7, 8, 9]);
    rightAlign([1, 2, 3, 4, 5, 6], 5, out, 0, 0);
    expect(Array.from(out)).toEqual([2, 3, 4, 5, 6]);
  });
});

describe('SASRec ops and network', () => {
  it('rowDot and rowMask match finite differences', () => {
    const rng = createRng(3);
    const feats = randn([3, 4], rng, 1, 0, { requiresGrad: true });
    const table = randn([5, 4], rng, 1, 0, { requiresGrad: true });
    const ids = Int32Array.from([1, 2, 0, 4, 4, 3]);
    expect(gradCheck(() => randomProbe(rowDot(feats, table, ids)), [feats, table]).ok).toBe(true);
    const keep = Uint8Array.from([1, 0, 1]);
    const y = rowMask(feats, keep);
    expect(Array.from(y.data.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(gradCheck(() => randomProbe(rowMask(feats, keep)), [feats]).ok).toBe(true);
    // hand value: row 0 · table row 1
    let d = 0;
    for (let j = 0; j < 4; j++) d += feats.data[j]! * table.data[4 + j]!;
    expect(rowDot(feats, table, ids).data[0]).toBeCloseTo(d, 5);
  });

  it('is causal and ignores padding: a slot\'s output depends on no later slot, padding changes nothing', () => {
    const net = new SasrecNet({ nItems: 20, maxLen: 6, hidden: 8, blocks: 2, heads: 1, dropout: 0.5, rng: createRng(4) }).eval();
    const rng = createRng(0);
    const a = net.forward(Int32Array.from([0, 0, 3, 5, 7, 9]), 1, rng).data;
    const b = net.forward(Int32Array.from([0, 0, 3, 5, 7, 11]), 1, rng).data;
    for (let j = 0; j < 8 * 5; j++) expect(b[j]).toBeCloseTo(a[j]!, 5); // slots 0..4 unchanged by slot 5
    expect(Math.abs(b[40]! - a[40]!) + Math.abs(b[41]! - a[41]!)).toBeGreaterThan(1e-4);
    // padded slots stay zero through every block (LayerNorm of a zero row with β = 0 at init is zero)
    for (let j = 0; j < 16; j++) expect(a[j]).toBe(0);
  });

  // (Seed 8 puts a ReLU / masked row within the step of a kink: central differences then disagree by ~10%.)
  it('gradients of the whole network match finite differences (dropout off)', () => {
    const net = new SasrecNet({ nItems: 6, maxLen: 4, hidden: 4, blocks: 2, heads: 1, dropout: 0, rng: createRng(9) });
    const ids = Int32Array.from([0, 1, 2, 3, 0, 0, 5, 6]);
    const rows = Int32Array.from([2, 3, 4, 5, 0, 0, 6, 1, 4, 4, 1, 6, 0, 0, 2, 2]);
    const rng = createRng(0);
    const params = [net.blocks[0]!.wq, net.blocks[1]!.w1, net.blocks[0]!.attnNormWeight, net.lastNormBias, net.posEmb];
    const r = gradCheck(() => randomProbe(rowDot(net.forward(ids, 2, rng), net.itemEmb, rows)), params, { eps: 1e-3, rtol: 5e-2, atol: 5e-3 });
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });
});

describe('SASRec training', () => {
  it('learns a planted next-item rule (hit@1 far above chance) and stops early on validation NDCG@10', async () => {
    const fx = plantedNextItem({ users: 150, items: 30, seed: 2 });
    const m = new SasrecRecommender({ ...small, epochs: 80, evalEvery: 5, patience: 4 });
    await m.fit(fx.dataset, { seed: 1 });
    const recs = m.recommend(Array.from({ length: 150 }, (_, u) => u), { k: 1 });
    const hits = recs.filter((r, u) => r[0]?.item === fx.next[u]).length / 150;
    expect(hits).toBeGreaterThan(0.8); // chance is 1/30
    const evals = m.history.filter((h) => h.ndcg !== undefined);
    expect(evals.length).toBeGreaterThan(0);
    expect(Math.max(...evals.map((h) => h.ndcg!))).toBeGreaterThan(0.8);
    expect(m.history[m.history.length - 1]!.loss).toBeLessThan(m.history[0]!.loss);
  });

  it('resumes from a checkpoint and ends exactly where an uninterrupted run ends', async () => {
    const fx = plantedNextItem({ users: 60, items: 20, seed: 9 });
    const dir = mkdtempSync(join(tmpdir(), 'sasrec-ck-'));
    dirs.push(dir);
    const path = join(dir, 'ck.safetensors');
    const params = { ...small, evalEvery: 2, patience: 100 };
    const straight = new SasrecRecommender({ ...params, epochs: 8 });
    await straight.fit(fx.dataset, { seed: 3 });
    const first = new SasrecRecommender({ ...params, epochs: 4, checkpoint: path });
    await first.fit(fx.dataset, { seed: 3 });
    const resumed = new SasrecRecommender({ ...params, epochs: 8, checkpoint: path });
    await resumed.fit(fx.dataset, { seed: 3 });
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(resumed.history.map((h) => h.loss)).toEqual(straight.history.map((h) => h.loss));
    const users = Array.from({ length: 60 }, (_, u) => u);
    expect(resumed.recommend(users, { k: 5 })).toEqual(straight.recommend(users, { k: 5 }));
  });
});
