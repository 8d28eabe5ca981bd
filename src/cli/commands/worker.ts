/**
 * @module `resonate worker`: processes the queued jobs of `jobs.*` (training, retention) until stopped. Several
 * workers may run, on any machine that reaches the store, the queue and the shared `models.dir`; each also runs
 * the schedule (the job keys make their copies one job). SIGINT / SIGTERM: stop taking jobs, let the running one
 * finish (at most `--grace` seconds, then it is stopped and delivered again later), exit.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { JOB_NAMES, openJobQueue, type JobName } from '../../jobs/job-queue.js';
import { jobHandlers, scheduleJobs } from '../../engine/jobs.js';
import { engineFrom } from '../shared.js';

function parseJobs(raw: string): JobName[] {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(JOB_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) throw createError('INVALID_INPUT', { field: '--jobs', problem: `expected a comma-separated list of ${JOB_NAMES.join(', ')}, got ${JSON.stringify(raw)}` });
  return names as JobName[];
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('process the queued jobs (training, retention) of jobs.backend until stopped; serving processes load the versions it publishes')
    .option('--jobs <names>', `the jobs this worker takes (${JOB_NAMES.join(', ')})`, JOB_NAMES.join(','))
    .option('--no-schedule', 'do not enqueue the scheduled jobs (models.retrainEvery, retention.everyMinutes)')
    .option('--grace <seconds>', 'on SIGTERM, how long the running job may take to finish before it is stopped', '30')
    .action(async (opts: { jobs: string; schedule: boolean; grace: string }, cmd: Command) => {
      const names = parseJobs(opts.jobs);
      const grace = Number(opts.grace);
      if (!(Number.isFinite(grace) && grace >= 0)) throw createError('INVALID_INPUT', { field: '--grace', problem: `expected seconds ≥ 0, got ${opts.grace}` });
      const engine = await engineFrom(cmd);
      const { config, logger } = engine;
      if (config.jobs.backend === 'none') {
        await engine.close();
        throw createError('INVALID_CONFIG', { field: 'jobs.backend', problem: 'a worker needs a queue: set jobs.backend (bullmq or pg-boss) and jobs.url' });
      }
      const queue = (await openJobQueue(config.jobs, 'worker'))!;
      const stopping = new AbortController();
      const handlers = jobHandlers({ config, store: engine.store, specs: engine.plan.specs, logger, announce: (v) => engine.shared.version.announce(v), signal: stopping.signal });
      for (const name of names) await queue.work(name, handlers[name]);
      const unschedule = opts.schedule ? scheduleJobs(queue, { config, store: engine.store, specs: engine.plan.specs, logger }) : () => undefined;
      logger.info({ backend: queue.backend, jobs: names, pid: process.pid }, 'worker ready');
      console.log(`Resonate worker (${queue.backend}) taking ${names.join(', ')} jobs`);
      const stop = async (): Promise<void> => {
        unschedule();
        const abort = setTimeout(() => stopping.abort(), grace * 1000);
        await queue.close(grace * 1000 + 5000);
        clearTimeout(abort);
        await engine.shared.settled();
        await engine.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
