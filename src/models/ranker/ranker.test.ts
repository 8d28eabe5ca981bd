import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import { createRng } from '../../core/rng.js';
import { saveSafetensors } from '../../nn/safetensors.js';
import { createEngagementRanker, type RankExample, type RankerFitReport } from './index.js';
import { syntheticDataset } from './test-fixtures.js';

// 300 synthetic users: ~11k exposures whose engagement follows the planted model of engagement.ts.
const { net, data } = syntheticDataset(300, 7);
const ranker = createEngagementRanker({ batchSize: 512, learningRate: 8e-3, epochs: 4, seed: 1 });
let report: RankerFitReport;
const dir = mkdtempSync(join(tmpdir(), 'ranker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createEngagementRanker (MMoE) on a synthetic network', () => {
  it('fits, and P(like) ranks held-out exposures well above chance and above popularity', async () => {
    const seen: number[] = [];
    report = await ranker.fit(data, { progress: (done) => seen.push(done) });
    expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
    expect(report.epochs).toBe(seen.length);
    expect(report.bestEpoch).toBeLessThanOrEqual(report.epochs);
    expect(report.heldOutExamples).toBeGreaterThan(1000);
    expect(report.auc.like).toBeGreaterThanOrEqual(0.7);
    expect(report.auc.like).toBeGreaterThan(report.popularityAuc + 0.1);
    expect(report.auc.comment).toBeGreaterThan(0.6);
    expect(report.auc.share).toBeGreaterThan(0.6);
  });

  it('is calibrated per head: held-out mean prediction ≈ observed rate', () => {
    for (const task of ['like', 'share', 'comment', 'hide'] as const) {
      const { predicted, observed } = report.calibration[task];
      // Within 30% of the rate (plus 0.01 for the rare heads): held-out is a later period, so some drift remains.
      expect(Math.abs(predicted - observed), task).toBeLessThanOrEqual(0.3 * observed + 0.01);
    }
  });

  it('gives higher P(hide) and lower P(like) to posts the user has low planted interest in', () => {
    const { population, posts } = net.latent;
    const T = population.topics;
    const rng = createRng(9);
    const ex: RankExample[] = [];
    const interest: number[] = [];
    for (let k = 0; k < 3000; k++) {
      const u = rng.int(data.users.size), i = rng.int(data.items.size);
      const uu = Number(data.users.id(u).slice(1)), pp = Number(data.items.id(i).slice(1));
      ex.push({ user: u, item: i });
      interest.push(population.theta[uu * T + posts.topic[pp]!]!);
    }
    const p = ranker.predict(ex);
    const meanWhere = (a: Float32Array, f: (x: number) => boolean): number => {
      let s = 0, n = 0;
      interest.forEach((x, k) => { if (f(x)) { s += a[k]!; n++; } });
      return s / n;
    };
    const low = (x: number): boolean => x < 0.02, high = (x: number): boolean => x > 0.3;
    expect(meanWhere(p.hide, low)).toBeGreaterThan(meanWhere(p.hide, high));
    expect(meanWhere(p.like, high)).toBeGreaterThan(1.3 * meanWhere(p.like, low));
    // score = Σ w·P: hide weighs against, so low-interest posts score lower.
    const s = ranker.score(ex);
    expect(meanWhere(s, high)).toBeGreaterThan(meanWhere(s, low));
    const onlyHide = ranker.score(ex.slice(0, 5), { like: 0, share: 0, comment: 0, dwell: 0, hide: -1 });
    onlyHide.forEach((v, k) => expect(v).toBeCloseTo(-p.hide[k]!, 6));
  });

  it('saves and loads (same predictions), rejects another kind, hashes unknown ids', () => {
    const path = join(dir, 'r.safetensors');
    ranker.save(path);
    const other = createEngagementRanker({ batchSize: 512, learningRate: 8e-3, epochs: 4, seed: 1 });
    other.load(path, data);
    const ex = [{ user: 0, item: 0 }, { user: 5, item: 17, time: data.now - 3_600_000 }];
    expect(Array.from(other.predict(ex).like)).toEqual(Array.from(ranker.predict(ex).like));
    const bad = join(dir, 'bad.safetensors');
    saveSafetensors(bad, { x: { data: new Float32Array(1), shape: [1] } }, { kind: 'other', version: '1' });
    expect(() => other.load(bad, data)).toThrow(/kind/);
    expect(() => other.predict([{ user: -1, item: 0 }])).toThrow(/examples\[0\]/);
  });
});

describe('createEngagementRanker options', () => {
  it('shared-bottom variant trains, and the same seed gives the same model', async () => {
    const a = createEngagementRanker({ sharedBottom: true, epochs: 3, batchSize: 512, seed: 3 });
    const b = createEngagementRanker({ sharedBottom: true, epochs: 3, batchSize: 512, seed: 3 });
    const ra = await a.fit(data), rb = await b.fit(data);
    expect(ra.finalLoss).toBe(rb.finalLoss);
    expect(ra.auc.like).toBeGreaterThan(0.6);
    const ac = new AbortController();
    ac.abort();
    await expect(createEngagementRanker({ epochs: 1 }).fit(data, { signal: ac.signal })).rejects.toThrow();
    expect(() => createEngagementRanker({ experts: 0 })).toThrow(/experts/);
  });
});
