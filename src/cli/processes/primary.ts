/**
 * @module The primary of `resonate serve --processes N`: it serves nothing itself. It forks N API processes
 * (node:cluster; they listen on one port, connections handed out round-robin), slot 0 first: that one loads or
 * trains the models, retrains in the background and applies retention; the others start once it is ready and
 * load the version it saved (later versions they adopt through Redis). A process that dies after it was ready is
 * forked again in its slot (after 1 s, doubling up to 30 s while restarts fail before becoming ready); one that
 * dies during the first start stops the command with an error. The primary also answers the processes' requests
 * for the metrics of all of them (prom-client's AggregatorRegistry) and forwards retraining requests to slot 0.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { ResonateConfig } from '../../core/config.js';
import { assertSafeBinding } from '../../api/server.js';
import { isMessage, SLOT_ENV, type ToPrimary, type ToProcess } from './messages.js';
import { assertShareable } from './shareable.js';

const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 30_000;

interface Slot {
  worker: Worker | undefined;
  ready: boolean;
  restartMs: number;
}

export async function runPrimary(config: ResonateConfig, processes: number, opts: { host?: string }): Promise<void> {
  assertShareable(config, processes);
  assertSafeBinding(config, opts.host ?? config.server.host);
  const aggregator = new AggregatorRegistry();
  const slots: Slot[] = Array.from({ length: processes }, () => ({ worker: undefined, ready: false, restartMs: FIRST_RESTART_MS }));
  let booted = false, stopping = false;
  let failBoot: (e: Error) => void = () => undefined;
  let firstReady: () => void = () => undefined;
  const boot = new Promise<void>((resolve, reject) => {
    failBoot = reject;
    firstReady = resolve;
  });

  const send = (worker: Worker | undefined, message: ToProcess): void => {
    if (worker?.isConnected()) worker.send(message);
  };

  const fork = (slot: number): void => {
    const worker = cluster.fork({ [SLOT_ENV]: String(slot) });
    const s = slots[slot]!;
    s.worker = worker;
    s.ready = false;
    worker.on('message', (message: ToPrimary) => {
      if (isMessage<ToPrimary & { type: 'resonate:ready' }>(message, 'resonate:ready')) {
        s.ready = true;
        s.restartMs = FIRST_RESTART_MS;
        console.log(`process ${slot} ready (pid ${worker.process.pid})${slot === 0 ? `: serving on ${message.address}` : ''}`);
        if (slot === 0 && !booted) firstReady();
      } else if (isMessage<ToPrimary & { type: 'resonate:metrics-request' }>(message, 'resonate:metrics-request')) {
        aggregator.clusterMetrics().then(
          (text) => send(worker, { type: 'resonate:metrics', id: message.id, text }),
          (e: Error) => send(worker, { type: 'resonate:metrics', id: message.id, error: e.message }),
        );
      } else if (isMessage(message, 'resonate:retrain')) {
        send(slots[0]!.worker, { type: 'resonate:retrain' });
      }
    });
    worker.on('exit', (code, signal) => {
      if (s.worker === worker) s.worker = undefined;
      if (stopping) return;
      const why = signal ?? `exit code ${code}`;
      if (!booted && !s.ready) {
        failBoot(new Error(`API process ${slot} stopped during the first start (${why}); see its log above`));
        return;
      }
      const delay = s.ready ? FIRST_RESTART_MS : s.restartMs;
      s.restartMs = s.ready ? FIRST_RESTART_MS : Math.min(MAX_RESTART_MS, s.restartMs * 2);
      console.error(`process ${slot} (pid ${worker.process.pid}) stopped (${why}); starting it again in ${delay / 1000} s`);
      setTimeout(() => {
        if (!stopping) fork(slot);
      }, delay).unref();
    });
  };

  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    const alive = slots.map((s) => s.worker).filter((w): w is Worker => w !== undefined);
    if (alive.length === 0) process.exit(code);
    let left = alive.length;
    for (const w of alive) {
      w.once('exit', () => {
        if (--left === 0) process.exit(code);
      });
      w.kill('SIGTERM');
    }
  };
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));

  console.log(`Starting ${processes} API processes (process 0 loads or trains the models first)`);
  fork(0);
  try {
    await boot;
    for (let slot = 1; slot < processes; slot++) fork(slot);
    booted = true;
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    stop(1);
  }
}
