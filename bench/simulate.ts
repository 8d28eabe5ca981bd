/**
 * @module The simulator's two checks on the default synthetic network (2,000 users).
 * 1. Learning vs fixed: `days` simulated days (default 30) of the `fixed` and the `learning` policy on the same
 *    seeds; cumulative engagements, their ratio, cumulative regret against the planted-optimal policy and its
 *    growth exponent (slope of ln R(d) on ln d: 1 is linear). Charts: reports/bench-simulate/.
 * 2. Off-policy evaluation: 7 days of logs of the default (learning) policy, read back as the `store:` log source;
 *    the fixed policy, a popularity-only policy and a policy with twice the exploration (one slot in 5 instead of
 *    10) are each simulated on-policy for the same 7 days (their value: engagements per logged impression slot, as
 *    the log source counts it), and estimated from the default log as their empirical per-position action shares.
 *
 *   npm run bench -- simulate [seeds=1] [days=30] [users=2000] [ope|loop|both]
 *   npm run bench -- simulate summary DIR...    (the table and charts of `resonate simulate` result folders run
 *                                                 side by side, e.g. one process per policy)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { empiricalPolicy, ESTIMATORS, readLog, runOpe, type LoggedRow } from '../src/eval/ope/index.js';
import { writeReportFolder } from '../src/eval/report/write-report.js';
import { resolvePolicy, type PolicySpec } from '../src/sim/policy-spec.js';
import { regretGrowthExponent, simulationCharts } from '../src/sim/report.js';
import { simulate, type SimulationResult } from '../src/sim/simulate.js';
import { machineLine, table } from './_machine.js';

const OUT = 'reports/bench-simulate';
const OPE_DAYS = 7;

function simulateOnce(policy: PolicySpec, seed: number, days: number, users: number): Promise<SimulationResult> {
  const started = performance.now();
  return simulate({
    policy, days, seed, users, dir: join(OUT, `${policy.name}-seed${seed}-${days}d`),
    onDay: (d) => process.stderr.write(`  ${policy.name} seed ${seed} day ${d.day}/${days}: ${d.engagements}/${d.impressions}, regret ${d.regret.toFixed(1)} (${d.seconds.toFixed(1)} s, ${d.cpuSeconds.toFixed(1)} CPU s; ${((performance.now() - started) / 1000).toFixed(0)} s so far)\n`),
  });
}

async function loopCheck(seeds: number, days: number, users: number): Promise<void> {
  const results: SimulationResult[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    results.push(await simulateOnce(resolvePolicy('fixed'), seed, days, users));
    results.push(await simulateOnce(resolvePolicy('learning'), seed, days, users));
  }
  await summarize(results);
}

/** Table and charts of fixed / learning results (pairs by seed). */
async function summarize(results: readonly SimulationResult[]): Promise<void> {
  const rows: (string | number)[][] = [];
  const days = results[0]?.days.length ?? 0, users = results[0]?.setup.users ?? 0;
  for (const seed of [...new Set(results.map((r) => r.seed))]) {
    const fixed = results.find((r) => r.seed === seed && r.policy === 'fixed');
    const learning = results.find((r) => r.seed === seed && r.policy === 'learning');
    for (const r of results.filter((x) => x.seed === seed)) {
      rows.push([seed, r.policy, r.totals.impressions, r.totals.engagements, r.totals.engagementRate.toFixed(4), r.totals.regret.toFixed(0), regretGrowthExponent(r.days).toFixed(2), r.seconds.toFixed(0), r.cpuSeconds.toFixed(0)]);
    }
    if (!fixed || !learning) continue;
    rows.push([seed, 'learning / fixed', '', (learning.totals.engagements / fixed.totals.engagements).toFixed(3), (learning.totals.engagementRate / fixed.totals.engagementRate).toFixed(3), '', '', '', '']);
  }
  console.log(`\n### ${days} simulated days, ${users} users, fixed vs learning (same seeds)\n`);
  console.log(table(['seed', 'policy', 'impressions', 'engagements', 'rate', 'cumulative regret', 'regret growth exponent', 'seconds', 'CPU seconds'], rows));
  const labelled = results.map((r) => ({ ...r, policy: `${r.policy} (seed ${r.seed})` }));
  await writeReportFolder(OUT, { results }, simulationCharts(labelled), (charts) => `# Simulator: fixed vs learning\n\n${charts.map((c) => `![${c.title}](${c.file})`).join('\n\n')}\n`);
  console.log(`\ncharts: ${OUT}/engagement-rate.svg, ${OUT}/cumulative-regret.svg`);
}

const mean = (rows: readonly LoggedRow[]): number => rows.reduce((s, r) => s + r.reward, 0) / Math.max(1, rows.length);

async function opeCheck(seed: number, users: number): Promise<void> {
  const policies: PolicySpec[] = [
    resolvePolicy('fixed'),
    { name: 'popularity-only', overrides: { feed: { sources: [{ id: 'popular/trending', weight: 1 }], exploration: { every: 0 } } } },
    { name: 'exploration-2x', overrides: { feed: { exploration: { every: 5 } } } },
  ];
  const logging = await simulateOnce(resolvePolicy('learning'), seed, OPE_DAYS, users);
  const log = await readLog(`store:sqlite://${logging.setup.store}`);
  console.log(`\n### Off-policy estimates from ${OPE_DAYS} days of the default (learning) policy's logs: ${log.rows.length} logged slots, value ${mean(log.rows).toFixed(5)}\n`);
  const truths: { name: string; truth: number; estimates: Record<string, number> }[] = [];
  const rows: (string | number)[][] = [];
  for (const p of policies) {
    const onPolicy = await simulateOnce(p, seed, OPE_DAYS, users);
    const own = await readLog(`store:sqlite://${onPolicy.setup.store}`);
    const truth = mean(own.rows);
    const target = empiricalPolicy(`${p.name}: its own per-position action shares`, own.rows, truth);
    const { result } = runOpe(log, target, { resamples: 200, seed, folds: 3, l2: 1 });
    const estimates: Record<string, number> = {};
    for (const e of ESTIMATORS) {
      estimates[e] = result.estimators[e].value;
      rows.push([p.name, truth.toFixed(5), e, result.estimators[e].value.toFixed(5), `${(100 * result.estimators[e].relativeError!).toFixed(1)} %`]);
    }
    truths.push({ name: p.name, truth, estimates });
  }
  console.log(table(['policy', 'on-policy value', 'estimator', 'estimate', 'relative error'], rows));
  const order = (value: (t: (typeof truths)[number]) => number): string => [...truths].sort((a, b) => value(b) - value(a)).map((t) => t.name).join(' > ');
  console.log(`\ntrue order: ${order((t) => t.truth)}`);
  for (const e of ESTIMATORS) console.log(`${e.padEnd(5)} order: ${order((t) => t.estimates[e]!)}`);
}

export async function run(args: string[]): Promise<void> {
  const seeds = Number(args[0] ?? 1), days = Number(args[1] ?? 30), users = Number(args[2] ?? 2000);
  console.log(machineLine());
  if (args[0] === 'summary') {
    await summarize(args.slice(1).map((dir) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as SimulationResult));
    return;
  }
  const which = args[3] ?? 'both';
  if (which !== 'ope') await loopCheck(seeds, days, users);
  if (which !== 'loop') await opeCheck(1, users);
}
