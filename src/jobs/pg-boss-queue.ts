/**
 * @module pg-boss (PostgreSQL) behind `JobQueue`, in its own schema (`jobs.namespace`). Queues use the `stately`
 * policy (at most one job per key waiting and one running) and `enqueue` first looks for a waiting or running job
 * with the key. pg-boss has no heartbeat: a job whose worker was killed stays active until `jobs.expireSeconds`
 * have passed and the supervisor (every few seconds here) expires it into a retry, so `expireSeconds` must exceed
 * the longest training and bounds the recovery time. Jobs failed `attempts` times stay in the `failed` state: the
 * dead letters.
 */
import PgBoss from 'pg-boss';
import { JOB_NAMES, type DeadLetter, type JobData, type JobHandler, type JobName, type JobQueue, type JobsConfig, type QueueDepth } from './job-queue.js';

interface Payload {
  key: string;
  data: JobData;
}

/** Seconds between the supervisor's passes (expiring the jobs of dead workers). */
const MAINTENANCE_SECONDS = 5;
/** How often an idle worker asks for a job (pg-boss's minimum is 0.5 s). */
const POLL_SECONDS = 0.5;

class PgBossQueue implements JobQueue {
  readonly backend = 'pg-boss' as const;
  private readonly workerIds: string[] = [];

  constructor(private readonly boss: PgBoss, private readonly config: JobsConfig) {}

  private sql<T>(text: string, values: unknown[]): Promise<T[]> {
    // executeSql is pg-boss's own pool (typed loosely by pg-boss).
    return this.boss.getDb().executeSql(text, values).then((r) => r.rows as T[]);
  }

  private get schema(): string {
    return `"${this.config.namespace}"`;
  }

  async enqueue(name: JobName, data: JobData, key: string): Promise<string | undefined> {
    const open = await this.sql<{ id: string }>(`SELECT id FROM ${this.schema}.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed' LIMIT 1`, [name, key]);
    if (open.length > 0) return undefined;
    const id = await this.boss.send(name, { key, data } satisfies Payload, { singletonKey: key });
    return id ?? undefined;
  }

  async work(name: JobName, handler: JobHandler, options: { concurrency?: number } = {}): Promise<void> {
    // pg-boss 10 runs one job per work() call at a time: one call per unit of concurrency.
    for (let i = 0; i < (options.concurrency ?? this.config.concurrency); i++) {
      const id = await this.boss.work<Payload>(name, { batchSize: 1, pollingIntervalSeconds: POLL_SECONDS, includeMetadata: true }, async ([job]) => {
        if (!job) return;
        await handler({ id: job.id, name, data: job.data.data, key: job.data.key, attempt: job.retryCount + 1 });
      });
      this.workerIds.push(id);
    }
  }

  async depths(): Promise<QueueDepth[]> {
    const rows = await this.sql<{ name: string; state: string; n: number }>(`SELECT name, state::text AS state, count(*)::int AS n FROM ${this.schema}.job WHERE name = ANY($1) GROUP BY 1, 2`, [[...JOB_NAMES]]);
    return JOB_NAMES.map((name) => {
      const n = (states: string[]): number => rows.filter((r) => r.name === name && states.includes(r.state)).reduce((a, r) => a + r.n, 0);
      return { name, waiting: n(['created', 'retry']), active: n(['active']), dead: n(['failed']) };
    });
  }

  async deadLetters(limit = 50): Promise<DeadLetter[]> {
    const rows = await this.sql<{ id: string; name: JobName; key: string | null; output: { message?: string; value?: { message?: string } } | null; retry_count: number; completed_on: Date | null }>(
      `SELECT id, name, singleton_key AS key, output, retry_count, completed_on FROM ${this.schema}.job WHERE name = ANY($1) AND state = 'failed' ORDER BY completed_on DESC LIMIT $2`,
      [[...JOB_NAMES], limit],
    );
    return rows.map((r) => ({
      id: r.id, name: r.name, key: r.key ?? '', error: (r.output?.message ?? r.output?.value?.message ?? '').split('\n')[0]!,
      attempts: r.retry_count + 1, failedAt: r.completed_on ? new Date(r.completed_on).toISOString() : null,
    }));
  }

  async close(graceMs = 10_000): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: graceMs });
  }
}

export async function openPgBossQueue(config: JobsConfig, role: 'producer' | 'worker'): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: config.url, schema: config.namespace, max: 4, application_name: 'resonate-jobs',
    maintenanceIntervalSeconds: MAINTENANCE_SECONDS, monitorStateIntervalSeconds: 60,
    // Failed jobs (the dead letters) stay visible for 30 days before pg-boss archives them.
    archiveFailedAfterSeconds: 30 * 86_400,
    supervise: role === 'worker', schedule: false,
  });
  boss.on('error', () => undefined);
  await boss.start();
  for (const name of JOB_NAMES) {
    if (await boss.getQueue(name)) continue;
    await boss.createQueue(name, {
      name, policy: 'stately', retryLimit: config.attempts - 1, retryDelay: config.retryDelaySeconds, retryBackoff: config.retryDelaySeconds > 0,
      expireInSeconds: config.expireSeconds,
    }).catch(async (e: unknown) => {
      // Another process created it meanwhile.
      if (!(await boss.getQueue(name))) throw e;
    });
  }
  return new PgBossQueue(boss, config);
}

