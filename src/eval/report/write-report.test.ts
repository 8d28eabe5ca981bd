import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../evaluation-result.js';
import { reportMarkdown } from './markdown.js';
import { writeReport } from './write-report.js';

function result(sampled: boolean): EvaluationResult {
  const model = (id: string, ndcg: number, fit: number) => ({
    id,
    metrics: { 'ndcg@10': ndcg, 'map@10': ndcg / 2, 'precision@10': 0.1, 'recall@10': 0.2, auc: 0.9, 'coverage@10': 0.3 },
    std: { 'ndcg@10': 0.01, 'map@10': 0.005, 'precision@10': 0, 'recall@10': 0, auc: 0, 'coverage@10': 0, fitSeconds: 0.1 },
    fitSeconds: fit,
    recommendSeconds: 0.05,
    params: { factors: 64 },
    atK: { '1': { ndcg: ndcg / 3 }, '5': { ndcg: ndcg / 2 }, '10': { ndcg } },
  });
  return {
    protocol: { name: 'msr', description: 'stratified', ranking: sampled ? 'sampled' : 'full', users: 'warm', options: {} },
    models: [model('mf/ials', 0.43, 2.5), model('popular/all-time', 0.2, 0)],
    seed: 42,
    seeds: [42, 43],
    k: 10,
    ks: [1, 5, 10],
    data: { fingerprint: 'ab'.repeat(32), users: 10, items: 20, interactions: 100 },
    evaluatedUsers: 10,
    ...(sampled ? { sampledNegatives: 100 } : {}),
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('writeReport', () => {
  it('writes result.json, report.md and three SVG charts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-report-'));
    dirs.push(dir);
    const files = await writeReport(result(false), join(dir, 'out'));
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(result(false));
    expect(files.charts).toHaveLength(3);
    for (const c of files.charts) {
      const svg = readFileSync(c, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('mf/ials');
    }
    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toContain('| mf/ials | 0.4300 ± 0.0100 | 0.2150 ± 0.0050 |');
    expect(md).toContain('![Accuracy by model](metric-by-model.svg)');
    expect(md).toMatch(/full — every item/);
  });

  it('says "sampled" when the ranking was sampled', () => {
    const md = reportMarkdown(result(true));
    expect(md).toMatch(/SAMPLED: 100 negatives/);
    expect(md).toMatch(/not comparable with full-ranking/);
  });
});
