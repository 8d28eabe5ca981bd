/**
 * @module `resonate experiments report NAME [--out DIR]`: a configured experiment's report from the store's
 * impression log and events (JSON on stdout, or result.json and report.md in DIR).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { experimentReport, reportMarkdown } from '../../experiments/report/index.js';
import { openStore } from '../../storage/open-store.js';
import { configFrom, printJson } from '../shared.js';

export function registerExperimentCommands(program: Command): void {
  const experiments = program.command('experiments').description('live A/B experiments on the feed (declared in the config under "experiments")');
  experiments
    .command('report <name>')
    .description('per arm: click-through, likes, shares, hides, reports and dwell per impression, session depth, sessions per user per day, coverage; 95 % intervals, CUPED, sample-ratio check')
    .option('--out <dir>', 'write result.json and report.md here instead of printing JSON')
    .action(async (name: string, opts: { out?: string }, cmd: Command) => {
      const config = configFrom(cmd);
      const store = await openStore(config.store.url);
      try {
        const report = await experimentReport(store, config.experiments, name);
        if (opts.out === undefined) {
          printJson(report);
          return;
        }
        mkdirSync(opts.out, { recursive: true });
        writeFileSync(join(opts.out, 'result.json'), JSON.stringify(report, null, 2) + '\n');
        writeFileSync(join(opts.out, 'report.md'), reportMarkdown(report));
        console.log(`report written to ${opts.out}/ (result.json, report.md)${report.sampleRatio.mismatch ? '; SAMPLE RATIO MISMATCH' : ''}`);
      } finally {
        await store.close();
      }
    });
}
