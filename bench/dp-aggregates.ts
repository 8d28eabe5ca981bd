/**
 * @module Error of the differentially private trending-hashtag counts (`GET /v1/private/trending?kind=hashtags`)
 * versus ε, on the synthetic network: the same contribution bounding, noise, threshold and ranking as the route,
 * with seeded noise (one seed per repetition) so the table repeats.
 *
 *   npm run bench -- dp-aggregates [users] [days] [repetitions]
 */
import { machineLine, table } from './_machine.js';
import { generateToStore } from '../src/data/synthetic/generate-to-store.js';
import { openStore } from '../src/storage/open-store.js';
import { boundContributions, planCounts, releaseSelectedCounts, seededRandom, trendingContributions, type DpMechanism } from '../src/privacy/index.js';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const DELTA = 1e-6;
const L0S = [1, 3, 10];

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 2000), days = Number(args[1] ?? 7), reps = Number(args[2] ?? 50);
  console.log(machineLine());
  const store = await openStore('sqlite://:memory:');
  await generateToStore(store, { users, days, seed: 42, start: START });
  const window = { since: START + (days - 1) * DAY, before: START + days * DAY };
  const contributions = await trendingContributions(store, 'hashtags', window);
  const raw = new Map<string, number>();
  const distinct = new Map<string, Set<string>>();
  for (const c of contributions) {
    raw.set(c.key, (raw.get(c.key) ?? 0) + 1);
    if (!distinct.has(c.key)) distinct.set(c.key, new Set());
    distinct.get(c.key)!.add(c.user);
  }
  const byDistinct = [...distinct].map(([k, s]) => [k, s.size] as const).sort((a, b) => b[1] - a[1]);
  const top10 = new Set(byDistinct.slice(0, 10).map(([k]) => k));
  console.log(`${users} users, ${days} days (seed 42); last day: ${contributions.length} (user, hashtag) engagements, ${distinct.size} hashtags, ` +
    `${new Set(contributions.map((c) => c.user)).size} users; distinct users per hashtag: max ${byDistinct[0]?.[1]}, median ${byDistinct[Math.floor(byDistinct.length / 2)]?.[1]}`);

  const rows: (string | number)[][] = [];
  for (const mechanism of ['laplace', 'gaussian'] as DpMechanism[]) {
    for (const l0 of L0S) for (const epsilon of [1, 3, 8]) {
      const BOUNDS = { l0, linf: 1 };
      const plan = planCounts({ epsilon, delta: DELTA, mechanism, bounds: BOUNDS, keys: 'unknown' });
      let released = 0, recall = 0, absNoise = 0, absBounded = 0, nKeys = 0, relErr = 0;
      for (let r = 0; r < reps; r++) {
        const random = seededRandom(1000 + r);
        const bounded = boundContributions(contributions, BOUNDS, random);
        const out = releaseSelectedCounts(bounded, plan, random);
        released += out.length;
        recall += out.slice(0, 10).filter((c) => top10.has(c.key)).length / top10.size;
        for (const c of out) {
          const truth = distinct.get(c.key)!.size;
          absNoise += Math.abs(c.count - bounded.get(c.key)!);
          absBounded += Math.abs(c.count - truth);
          relErr += Math.abs(c.count - truth) / truth;
          nKeys++;
        }
      }
      rows.push([mechanism, l0, epsilon, plan.noiseSd.toFixed(2), plan.threshold!, (released / reps).toFixed(1), `${distinct.size}`,
        (recall / reps).toFixed(3), nKeys ? (absNoise / nKeys).toFixed(2) : '—', nKeys ? (absBounded / nKeys).toFixed(2) : '—', nKeys ? `${((100 * relErr) / nKeys).toFixed(1)}%` : '—']);
    }
  }
  console.log(table(['mechanism', 'l0', 'ε', 'noise sd', 'τ', 'hashtags released', 'hashtags in window', 'top-10 recall', 'MAE vs bounded count', 'MAE vs distinct users', 'mean rel. error vs distinct users'], rows));
  await store.close();
}
