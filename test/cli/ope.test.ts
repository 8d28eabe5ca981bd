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
});
