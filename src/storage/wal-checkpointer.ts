/**
 * @module Background WAL checkpoints for the SQLite store.
 *
 * In WAL mode a commit only appends to the `-wal` file; a checkpoint later copies those pages into the database
 * file and fsyncs it. Run by the writing connection itself (`wal_autocheckpoint`), that fsync stalls the event
 * loop: about a third of bulk-ingestion wall time (docs/benchmarks.md, "Ingestion and dataset build"). Here a
 * worker thread with its own connection runs PASSIVE checkpoints on a timer instead; PASSIVE never blocks or
 * waits for the writer, and the writer's own `wal_autocheckpoint` stays as a backstop should the worker fall
 * behind. The worker starts only once the WAL has grown past `startAtBytes`, so small stores (and tests) never
 * pay for a thread.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Plain CommonJS run by `new Worker(…, { eval: true })`: no loader or build step needed. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } finally { parentPort.postMessage('closed'); }
});
`;

export interface WalCheckpointerOptions {
  /** Milliseconds between checkpoints (default 200). */
  intervalMs?: number;
  /** WAL size at which the worker starts (default 4 MiB, SQLite's own autocheckpoint threshold). */
  startAtBytes?: number;
}

export class WalCheckpointer {
  private worker: Worker | undefined;
  private readonly walPath: string;
  private readonly intervalMs: number;
  private readonly startAtBytes: number;

  constructor(private readonly dbPath: string, options: WalCheckpointerOptions = {}) {
    this.walPath = `${dbPath}-wal`;
    this.intervalMs = options.intervalMs ?? 200;
    this.startAtBytes = options.startAtBytes ?? 4 << 20;
  }

  /** True once the background worker runs. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Call after each commit: starts the worker when the WAL has grown large (one stat call otherwise). */
  afterCommit(): void {
    if (this.worker) return;
    let size = 0;
    try {
      size = statSync(this.walPath).size;
    } catch {
      return;
    }
    if (size < this.startAtBytes) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: this.dbPath, intervalMs: this.intervalMs } });
    worker.unref();
    // A failing worker only loses the optimisation: the writer's own autocheckpoint still bounds the WAL.
    worker.on('error', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
  }

  /** Stops the worker and closes its connection. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const done = (): void => resolve();
      worker.once('message', () => void worker.terminate().then(done, done));
      worker.once('error', done);
      worker.once('exit', done);
      worker.postMessage('close');
    });
  }
}
