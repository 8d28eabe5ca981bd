/**
 * @module `resonate ope`: off-policy evaluation of a policy on logged impressions (DM, IPS, SNIPS, DR, SNDR with
 * bootstrap intervals), written as a report folder.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { ESTIMATORS, readLog, resolvePolicy, runOpe, writeOpeReport, type OpeUnit } from '../../eval/ope/index.js';

const UNITS: readonly OpeUnit[] = ['slot', 'slate'];

function positiveInt(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw createError('INVALID_INPUT', { field, problem: `expected a positive integer, got "${value}"` });
  return n;
}

export function registerOpeCommand(program: Command): void {
  program
    .command('ope')
    .description('off-policy evaluation: resonate ope --logs obd:../shared/data/open-bandit-dataset/random/men.csv --policy obd:../shared/data/open-bandit-dataset/bts/men.csv --out reports/ope')
    .requiredOption('--logs <source>', 'logged impressions with propensities: obd:PATH (Open Bandit Dataset CSV), jsonl:PATH (one {action, position, reward, propensity, context?, slate?} a line) or store:URL (the engine\'s impression log with feedback joined by request id; store: alone for the configured store)')
    .requiredOption('--policy <spec>', 'policy to evaluate: obd:PATH (the per-position action shares of an OBD file; its mean click is the truth), uniform, or a JSON file ({"actions": {...}} or {"positions": {"1": {...}}})')
    .option('--out <dir>', 'report folder', 'reports/ope')
    .option('--unit <unit>', `${UNITS.join(' | ')}: one decision per row, or rows sharing a slate id as one impression (position-based independence)`, 'slot')
    .option('--resamples <n>', 'bootstrap resamples for the 95 % intervals', '1000')
    .option('--seed <n>', 'seed of the bootstrap and the cross-fitting folds', '42')
    .option('--folds <n>', 'cross-fitting folds of the reward model (1: fit on every row)', '3')
    .option('--l2 <lambda>', 'ridge penalty of the reward model', '1')
    .action(async (opts: { logs: string; policy: string; out: string; unit: string; resamples: string; seed: string; folds: string; l2: string }) => {
      if (!UNITS.includes(opts.unit as OpeUnit)) throw createError('UNKNOWN_OPTION', { kind: 'unit', name: opts.unit, expected: UNITS.join(', ') });
      const l2 = Number(opts.l2);
      if (!(l2 > 0)) throw createError('INVALID_INPUT', { field: '--l2', problem: `expected a positive number, got "${opts.l2}"` });
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw createError('INVALID_INPUT', { field: '--seed', problem: `expected an integer, got "${opts.seed}"` });
      const log = await readLog(opts.logs);
      const policy = resolvePolicy(opts.policy, log.rows);
      const run = runOpe(log, policy, {
        unit: opts.unit as OpeUnit,
        resamples: positiveInt(opts.resamples, '--resamples'),
        seed,
        folds: positiveInt(opts.folds, '--folds'),
        l2,
      });
      await writeOpeReport(run, opts.out);
      const { result } = run;
      const truth = result.onPolicy;
      console.log(`${result.rows} rows of ${opts.logs}; logged value ${result.loggedValue.toFixed(5)}${truth === undefined ? '' : `; on-policy value ${truth.toFixed(5)}`}`);
      for (const e of ESTIMATORS) {
        const r = result.estimators[e];
        console.log(`${e.padEnd(6)} ${r.value.toFixed(5)}  [${r.ci[0].toFixed(5)}, ${r.ci[1].toFixed(5)}]${r.relativeError === undefined ? '' : `  relative error ${(100 * r.relativeError).toFixed(1)} %`}`);
      }
      console.log(`report written to ${opts.out}/ (result.json, report.md, charts)`);
    });
}
