import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-ope-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A uniform logger over {a, b} at one position; a clicks 3 times in 4, b once in 4.
const rows = [1, 1, 1, 0].map((r) => ({ action: 'a', reward: r, propensity: 0.5 })).concat([1, 0, 0, 0].map((r) => ({ action: 'b', reward: r, propensity: 0.5 })));
const logs = join(dir, 'log.jsonl');
writeFileSync(logs, rows.map((r) => JSON.stringify(r)).join('\n'));
const policy = join(dir, 'always-a.json');
writeFileSync(policy, JSON.stringify({ actions: { a: 1 }, onPolicy: 0.75 }));

describe('resonate ope', () => {
  it('writes result.json (estimators with value and ci, rows, onPolicy), report.md and two charts', async () => {
    const out = join(dir, 'report');
    const r = await runCli(['ope', '--logs', `jsonl:${logs}`, '--policy', policy, '--out', out, '--resamples', '50', '--folds', '1']);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { estimators: Record<string, { value: number; ci: [number, number]; relativeError: number }>; rows: number; onPolicy: number };
    expect(Object.keys(result.estimators)).toEqual(['dm', 'ips', 'snips', 'dr', 'sndr']);
    expect(result.rows).toBe(8);
    expect(result.onPolicy).toBe(0.75);
    // IPS: the four a rows weigh 2 each → (2·3) / 8; SNIPS: 3 clicks / 4 a rows.
    expect(result.estimators.ips.value).toBeCloseTo(0.75, 12);
    expect(result.estimators.snips.value).toBeCloseTo(0.75, 12);
    expect(result.estimators.ips.relativeError).toBeCloseTo(0, 12);
    for (const e of Object.values(result.estimators)) expect(e.ci[0]).toBeLessThanOrEqual(e.ci[1]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| IPS | 0.75000 |');
    for (const svg of ['estimates.svg', 'weights.svg']) expect(readFileSync(join(out, svg), 'utf8').startsWith('<svg')).toBe(true);
    expect(r.stdout).toMatch(/ips\s+0\.75000/);
  });

  it('answers PROPENSITY_MISSING, naming the rows, and writes nothing', async () => {
    const noProp = join(dir, 'no-prop.jsonl');
    writeFileSync(noProp, [{ action: 'a', reward: 1, propensity: 0.5 }, { action: 'b', reward: 0 }].map((x) => JSON.stringify(x)).join('\n'));
    const out = join(dir, 'none');
    const r = await runCli(['ope', '--logs', `jsonl:${noProp}`, '--policy', 'uniform', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error PROPENSITY_MISSING: 1 of 2 logged rows have no propensity \(row 2\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('--unit slate sums each slate\'s slots, and refuses rows without a slate id', async () => {
    // Two slates of two slots, logged uniformly over {a, b} per slot; the policy always shows a.
    const slates = join(dir, 'slates.jsonl');
    writeFileSync(slates, [
      { action: 'a', position: 1, reward: 1, propensity: 0.5, slate: 1 }, { action: 'b', position: 2, reward: 0, propensity: 0.5, slate: 1 },
      { action: 'a', position: 1, reward: 0, propensity: 0.5, slate: 2 }, { action: 'a', position: 2, reward: 1, propensity: 0.5, slate: 2 },
    ].map((x) => JSON.stringify(x)).join('\n'));
    const out = join(dir, 'slate-report');
    const r = await runCli(['ope', '--logs', `jsonl:${slates}`, '--policy', policy, '--unit', 'slate', '--out', out, '--resamples', '20', '--folds', '1']);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { units: number; estimators: { ips: { value: number } } };
    expect(result.units).toBe(2);
    // weights 2, 0, 2, 2 on rewards 1, 0, 0, 1 → (2 + 2) / 2 slates
    expect(result.estimators.ips.value).toBeCloseTo(2, 12);
    const noSlate = await runCli(['ope', '--logs', `jsonl:${logs}`, '--policy', policy, '--unit', 'slate', '--out', join(dir, 'x')]);
    expect(noSlate.code).toBe(1);
    expect(noSlate.stderr).toMatch(/error INVALID_INPUT: rows 1, 2, 3, 4, 5, 6, 7, 8: slate evaluation needs a slate id/);
  });
});
