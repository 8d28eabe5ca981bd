/**
 * The model lifecycle end to end on a file store: train writes a version, a new engine serves it without
 * training, damaged or mismatched versions are skipped, rollback and prune, a killed training process leaves
 * the previous version serving, and a retraining in a child process swaps a new version in.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResonateConfigInput } from '../../src/core/config.js';
import { isResonateError } from '../../src/core/errors.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { currentVersion, listVersions, pruneVersions, setCurrentVersion, versionName, versionNumbers } from '../../src/engine/model-versions.js';
import { smallNetwork } from '../fixtures/small-network.js';

const root = mkdtempSync(join(tmpdir(), 'resonate-lifecycle-'));
const dbPath = join(root, 'social.db');
const modelsDir = join(root, 'models');
const base: ResonateConfigInput = { store: { url: `sqlite://${dbPath}` }, models: { dir: modelsDir, ranker: false, behavior: false }, feed: { materializeUsers: 0, sources: [{ id: 'in-network', weight: 1 }, { id: 'item-knn/cosine', weight: 1 }, { id: 'popular/trending', weight: 0.5 }, { id: 'fresh', weight: 0.5 }], similar: 'item-knn/cosine' } };
const open = (extra: ResonateConfigInput = {}): Promise<Engine> => createEngine({ config: loadConfig({ file: undefined, env: {}, overrides: { ...base, ...extra, models: { ...base.models, ...extra.models }, feed: { ...base.feed, ...extra.feed } } }) });
const firstPage = async (e: Engine, user: string): Promise<string[]> => (await e.feed(user, { pageSize: 6 })).items.map((i) => i.postId);

beforeAll(async () => {
  const engine = await open();
  const net = smallNetwork();
  await engine.ingest('users', net.users);
  await engine.ingest('posts', net.posts);
  await engine.ingest('follows', net.follows);
  await engine.ingest('events', net.events);
  const report = await engine.train();
  expect(report.version).toBe(1);
  await engine.close();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model versions', () => {
  it('train writes a complete version and makes it current', () => {
    const { versions, current } = listVersions(modelsDir);
    expect(current).toBe(1);
    expect(versions[0]!.models.map((m) => m.key).sort()).toEqual(['in-network', 'item-knn/cosine', 'popular/trending']);
    expect(versions[0]!.data.fingerprint.posts).toBe(24);
    // Measured on a leave-last-out carve of the training data before the final fit.
    const validation = versions[0]!.validation!;
    expect(Object.keys(validation).sort()).toEqual(['in-network', 'item-knn/cosine', 'popular/trending']);
    expect(validation['item-knn/cosine']!['ndcg@10']).toBeGreaterThan(validation['popular/trending']!['ndcg@10']!);
    expect(readdirSync(join(modelsDir, versionName(1))).sort()).toEqual(['dataset.safetensors', 'in-network.safetensors', 'interest-vectorizer.safetensors', 'item-knn__cosine.safetensors', 'manifest.json', 'policy.json', 'popular__trending.safetensors', 'topics.json']);
  });

  it('a new engine serves the saved version without training, with the same feed', async () => {
    const trained = await open();
    await trained.train({ save: false });
    const expected = await firstPage(trained, 'ana');
    await trained.close();
    const engine = await open();
    const loaded = await engine.load();
    expect(loaded?.manifest.version).toBe(1);
    expect(await engine.dataChanged()).toBe(false);
    expect(await firstPage(engine, 'ana')).toEqual(expected);
    expect((await engine.stats()).modelVersion?.version).toBe(1);
    expect(versionNumbers(modelsDir)).toEqual([1]);
    // The trending topics come with the version: served at once, not fitted by this process.
    expect(engine.trendingTopics(5).length).toBeGreaterThan(0);
    await engine.close();
  });

  it('a version trained for other specs is not served', async () => {
    const engine = await open({ feed: { sources: [{ id: 'popular/trending' }, { id: 'sar', weight: 1 }] } });
    expect(await engine.load()).toBeUndefined();
    await engine.close();
  });

  it('a damaged version is reported and skipped: the previous one serves', async () => {
    const engine = await open();
    expect((await engine.train()).version).toBe(2);
    truncateSync(join(modelsDir, versionName(2), 'item-knn__cosine.safetensors'), 40);
    const again = await open();
    const loaded = await again.load();
    expect(loaded?.manifest.version).toBe(1);
    expect(loaded?.skipped[0]).toMatchObject({ version: 2 });
    writeFileSync(join(modelsDir, versionName(2), 'manifest.json'), '{ not json');
    expect(listVersions(modelsDir).skipped[0]!.problem).toContain('not valid JSON');
    await Promise.all([engine.close(), again.close()]);
  });

  it('rollback pins a version; an unknown one is a named error; prune keeps the newest and the current', async () => {
    const engine = await open();
    expect((await engine.train()).version).toBe(3);
    setCurrentVersion(modelsDir, 1);
    const pinned = await open();
    expect((await pinned.load())?.manifest.version).toBe(1);
    try {
      setCurrentVersion(modelsDir, 99);
      expect.unreachable();
    } catch (e) {
      expect(isResonateError(e, 'MODEL_VERSION_NOT_FOUND')).toBe(true);
    }
    expect(pruneVersions(modelsDir, 1)).toEqual([2]);
    expect(versionNumbers(modelsDir)).toEqual([3, 1]);
    setCurrentVersion(modelsDir, 3);
    await Promise.all([engine.close(), pinned.close()]);
  });

  it('an invalid spec fails at start with INVALID_CONFIG naming the field', async () => {
    await expect(open({ feed: { sources: [{ id: 'in-network' }, { id: 'hybrid/score-fusion', params: { members: [] } }] } })).rejects.toThrow(/feed\.sources\[1\]\.params/);
    await expect(open({ models: { train: ['configs/does-not-exist.json'] } })).rejects.toThrow(/models\.train\[0\]/);
  });

  it('serves sequence and graph models from feed.sources, saved and loaded like any model', async () => {
    const sources = [
      { id: 'in-network', weight: 1 },
      { id: 'seq/sasrec', weight: 1, params: { epochs: 2, evalEvery: 0, hidden: 16, maxLen: 8 } },
      { id: 'graph/lightgcn', weight: 1, params: { epochs: 2, socialEdges: true } },
    ];
    const engine = await open({ feed: { sources } });
    const { version } = await engine.train();
    const page = await engine.feed('ana', { pageSize: 6 });
    const used = new Set(page.items.flatMap((i) => i.sources));
    expect(used.has('seq/sasrec') || used.has('graph/lightgcn')).toBe(true);
    // SASRec scores from the user's recent history, which new events extend between trainings.
    const before = await engine.recommend('eve', { model: 'seq/sasrec', k: 5 });
    await engine.ingest('events', [{ id: 'seq-1', user: 'eve', type: 'like', post: before[0]!.postId, timestamp: Date.parse('2026-01-03T00:00:00Z') }]);
    expect(await engine.recommend('eve', { model: 'seq/sasrec', k: 5 })).not.toEqual(before);
    await engine.close();
    const next = await open({ feed: { sources } });
    expect((await next.load())?.manifest.version).toBe(version);
    expect((await next.feed('ana', { pageSize: 6 })).items.length).toBeGreaterThan(0);
    await next.close();
  });

  it('serves a hybrid from feed.sources under its label', async () => {
    const engine = await open({ feed: { sources: [{ id: 'in-network', weight: 1 }, { id: 'hybrid/score-fusion', label: 'blend', weight: 1, params: { members: [{ id: 'item-knn/cosine' }, { id: 'sar', weight: 0.5 }] } }] } });
    await engine.train({ save: false });
    const page = await engine.feed('ana', { pageSize: 6 });
    expect(page.items.some((i) => i.sources.includes('blend'))).toBe(true);
    expect((await engine.recommend('ana', { model: 'blend', k: 3 })).length).toBe(3);
    await engine.close();
  });
});

describe('the engagement ranker of a version', () => {
  it('is saved beside the version once trained, and loaded instead of trained by the next engine', async () => {
    const withRanker: ResonateConfigInput = { models: { ranker: true }, feed: { rankerWeight: 0.5 } };
    const engine = await open(withRanker);
    const { version } = await engine.train();
    await engine.secondaryTraining();
    const file = join(modelsDir, versionName(version!), 'ranker.safetensors');
    expect(existsSync(file)).toBe(true);
    await engine.close();
    const next = await open(withRanker);
    await next.load();
    expect((await next.stats()).ranker).toBe('training');
    await next.secondaryTraining();
    expect((await next.stats()).ranker).toBe('ready');
    await next.close();
    truncateSync(file, 16);
    const damaged = await open(withRanker);
    await damaged.load();
    await damaged.secondaryTraining();
    expect((await damaged.stats()).ranker).toBe('ready');
    await damaged.close();
  });
});

describe('retraining', () => {
  it('a training process killed midway leaves the current version serving', async () => {
    const before = currentVersion(modelsDir);
    const cfg = join(root, 'slow.json');
    // A slow extra model (SASRec for 10,000 epochs) keeps the process in training long enough to be killed there.
    writeFileSync(cfg, JSON.stringify({ ...base, models: { ...base.models, train: [{ id: 'seq/sasrec', params: { epochs: 10000, evalEvery: 0 } }] } }));
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/resonate.js'), '--config', cfg, 'train', '--no-background', '--quiet'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise((r) => setTimeout(r, 8000));
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await exited;
    expect(currentVersion(modelsDir)).toBe(before);
    const engine = await open();
    expect((await engine.load())?.manifest.version).toBe(before);
    await engine.close();
  }, 60_000);

  it('a process killed while writing a version leaves only a hidden folder, never served and pruned later', async () => {
    // What a kill between writing the files and the rename leaves behind (pid 2^22 + 1 is never a live process here).
    const orphan = join(modelsDir, `.${versionName(99)}.tmp-4194305-1`);
    mkdirSync(orphan);
    writeFileSync(join(orphan, 'manifest.json'), '{}');
    const engine = await open();
    expect((await engine.load())?.manifest.version).toBe(currentVersion(modelsDir));
    expect(versionNumbers(modelsDir)).not.toContain(99);
    pruneVersions(modelsDir, 10);
    expect(readdirSync(modelsDir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    await engine.close();
  });

  it('after new data, retrain() trains in a child process and swaps the new version in', async () => {
    const engine = await open();
    await engine.load();
    const served = (await engine.stats()).modelVersion!.version;
    await engine.ingest('events', [{ id: 'new-like', user: 'ana', type: 'like', post: 'c21', timestamp: Date.parse('2026-01-02T00:00:00Z') }]);
    expect(await engine.dataChanged()).toBe(true);
    await engine.retrain();
    const stats = await engine.stats();
    expect(stats.retraining).toBe('idle');
    expect(stats.modelVersion!.version).toBeGreaterThan(served);
    expect(await engine.dataChanged()).toBe(false);
    expect(existsSync(join(modelsDir, versionName(stats.modelVersion!.version), 'manifest.json'))).toBe(true);
    await engine.close();
  }, 120_000);
});
