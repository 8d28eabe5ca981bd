import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { smallNetwork } from '../fixtures/small-network.js';

/**
 * Completions on a planted corpus: each planted post is repeated, so its prefix determines its continuation. One
 * continuation is offensive for a planted moderation classifier (trained at start on texts where "idiot" and
 * "moron" are the offensive words), and "comet" is blocklisted.
 */
const PLANTED = ['alpha beta gamma delta epsilon', 'you are a total idiot', 'sun moon star comet', 'red green blue violet'];
const T0 = Date.parse('2026-01-02T00:00:00Z');

let dir: string;
let engine: Engine;
let app: FastifyInstance;
const net = smallNetwork();

type Answer = { hashtags: unknown[]; completions: { text: string; logProb: number }[]; completionsUnavailable?: string };
const suggest = async (payload: object): Promise<Answer> => {
  const res = await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Answer;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'resonate-compose-'));
  const clean = ['what a lovely day', 'fresh pasta tonight', 'the final was great', 'sun and moon', 'alpha beta gamma', 'nice match', 'good morning all', 'red and blue'];
  const rude = ['you idiot', 'what an idiot', 'total idiot move', 'such a moron', 'idiot idiot', 'you moron'];
  writeFileSync(join(dir, 'text.txt'), [...clean, ...rude].join('\n'));
  writeFileSync(join(dir, 'labels.txt'), [...clean.map(() => 'clean'), ...rude.map(() => 'offensive')].join('\n'));
  engine = await createEngine({
    overrides: {
      store: { url: 'sqlite://:memory:' }, models: { dir: join(dir, 'models') },
      moderation: { trainText: join(dir, 'text.txt'), trainLabels: join(dir, 'labels.txt') },
      compose: { epochs: 25, hidden: 32, embeddingDim: 16, vocabSize: 200, blocklist: ['Comet'], offensiveAbove: 0.5 },
    },
  });
  app = await createServer(engine);
  const posts = PLANTED.flatMap((text, i) => Array.from({ length: 12 }, (_, j) => ({ id: `p${i}-${j}`, author: 'ana', text, created_at: T0 + (i * 12 + j) * 60_000 })));
  for (const [kind, rows] of [['users', net.users], ['posts', [...net.posts, ...posts]], ['follows', net.follows], ['events', net.events]] as const) {
    const res = await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows });
    expect(res.statusCode, res.body).toBe(200);
  }
  await engine.train({ save: true });
  await engine.secondaryTraining();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /v1/compose/suggest completions', () => {
  it('completes a planted prefix greedily with its planted continuation, beside the hashtags', async () => {
    const r = await suggest({ text: 'alpha beta', completions: 1, temperature: 0 });
    expect(r.completions).toEqual([{ text: 'gamma delta epsilon', logProb: expect.any(Number) }]);
    expect(r.completions[0]!.logProb).toBeLessThan(0);
    expect(Array.isArray(r.hashtags)).toBe(true);
    expect((await engine.stats()).compose).toBe('ready');
  });

  it('never returns an offensive completion, and says why there is none', async () => {
    const r = await suggest({ text: 'you are a', completions: 3, temperature: 0 });
    expect(r.completions).toEqual([]);
    expect(r.completionsUnavailable).toMatch(/offensive threshold 0\.5/);
    // Sampled ones too: none of them carries the offensive word.
    const sampled = await suggest({ text: 'you are a', completions: 5, temperature: 1, topP: 1 });
    expect(sampled.completions.every((c) => !c.text.includes('idiot'))).toBe(true);
  });

  it('never generates a blocklisted word', async () => {
    for (const temperature of [0, 1]) {
      const r = await suggest({ text: 'sun moon star', completions: 3, temperature, topP: 1 });
      expect(r.completions.every((c) => !/comet/.test(c.text))).toBe(true);
    }
  });

  it('refuses out-of-range settings by name, and a 100,000-character draft', async () => {
    for (const [field, value] of [['temperature', 3], ['topP', 0], ['topP', 1.5], ['maxTokens', 0], ['completions', 11], ['completions', 1.5]] as const) {
      const res = await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload: { text: 'hi', [field]: value } });
      expect(res.statusCode, `${field}=${value}`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'INVALID_INPUT' });
      expect(res.json().message).toContain(field);
    }
    const long = await app.inject({ method: 'POST', url: '/v1/compose/suggest', payload: { text: 'x'.repeat(100_000), completions: 2 } });
    expect(long.json()).toMatchObject({ code: 'INVALID_INPUT', statusCode: 400 });
  });

  it('restores the saved language model with the version, and gives a reason while none serves', async () => {
    const other = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: join(dir, 'models') }, compose: { epochs: 1 } } });
    try {
      await other.load({ secondary: false });
      const off = await other.composeSuggest('alpha beta', { completions: 1 });
      expect(off.completions).toEqual([]);
      expect(off.completionsUnavailable).toMatch(/turned off/);
      await other.load();
      await other.secondaryTraining();
      // Loaded from the version folder (1 epoch would not have learned it), so the planted continuation is back.
      expect((await other.composeSuggest('alpha beta', { completions: 1, temperature: 0 })).completions[0]!.text).toBe('gamma delta epsilon');
    } finally {
      await other.close();
    }
  }, 60_000);
});
