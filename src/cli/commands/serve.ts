/**
 * @module `resonate start` (demo network if empty, train, serve) and `resonate serve [--processes N]`.
 */
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { createProgressBar } from '../../core/progress.js';
import { assertSafeBinding } from '../../api/server.js';
import { generateToStore } from '../../data/synthetic/index.js';
import { configFrom, engineFrom } from '../shared.js';
import { closeOnError, listen, loadOrTrain, prepare } from '../serve-steps.js';
import { runPrimary } from '../processes/primary.js';
import { parseProcesses } from '../processes/shareable.js';
import { runServingProcess } from '../processes/serving-process.js';

export function registerServeCommands(program: Command): void {
  program
    .command('start')
    .description('create the store with the demo network if it is empty, load the saved models (or train them), and serve')
    .option('--host <host>', 'address to listen on')
    .option('--port <port>', 'port to listen on')
    .action(async (opts: { host?: string; port?: string }, cmd: Command) => {
      const t0 = performance.now();
      const engine = await engineFrom(cmd);
      // Refuse an open server on a public address before generating or training anything.
      await closeOnError(engine, () => assertSafeBinding(engine.config, opts.host ?? engine.config.server.host));
      const counts = await engine.store.counts();
      if (counts.posts === 0) {
        const { users, seed, replyRate } = engine.config.demo;
        console.log(`Empty store: generating the demo social network (${users} users, seed ${seed})…`);
        const bar = createProgressBar('generate');
        const { summary } = await generateToStore(engine.store, { users, seed, replyRate }, bar.report);
        bar.stop();
        console.log(`  ${summary.users} users, ${summary.posts} posts, ${summary.follows} follows, ${summary.events} events`);
      }
      const app = await prepare(engine);
      await loadOrTrain(engine);
      await listen(engine, app, opts);
      console.log(`Ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });

  program
    .command('serve')
    .description('serve the saved model version (training first when there is none) with the API and dashboard')
    .option('--host <host>', 'address to listen on')
    .option('--port <port>', 'port to listen on')
    .option('--processes <n>', 'API processes behind the port (children of this one; n > 1 needs PostgreSQL or a SQLite file, and cache.url)', '1')
    .action(async (opts: { host?: string; port?: string; processes: string }, cmd: Command) => {
      const processes = parseProcesses(opts.processes);
      if (cluster.isWorker) return runServingProcess(await engineFrom(cmd), opts);
      if (processes > 1) return runPrimary(configFrom(cmd), processes, opts);
      const engine = await engineFrom(cmd);
      await closeOnError(engine, () => assertSafeBinding(engine.config, opts.host ?? engine.config.server.host));
      const app = await prepare(engine);
      await loadOrTrain(engine);
      await listen(engine, app, opts);
    });
}
