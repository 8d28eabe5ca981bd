/**
 * The `resonate` command end to end: generate, stats, import (with bad rows, --strict), train, recommend, and
 * the sentiment verbs, each in a fresh temporary folder. Most run the CLI in-process (same code as the binary,
 * without paying a process start per call); one test runs the real `bin/resonate.js`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../fixtures/run-cli.js';
import { createSqliteStore } from '../../src/storage/sqlite-store.js';

const run = promisify(execFile);
const BIN = resolve('bin/resonate.js');

/** Runs the CLI in-process with the store and every path inside `cwd`, capturing its output. */
/** Runs the CLI in-process with the store and every path inside `cwd`. */
function resonate(cwd: string, ...args: string[]): Promise<CliResult> {
  const abs = args.map((a) => (/\.(tsv|txt|json|safetensors|db)$/.test(a) && !a.startsWith('/') ? join(cwd, a) : a));
  return runCli([...(args.includes('--db') ? [] : ['--db', join(cwd, 'resonate.db')]), ...abs]);
}

afterEach(() => {
  process.exitCode = 0;
});

/** The real binary, as a user runs it. */
async function resonateBin(cwd: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, RESONATE_LOG_LEVEL: 'warn' } });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describe('resonate CLI', () => {
  it('generates a network, reports stats, trains and recommends', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    const gen = await resonate(cwd, 'generate', '--users', '150', '--seed', '3', '--truth', 'truth.json');
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toMatch(/generated 150 users/);
    const stats = JSON.parse((await resonate(cwd, 'stats')).stdout) as { users: number; posts: number; events: number };
    expect(stats.users).toBe(150);
    expect(stats.events).toBeGreaterThan(1000);
    const rec = await resonate(cwd, 'recommend', '--user', 'u1', '-k', '5');
    expect(rec.code, rec.stderr).toBe(0);
    const items = JSON.parse(rec.stdout) as { postId: string; explanation: string }[];
    expect(items).toHaveLength(5);
    expect(items[0]!.explanation.length).toBeGreaterThan(0);
    const wtf = await resonate(cwd, 'recommend', '--who-to-follow', '--user', 'u1', '-k', '5');
    expect(wtf.code, wtf.stderr).toBe(0);
    const people = JSON.parse(wtf.stdout) as { userId: string; reasons: string[] }[];
    expect(people).toHaveLength(5);
    expect(people.map((p) => p.userId)).not.toContain('u1');
  }, 120_000);

  it('evaluates who-to-follow on follow rows (--task follow) with the item result shape', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    // Two groups of 12 where everyone is friends with everyone in the group (listed both ways).
    const rows = Array.from({ length: 24 }, (_, i) => JSON.stringify({ kind: 'user', id: `u${i}` }));
    for (let a = 0; a < 24; a++) for (let b = 0; b < 24; b++) if (a !== b && Math.floor(a / 12) === Math.floor(b / 12)) rows.push(JSON.stringify({ kind: 'follow', follower: `u${a}`, followee: `u${b}` }));
    writeFileSync(join(cwd, 'follows.jsonl'), `${rows.join('\n')}\n`);
    const res = await resonate(cwd, 'eval', '--task', 'follow', '--data', `jsonl:${join(cwd, 'follows.jsonl')}`, '--models', 'follow/adamic-adar,follow/default', '--out', join(cwd, 'rep'));
    expect(res.code, res.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(cwd, 'rep', 'result.json'), 'utf8')) as { models: { id: string; metrics: Record<string, number> }[] };
    expect(result.models.map((m) => m.id)).toEqual(['follow/adamic-adar', 'follow/default']);
    // Every non-followed account in one's group is a hidden friend: the top 20 holds them all.
    for (const m of result.models) expect(m.metrics['recall@20']).toBe(1);
  }, 120_000);

  it('trains model versions, lists, shows, rolls back and prunes them; exports and erases a user', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    writeFileSync(join(cwd, 'cfg.json'), JSON.stringify({ models: { dir: join(cwd, 'models'), ranker: false, behavior: false }, feed: { materializeUsers: 0 } }));
    const cli = (...args: string[]): ReturnType<typeof resonate> => resonate(cwd, '--config', 'cfg.json', ...args);
    expect((await cli('generate', '--users', '60', '--seed', '5')).code).toBe(0);
    for (const v of [1, 2]) expect(JSON.parse((await cli('train', '--quiet')).stdout)).toMatchObject({ version: v });
    const list = JSON.parse((await cli('models', 'list', '--json')).stdout) as { current: number; versions: { version: number; models: string[] }[] };
    expect(list.current).toBe(2);
    expect(list.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(list.versions[0]!.models).toContain('rp3beta');
    const shown = JSON.parse((await cli('models', 'show', 'v1')).stdout) as { version: number; specs: unknown[]; validation: Record<string, unknown> };
    expect(shown.version).toBe(1);
    expect(Object.keys(shown.validation)).toContain('rp3beta');
    expect((await cli('models', 'rollback', '1')).stdout).toMatch(/v1 is now the current version/);
    const missing = await cli('models', 'rollback', '9');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/MODEL_VERSION_NOT_FOUND/);
    expect((await cli('models', 'prune', '--keep', '1')).stdout).toMatch(/nothing to prune|removed/);
    expect(JSON.parse((await cli('models', 'list', '--json')).stdout).versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const exported = JSON.parse((await cli('users', 'export', 'u3')).stdout) as { user: { id: string }; events: unknown[] };
    expect(exported.user.id).toBe('u3');
    const erased = JSON.parse((await cli('users', 'erase', 'u3')).stdout) as { user: string; modelVersion: number; droppedVersions: number[] };
    expect(erased).toMatchObject({ user: 'u3', modelVersion: 3 });
    expect(erased.droppedVersions.sort()).toEqual([1, 2]);
    const again = await cli('users', 'export', 'u3');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/USER_ERASED/);
  }, 180_000);

  it('imports valid rows, lists rejected ones by line, and --strict writes nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    writeFileSync(join(cwd, 'plays.tsv'), 'user\titem\tvalue\nu1\ti1\t3\nu2\ti1\tlots\nu2\ti2\t1\n');
    const strict = await resonate(cwd, 'import', 'interactions', 'plays.tsv', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/IMPORT_ABORTED|line 3/);
    expect(JSON.parse((await resonate(cwd, 'stats')).stdout)).toMatchObject({ events: 0 });
    const lenient = await resonate(cwd, 'import', 'interactions', 'plays.tsv');
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stderr).toMatch(/line 3/);
    expect(lenient.stdout).toMatch(/events: 2 created, 0 updated, 0 merged duplicates, 1 rejected/);
    expect(JSON.parse((await resonate(cwd, 'stats')).stdout)).toMatchObject({ events: 2 });
    const missing = await resonate(cwd, 'import', 'interactions', 'nope.tsv');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/FILE_NOT_FOUND/);
    const badFormat = await resonate(cwd, 'import', 'parquet', 'plays.tsv');
    expect(badFormat.stderr).toMatch(/UNKNOWN_OPTION|parquet/);
  }, 60_000);

  it('an import waits for another process\'s write lock rather than failing, with or without --atomic', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    writeFileSync(join(cwd, 'plays.tsv'), 'user\titem\tvalue\nu1\ti1\t3\nu2\ti2\t1\n');
    const other = await createSqliteStore({ path: join(cwd, 'resonate.db') });
    try {
      for (const flags of [[], ['--atomic']]) {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let locked!: () => void;
        const holding = new Promise<void>((r) => (locked = r));
        const held = other.transaction(async () => (locked(), gate));
        await holding;
        const timer = setTimeout(release, 300);
        const res = await resonate(cwd, 'import', 'interactions', 'plays.tsv', ...flags);
        await held;
        clearTimeout(timer);
        expect(res.code, res.stderr).toBe(0);
        // The second run finds both events stored: merged duplicates.
        expect(res.stdout).toMatch(flags.length === 0 ? /events: 2 created/ : /events: 0 created, 0 updated, 2 merged duplicates/);
      }
      expect(await other.counts()).toMatchObject({ events: 2 });
    } finally {
      await other.close();
    }
  }, 60_000);

  it('refuses a corrupt database with a clear error', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    writeFileSync(join(cwd, 'broken.db'), 'this is not a database, just text that is long enough to look like a header');
    const res = await resonate(cwd, '--db', 'broken.db', 'stats');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/STORE_CORRUPT/);
  }, 30_000);

  it('runs as the real binary', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    const res = await resonateBin(cwd, 'stats');
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ users: 0, posts: 0, follows: 0, events: 0 });
    const bad = await resonateBin(cwd, 'import', 'interactions', 'missing.tsv');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/FILE_NOT_FOUND/);
  }, 180_000);

  it('trains and applies a sentiment model from files', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    writeFileSync(join(cwd, 'text.txt'), 'I love it\nI hate it\nit is blue\n');
    writeFileSync(join(cwd, 'labels.txt'), '2\n0\n1\n');
    const train = await resonate(cwd, 'text', 'train-sentiment', '--train-text', 'text.txt', '--train-labels', 'labels.txt', '--model', 'lexicon', '--out', 'm.safetensors');
    expect(train.code, train.stderr).toBe(0);
    const pred = await resonate(cwd, 'text', 'predict-sentiment', '--model', 'm.safetensors', '--text', 'text.txt');
    expect(pred.stdout.trim().split('\n')).toEqual(['2', '0', '1']);
    writeFileSync(join(cwd, 'short.txt'), '2\n');
    const mismatch = await resonate(cwd, 'text', 'train-sentiment', '--train-text', 'text.txt', '--train-labels', 'short.txt', '--out', 'x');
    expect(mismatch.stderr).toMatch(/1 labels for 3 texts/);
  }, 60_000);

  it('trains any text classifier under its general name, from a spec file, calibrated on validation texts', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'resonate-cli-'));
    const texts = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `you idiot ${i}` : `nice game ${i}`));
    writeFileSync(join(cwd, 'text.txt'), texts.join('\n') + '\n');
    writeFileSync(join(cwd, 'labels.txt'), texts.map((_, i) => (i % 3 === 0 ? 'offensive' : 'ok')).join('\n') + '\n');
    writeFileSync(join(cwd, 'spec.json'), JSON.stringify({ model: 'ensemble', options: { members: [{ model: 'linear' }, { model: 'linear', options: { classifier: 'nbsvm' } }] } }));
    const train = await resonate(cwd, 'text', 'train-classifier', '--train-text', 'text.txt', '--train-labels', 'labels.txt', '--spec', 'spec.json',
      '--val-text', 'text.txt', '--val-labels', 'labels.txt', '--tune-threshold', '--out', 'm.safetensors');
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/trained ensemble on 60 texts \(labels: offensive, ok\)/);
    expect(train.stdout).toMatch(/validation \(60 texts\): macro-F1 1\.0000.*ECE [\d.]+, Brier [\d.]+/);
    writeFileSync(join(cwd, 'new.txt'), 'you idiot\nnice game\n');
    const pred = await resonate(cwd, 'text', 'predict-classifier', '--model', 'm.safetensors', '--text', 'new.txt');
    expect(pred.stdout.trim().split('\n')).toEqual(['offensive', 'ok']);

    writeFileSync(join(cwd, 'bad.json'), '{ "model": ');
    expect((await resonate(cwd, 'text', 'train-classifier', '--train-text', 'text.txt', '--train-labels', 'labels.txt', '--spec', 'bad.json', '--out', 'x.safetensors')).stderr).toMatch(/INVALID_JSON/);
    writeFileSync(join(cwd, 'extra.json'), '{ "model": "linear", "epochs": 3 }');
    expect((await resonate(cwd, 'text', 'train-classifier', '--train-text', 'text.txt', '--train-labels', 'labels.txt', '--spec', 'extra.json', '--out', 'x.safetensors')).stderr).toMatch(/INVALID_INPUT/);
    const clash = await resonate(cwd, 'text', 'train-classifier', '--train-text', 'text.txt', '--train-labels', 'labels.txt', '--spec', 'spec.json', '--model', 'linear', '--out', 'x.safetensors');
    expect(clash.stderr).toMatch(/--model linear but the spec file/);
    const half = await resonate(cwd, 'text', 'train-classifier', '--train-text', 'text.txt', '--train-labels', 'labels.txt', '--val-text', 'text.txt', '--out', 'x.safetensors');
    expect(half.stderr).toMatch(/give --val-text and --val-labels together/);
  }, 120_000);
});
