/**
 * @module PostgreSQL for tests: the server named by RESONATE_TEST_PG_URL (suites are skipped without it) and
 * throw-away schemas, one per test, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test server, e.g. postgres://postgres@127.0.0.1:5432/postgres; undefined skips the PostgreSQL suites. */
export const TEST_PG_URL: string | undefined = process.env.RESONATE_TEST_PG_URL || undefined;

export interface TestSchema {
  /** The store URL selecting the schema. */
  url: string;
  schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** A new, not yet created schema name on the test server (the store creates it when it opens). */
export function freshSchema(base = TEST_PG_URL): TestSchema {
  if (base === undefined) throw new Error('RESONATE_TEST_PG_URL is not set');
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = withParam(base, 'schema', schema);
  return {
    url,
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The URL with one query parameter set. */
export function withParam(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}
