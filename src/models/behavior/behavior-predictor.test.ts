import { describe, it, expect } from 'vitest';
import { createBehaviorPredictor, type BehaviorFitReport } from './index.js';
import { syntheticDataset } from '../ranker/test-fixtures.js';

// 300 synthetic users over 30 days: sessions are view → like/comment/share/dwell, activity is heavy-tailed.
const { data } = syntheticDataset(300, 7);
const predictor = createBehaviorPredictor({ seed: 2 });
let report: BehaviorFitReport;

describe('createBehaviorPredictor on a synthetic network', () => {
  it('refuses to predict before fit', () => {
    expect(() => createBehaviorPredictor().predictUser(0)).toThrow(/not been fitted/);
  });

  it('beats the majority class for the next action and ranks churners (AUC ≥ 0.65), calibrated', async () => {
    const seen: number[] = [];
    report = await predictor.fit(data, { progress: (d) => seen.push(d) });
    expect(seen.at(-1)).toBe(16);
    console.info(`behaviour: next-action acc ${report.nextActionAccuracy.toFixed(3)} vs majority ${report.majorityAccuracy.toFixed(3)}, ` +
      `ECE ${report.nextActionEce.toFixed(3)}; churn AUC ${report.churnAuc.toFixed(3)}, ECE ${report.churnEce.toFixed(3)}, rate ${report.churnRate.toFixed(3)}`);
    expect(report.classes).toContain('view');
    expect(report.nextActionAccuracy).toBeGreaterThan(report.majorityAccuracy + 0.1);
    expect(report.churnAuc).toBeGreaterThanOrEqual(0.65);
    expect(report.nextActionEce).toBeLessThan(0.1);
    expect(report.churnEce).toBeLessThan(0.15);
  });

  it('predictUser gives a distribution over the seen types and a higher churn risk to a dormant user', () => {
    const last = new Float64Array(data.users.size).fill(-Infinity);
    const recent = new Int32Array(data.users.size);
    for (let k = 0; k < data.log.user.length; k++) {
      const u = data.log.user[k]!;
      last[u] = data.log.time[k]!;
      if (data.now - data.log.time[k]! < 3 * 86_400_000) recent[u]!++;
    }
    let busy = 0, dormant = -1;
    for (let u = 0; u < data.users.size; u++) {
      if (recent[u]! > recent[busy]!) busy = u;
      if (Number.isFinite(last[u]) && data.now - last[u]! > 14 * 86_400_000 && dormant < 0) dormant = u;
    }
    expect(dormant).toBeGreaterThanOrEqual(0);
    const a = predictor.predictUser(busy), b = predictor.predictUser(dormant);
    const total = Object.values(a.nextAction).reduce((s, p) => s + p, 0);
    expect(total).toBeCloseTo(1, 5);
    expect(Object.keys(a.nextAction).sort()).toEqual([...report.classes].sort());
    expect(b.churnRisk).toBeGreaterThan(a.churnRisk);
    expect(a.churnRisk).toBeGreaterThan(0);
    expect(b.churnRisk).toBeLessThan(1);
    expect(() => predictor.predictUser(data.users.size)).toThrow(/userIndex/);
  });
});
