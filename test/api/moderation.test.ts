/**
 * The moderation signal end to end: a saved classifier gives posts `features.offensive` at ingest; the feed hides
 * posts above `hideFromNonFollowersAbove` from users who do not follow their author; the admin route lists posts
 * above `reviewAbove`. Without a classifier configured nothing changes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { hashSecret } from '../../src/api/api-keys.js';
import { createServer } from '../../src/api/server.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { ResonateConfigInput } from '../../src/core/config.js';
import { trainClassifier } from '../../src/text/index.js';
import { smallNetwork } from '../fixtures/small-network.js';

const ADMIN = 'admin-key-123456', READER = 'reader-key-123456';
const RUDE = 'you stupid idiot, this pasta recipe is garbage #cooking';
const dir = mkdtempSync(join(tmpdir(), 'moderation-'));
const classifierPath = join(dir, 'offensive.safetensors');
const engines: Engine[] = [];
let app: FastifyInstance;
let moderated: Engine;

/** The small network with two of ana's posts made rude (ana is followed by cal, not by dee). */
function network(): ReturnType<typeof smallNetwork> {
  const net = smallNetwork();
  for (const p of net.posts) if (p.id === 'c00' || p.id === 'c01') p.text = RUDE;
  return net;
}

async function engineWith(moderation: ResonateConfigInput['moderation']): Promise<Engine> {
  const engine = await createEngine({
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { ranker: false, behavior: false, validate: false },
      feed: { materializeUsers: 0, exploration: { every: 0 } },
      server: { apiKeys: [{ hash: hashSecret(ADMIN), scopes: ['admin', 'read', 'write'] }, { hash: hashSecret(READER), scopes: ['read'] }] },
      ...(moderation ? { moderation } : {}),
    },
  });
  engines.push(engine);
  const net = network();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: false });
  return engine;
}

const feedIds = async (engine: Engine, user: string): Promise<string[]> => (await engine.feed(user, { pageSize: 50 })).items.map((i) => i.postId);

beforeAll(async () => {
  const rude = ['stupid idiot', 'you moron', 'garbage idiot', 'stupid garbage', 'idiot moron'];
  const fine = ['pasta recipe basil', 'football match goal', 'fresh basil', 'the final goal', 'my best recipe'];
  const texts = Array.from({ length: 100 }, (_, i) => (i % 2 ? rude[i % 5]! : fine[i % 5]!) + ` ${i}`);
  const model = await trainClassifier({ texts, labels: texts.map((_, i) => (i % 2 ? 'offensive' : 'ok')), model: 'linear' });
  model.save(classifierPath);
  moderated = await engineWith({ classifier: classifierPath, hideFromNonFollowersAbove: 0.5, reviewAbove: 0.5 });
  app = await createServer(moderated);
}, 120_000);
afterAll(async () => {
  await app.close();
  for (const e of engines) await e.close();
});

describe('moderation signal', () => {
  it('gives posts their offensive probability at ingest', async () => {
    const [rude, fine] = await moderated.store.getPosts(['c00', 'c10']);
    expect(rude!.features?.offensive).toBeGreaterThan(0.5);
    expect(fine!.features?.offensive).toBeLessThan(0.5);
    // A post that carries the feature keeps it.
    await moderated.ingest('posts', [{ id: 'own', author: 'ben', text: RUDE, created_at: Date.parse('2026-01-02T00:00:00Z'), features: { offensive: 0.1 } }]);
    expect((await moderated.store.getPosts(['own']))[0]!.features?.offensive).toBe(0.1);
  });

  it('hides posts above the threshold from non-followers of the author only', async () => {
    const plain = await engineWith(undefined);
    expect((await plain.store.getPosts(['c00']))[0]!.features?.offensive).toBeUndefined();
    // dee does not follow ana and has not seen c00; cal follows ana and has not seen c01.
    expect(await feedIds(plain, 'dee')).toContain('c00');
    expect(await feedIds(moderated, 'dee')).not.toContain('c00');
    expect(await feedIds(moderated, 'cal')).toContain('c01');
  }, 120_000);

  it('lists posts above reviewAbove for admins', async () => {
    const res = await app.inject({ url: '/v1/admin/moderation/flagged?days=3650', headers: { 'x-api-key': ADMIN } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { reviewAbove: number; items: { post: { id: string }; offensive: number }[] };
    expect(body.reviewAbove).toBe(0.5);
    expect(body.items.map((i) => i.post.id).sort()).toEqual(['c00', 'c01']);
    for (const i of body.items) expect(i.offensive).toBeGreaterThan(0.5);
    expect((await app.inject({ url: '/v1/admin/moderation/flagged', headers: { 'x-api-key': READER } })).json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.inject({ url: '/v1/admin/moderation/flagged?days=-1', headers: { 'x-api-key': ADMIN } })).statusCode).toBe(400);
  });

  it('puts flagged posts in the moderation queue until they are taken down', async () => {
    const queue = async (): Promise<string[]> => ((await app.inject({ url: '/v1/admin/reports', headers: { 'x-api-key': ADMIN } })).json() as { flagged: { post: { id: string } }[] }).flagged.map((f) => f.post.id);
    expect((await queue()).sort()).toEqual(['c00', 'c01']);
    expect((await app.inject({ method: 'POST', url: '/v1/admin/posts/c00/takedown', headers: { 'x-api-key': ADMIN }, payload: { reason: 'abuse' } })).statusCode).toBe(200);
    expect(await queue()).toEqual(['c01']);
  });

  it('trains the classifier when the engine starts from configured labelled texts', async () => {
    const texts = Array.from({ length: 60 }, (_, i) => (i % 2 ? `stupid idiot ${i}` : `pasta basil ${i}`));
    writeFileSync(join(dir, 'train.txt'), texts.join('\n') + '\n');
    writeFileSync(join(dir, 'labels.txt'), texts.map((_, i) => String(i % 2)).join('\n') + '\n');
    const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false }, moderation: { trainText: join(dir, 'train.txt'), trainLabels: join(dir, 'labels.txt') } } });
    engines.push(engine);
    await engine.ingest('users', [{ id: 'u' }]);
    await engine.ingest('posts', [{ id: 'r', author: 'u', text: 'what a stupid idiot', created_at: 1 }, { id: 'k', author: 'u', text: 'fresh basil pasta', created_at: 2 }]);
    const [r, k] = await engine.store.getPosts(['r', 'k']);
    expect(r!.features?.offensive).toBeGreaterThan(0.5);
    expect(k!.features?.offensive).toBeLessThan(0.5);
  });

  it('refuses a classifier that lacks the configured label, and half a training set', async () => {
    await expect(createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, moderation: { classifier: classifierPath, label: 'toxic' } } })).rejects.toThrow(/not "toxic"/);
    await expect(createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, moderation: { trainText: 'x.txt' } } })).rejects.toThrow(/go together/);
  });
});
