/**
 * @module `getFeedSkeleton` under load: `npm run bench -- bluesky-feed [users=100000] [seconds=10]`. On the
 * synthetic network, 1,000 Bluesky accounts (DIDs) are given the follows and events of 1,000 synthetic users
 * before training; their DID documents are served by a local PLC directory and each has a service-auth JWT signed
 * with its own secp256k1 key. Loads at limit 100, 10 connections (autocannon in its own process): anonymous
 * requests (the non-personalized feed), and authenticated requests of the 1,000 accounts (signature verified
 * on every request, DID documents cached after a warm-up). Reports p50/p99 and the server's CPU ms per request
 * (the server runs in this process).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createEngine } from '../src/engine/index.js';
import { generateToStore } from '../src/data/synthetic/generate-to-store.js';
import type { Event } from '../src/data/schemas.js';
import { didDocument, serviceJwt, startDidServer, testIdentity, testPlcDid } from '../test/fixtures/atproto.js';
import { serve } from './_http-load.js';
import { machineLine, table } from './_machine.js';

const here = dirname(fileURLToPath(import.meta.url));
const SERVICE = 'did:web:localhost';
const FEED = `at://${SERVICE}/app.bsky.feed.generator/for-you`;
const METHOD = 'app.bsky.feed.getFeedSkeleton';

interface Result { requests: { average: number; total: number }; latency: { p50: number; p90: number; p99: number; max: number }; non2xx: number; errors: number }

async function load(port: number, seconds: number, requests: { path: string; token?: string }[], dir: string): Promise<Result & { cpuMsPerRequest: number; load: string }> {
  const file = join(dir, `requests-${requests.length}-${requests[0]?.token ? 'auth' : 'anon'}.json`);
  writeFileSync(file, JSON.stringify(requests));
  const before = loadavg()[0]!;
  const cpu = process.cpuUsage();
  const { stdout } = await promisify(execFile)(process.execPath, [join(here, '_xrpc-load.mjs'), String(port), String(seconds), '10', file], { maxBuffer: 1 << 26 });
  const used = process.cpuUsage(cpu);
  const r = JSON.parse(stdout) as Result;
  return { ...r, cpuMsPerRequest: (used.user + used.system) / 1000 / Math.max(1, r.requests.total), load: `${before.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}` };
}

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 100_000);
  const seconds = Number(args[1] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-bluesky-'));
  const dbUrl = `sqlite://${join(dir, 'bench.db')}`;
  const dids = await startDidServer();
  const t0 = performance.now();
  const accounts = await Promise.all(Array.from({ length: 1000 }, () => testIdentity(testPlcDid('bench'))));
  {
    const gen = await createEngine({ overrides: { store: { url: dbUrl } } });
    await generateToStore(gen.store, { users, seed: 42 });
    // Each account takes over the history of a synthetic user spread over the activity range.
    const ids: string[] = [];
    for await (const u of gen.store.scanUsers()) ids.push(u.id);
    for (let i = 0; i < accounts.length; i++) {
      const from = ids[(i * 7919) % ids.length]!, did = accounts[i]!.did;
      const follows = (await gen.store.following(from)).filter((f) => f !== did).map((followee) => ({ follower: did, followee }));
      const events: Event[] = (await gen.store.userEvents(from, { limit: 500 })).map((e) => ({ ...e, id: `${e.id}@${i}`, user: did }));
      await gen.store.write({ users: [{ id: did }], follows, events });
      dids.documents.set(did, didDocument(accounts[i]!));
    }
    await gen.close();
  }
  const genSeconds = (performance.now() - t0) / 1000;
  process.stderr.write(`generated in ${genSeconds.toFixed(1)} s; training\n`);
  const engine = await createEngine({
    overrides: { store: { url: dbUrl }, models: { dir: join(dir, 'models') }, server: { rateLimit: { max: 10_000_000, timeWindowMs: 60_000 } }, bluesky: { serviceDid: SERVICE, auth: { plcUrl: dids.url } } },
  });
  const t1 = performance.now();
  await engine.train({ save: false });
  await engine.secondaryTraining();
  const trainSeconds = (performance.now() - t1) / 1000;
  process.stderr.write(`trained in ${trainSeconds.toFixed(1)} s; loading\n`);
  const server = await serve(engine);
  const path = `/xrpc/${METHOD}?feed=${encodeURIComponent(FEED)}&limit=100`;
  const tokens = await Promise.all(accounts.map((a) => serviceJwt(a, { aud: SERVICE, lxm: METHOD, exp: Math.floor(Date.now() / 1000) + 3600 })));
  const anonymous = [{ path }];
  const authed = tokens.map((token) => ({ path, token }));
  const rows: (string | number)[][] = [];
  const row = (name: string, r: Awaited<ReturnType<typeof load>>): (string | number)[] => [name, Math.round(r.requests.average), r.latency.p50, r.latency.p90, r.latency.p99, r.latency.max, r.non2xx, r.errors, r.cpuMsPerRequest, r.load];
  try {
    await load(server.port, 3, anonymous, dir); // warm-up (JIT), not recorded
    rows.push(row('anonymous (non-personalized), limit 100, 10 connections', await load(server.port, seconds, anonymous, dir)));
    await load(server.port, 5, authed, dir); // warm-up: resolves the DID documents, first pages
    rows.push(row('authenticated, 1,000 accounts, limit 100, 10 connections', await load(server.port, seconds, authed, dir)));
  } finally {
    await server.close();
    await engine.close();
    await dids.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n## Bluesky getFeedSkeleton (${machineLine()})\n`);
  console.log(`synthetic network: ${users.toLocaleString('en-US')} users + 1,000 DID accounts (generated in ${genSeconds.toFixed(1)} s, trained with background models in ${trainSeconds.toFixed(1)} s); ${seconds} s per load\n`);
  console.log(table(['load', 'requests/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'server CPU ms/request', 'load average'], rows));
}
