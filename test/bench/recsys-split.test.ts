import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { loadEvaluationData } from '../../src/eval/load-data.js';
import { makeSplit } from '../../src/eval/splits/make-split.js';
import type { Csr } from '../../src/math/csr.js';
import { datasetOf, loadMl100k, loadMl100kDataset, stratifiedSplit } from '../../bench/recsys.js';

/**
 * A MovieLens-shaped folder: 30 users × 25 items, 6–12 ratings each, timestamps drawn at random so the file order
 * of u.data is not time order (as in the real u.data) and ids are met in a different order than they are listed.
 */
function writeMovielens(dir: string): void {
  const rng = createRng(7);
  writeFileSync(join(dir, 'u.genre'), 'unknown|0\nAction|1\nComedy|2\n\n');
  writeFileSync(join(dir, 'u.user'), Array.from({ length: 30 }, (_, u) => `${u + 1}|${20 + u}|${u % 2 ? 'M' : 'F'}|other|00000`).join('\n') + '\n');
  writeFileSync(join(dir, 'u.item'), Array.from({ length: 25 }, (_, i) => `${i + 1}|Movie ${i + 1} (1995)|01-Jan-1995||http://x|0|${i % 2}|${(i + 1) % 2}`).join('\n') + '\n');
  const lines: string[] = [];
  for (let u = 30; u >= 1; u--) {
    const items = new Set<number>();
    const n = 6 + rng.int(7);
    while (items.size < n) items.add(1 + rng.int(25));
    for (const i of items) lines.push(`${u}\t${i}\t${1 + rng.int(5)}\t${880_000_000 + rng.int(1_000_000)}`);
  }
  writeFileSync(join(dir, 'u.data'), lines.join('\n') + '\n');
}

const csrArrays = (m: Csr): number[][] => [Array.from(m.indptr), Array.from(m.indices), Array.from(m.data)];

describe('bench/recsys ml-100k loading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-ml-split-'));
  writeMovielens(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws the same msr split per seed as `resonate eval --data movielens:<dir>`', async () => {
    const cli = await loadEvaluationData(`movielens:${dir}`);
    const bench = await loadMl100kDataset(dir);
    for (const seed of [42, 43]) {
      const a = makeSplit(cli, 'msr', seed, {}, false);
      const b = stratifiedSplit(bench, seed);
      expect(csrArrays(b.train.interactions)).toEqual(csrArrays(a.train.interactions));
      // The bench's per-user test sets are the CLI split's test rows of the warm users.
      for (const [u, items] of b.test) {
        expect([...items].sort((x, y) => x - y)).toEqual(Array.from(a.test.indices.subarray(a.test.indptr[u]!, a.test.indptr[u + 1]!)).sort((x, y) => x - y));
      }
      expect(b.test.size).toBeGreaterThan(0);
    }
    // Same ids at the same indices, so the rows above name the same users and items.
    expect(bench.users.ids()).toEqual(cli.users.ids());
    expect(bench.items.ids()).toEqual(cli.items.ids());
  });

  it('differs from the raw u.data-order loader on this fixture, so the test above can fail', async () => {
    const cli = await loadEvaluationData(`movielens:${dir}`);
    const raw = datasetOf(loadMl100k(join(dir, 'u.data')));
    const a = makeSplit(cli, 'msr', 42, {}, false), b = makeSplit(raw, 'msr', 42, {}, false);
    const sameIds = JSON.stringify(raw.users.ids()) === JSON.stringify(cli.users.ids()) && JSON.stringify(raw.items.ids()) === JSON.stringify(cli.items.ids());
    expect(sameIds && JSON.stringify(csrArrays(a.train.interactions)) === JSON.stringify(csrArrays(b.train.interactions))).toBe(false);
  });
});
