/**
 * @module `resonate simulate`: the engine run closed-loop on a synthetic network whose users answer from the
 * generator's planted preference model; writes a report folder (result.json, report.md, charts).
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { resolvePolicy } from '../../sim/policy-spec.js';
import { writeSimulationReport } from '../../sim/report.js';
import { simulate } from '../../sim/simulate.js';

function integer(value: string, field: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw createError('INVALID_INPUT', { field, problem: `expected an integer ≥ ${min}, got "${value}"` });
  return n;
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run the engine closed-loop on a simulated synthetic network: resonate simulate --days 30 --policy learning --seed 1 --out reports/sim')
    .option('--days <n>', 'simulated days', '30')
    .option('--policy <spec>', 'fixed (the default recipe without exploration), learning (the default learning policy) or a JSON file of config overrides', 'fixed')
    .option('--seed <n>', 'seed of the network, the simulated users and the engine', '42')
    .option('--users <n>', 'users of the synthetic network', '2000')
    .option('--history-days <n>', 'days of generated history stored before the simulation starts', '14')
    .option('--page-size <n>', 'posts per feed page', '10')
    .option('--out <dir>', 'report folder (also holds the simulation\'s store, store.db, with its impression log)', 'reports/simulate')
    .action(async (opts: { days: string; policy: string; seed: string; users: string; historyDays: string; pageSize: string; out: string }) => {
      const days = integer(opts.days, '--days', 1);
      const seed = integer(opts.seed, '--seed', 0);
      const policy = resolvePolicy(opts.policy);
      const result = await simulate({
        policy, days, seed,
        users: integer(opts.users, '--users', 2),
        historyDays: integer(opts.historyDays, '--history-days', 1),
        pageSize: integer(opts.pageSize, '--page-size', 1),
        dir: opts.out,
        onDay: (d) => process.stderr.write(`day ${d.day}/${days}: ${d.sessions} sessions, ${d.impressions} impressions, ${d.engagements} engagements, regret ${d.regret.toFixed(1)} (${d.seconds.toFixed(1)} s, ${d.cpuSeconds.toFixed(1)} CPU s)\n`),
      });
      await writeSimulationReport(result, opts.out);
      const t = result.totals;
      console.log(`policy ${result.policy}: ${t.impressions} impressions, ${t.engagements} engagements (rate ${t.engagementRate.toFixed(4)}), cumulative regret ${t.regret.toFixed(1)}, ${result.seconds.toFixed(0)} s`);
      console.log(`report written to ${opts.out}/ (result.json, report.md, charts)`);
    });
}
