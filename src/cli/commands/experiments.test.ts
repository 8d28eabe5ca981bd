import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/fixtures/run-cli.js';
import { openStore } from '../../storage/open-store.js';

afterEach(() => { process.exitCode = 0; });

describe('resonate experiments report', () => {
  it('writes result.json and report.md from the store’s impression log and events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-experiments-cli-'));
    const db = join(dir, 'r.db');
    const T0 = Date.parse('2026-03-01T00:00:00Z');
    const store = await openStore(`sqlite://${db}`);
    await store.write({ users: [{ id: 'a' }, { id: 'b' }, { id: 'w' }], posts: [{ id: 'p1', author: 'w', text: 'one', created_at: T0 - 1, tags: [] }, { id: 'p2', author: 'w', text: 'two', created_at: T0 - 1, tags: [] }] });
    const r1 = '11111111-1111-4111-8111-111111111111', r2 = '22222222-2222-4222-8222-222222222222';
    await store.writeImpressions([
      { requestId: r1, userId: 'a', offset: 0, at: T0 + 1000, experiment: 'x:c', items: [{ postId: 'p1', source: 's', score: 1 }, { postId: 'p2', source: 's', score: 0.5 }] },
      { requestId: r2, userId: 'b', offset: 0, at: T0 + 2000, experiment: 'x:t', items: [{ postId: 'p1', source: 's', score: 1 }] },
    ]);
    await store.write({ events: [{ id: 'e1', user: 'b', type: 'like', post: 'p1', timestamp: T0 + 3000, request_id: r2 }] });
    await store.close();
    const config = join(dir, 'resonate.config.json');
    writeFileSync(config, JSON.stringify({ store: { url: `sqlite://${db}` }, experiments: [{ name: 'x', start: '2026-03-01T00:00:00Z', stop: '2026-03-02T00:00:00Z', arms: [{ name: 'c', share: 0.5 }, { name: 't', share: 0.5 }] }] }));
    const out = join(dir, 'report');
    const r = await runCli(['-c', config, 'experiments', 'report', 'x', '--out', out]);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { arms: { name: string; impressions: number; metrics: { ctr: { value: number } } }[] };
    expect(result.arms.map((a) => [a.name, a.impressions, a.metrics.ctr.value])).toEqual([['c', 2, 0], ['t', 1, 1]]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| ctr | 0.0000 [0.0000, 0.0000] | 1.0000 [1.0000, 1.0000] |');
    const missing = await runCli(['-c', config, 'experiments', 'report', 'nope']);
    expect(missing.stdout + missing.stderr).toContain('NOT_FOUND');
  });
});
