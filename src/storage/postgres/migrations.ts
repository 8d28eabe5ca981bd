/**
 * @module PostgreSQL schema migrations: ordered `{version, sql}` steps recorded in `schema_migrations`, applied
 * when a store opens.
 *
 * The same tables as SQLite (`users`, `posts`, `follows`, `events`, `erased_users`, `audit_log`), in the schema
 * the URL selects. Differences, each for a reason: ids are `text COLLATE "C"` (byte order, as SQLite's BINARY, so
 * scans and `following()` order the same on both); times are `double precision` epoch milliseconds; tags are
 * `text[]`, features and audit details `jsonb`; posts and events carry an identity `seq` standing in for SQLite's
 * rowid (arrival order, the tie-break of time orderings); `posts.search` is a generated `tsvector` over text and
 * tags with a GIN index (see search.ts). There are no foreign keys: references are checked by the store before it
 * writes, as the SQLite store does (its foreign-key enforcement is off), so an erasure deletes in any order.
 *
 * All pending steps run in one transaction holding a transaction-level advisory lock keyed by the schema, so two
 * processes opening the same store at once apply each step once (the second waits, then finds nothing to do),
 * and a failed step leaves the schema as it was before the open. Never edit a released step: append one.
 */
import type pg from 'pg';
import { createError } from '../../core/errors.js';
import type { Migration } from '../migrations/sqlite.js';

export type { Migration };

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      -- array_to_string is only STABLE in general (element output functions); for text[] it is immutable, which a
      -- generated column needs.
      CREATE FUNCTION resonate_tags_text(tags text[]) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(tags, ' ') $$;

      CREATE TABLE users (
        id              text COLLATE "C" PRIMARY KEY,
        name            text,
        created_at      double precision,
        features        jsonb,
        -- NULL: personalized (the default); 0: the user switched personalization off.
        personalization smallint
      );

      CREATE TABLE posts (
        seq        bigint GENERATED ALWAYS AS IDENTITY,
        id         text COLLATE "C" PRIMARY KEY,
        author     text COLLATE "C" NOT NULL,
        text       text NOT NULL DEFAULT '',
        created_at double precision NOT NULL,
        tags       text[] NOT NULL DEFAULT '{}',
        reply_to   text COLLATE "C",
        lang       text,
        features   jsonb,
        search     tsvector GENERATED ALWAYS AS (
          to_tsvector('simple'::regconfig, text) || to_tsvector('simple'::regconfig, resonate_tags_text(tags))
        ) STORED
      );
      CREATE INDEX posts_created ON posts (created_at, seq);
      CREATE INDEX posts_author_created ON posts (author, created_at);
      CREATE INDEX posts_reply_to ON posts (reply_to);
      CREATE INDEX posts_search ON posts USING gin (search);

      CREATE TABLE follows (
        follower   text COLLATE "C" NOT NULL,
        followee   text COLLATE "C" NOT NULL,
        created_at double precision,
        PRIMARY KEY (follower, followee)
      );
      CREATE INDEX follows_followee ON follows (followee);

      -- Append-only; the client-supplied id makes a retried batch harmless (ON CONFLICT DO NOTHING).
      CREATE TABLE events (
        seq            bigint GENERATED ALWAYS AS IDENTITY,
        id             text COLLATE "C" PRIMARY KEY,
        user_id        text COLLATE "C" NOT NULL,
        type           text NOT NULL,
        post_id        text COLLATE "C",
        target_user_id text COLLATE "C",
        value          double precision,
        text           text,
        ts             double precision NOT NULL
      );
      -- (ts, seq) is the scan order.
      CREATE INDEX events_ts ON events (ts, seq);
      CREATE INDEX events_user_ts ON events (user_id, ts);
      CREATE INDEX events_post ON events (post_id);
      CREATE INDEX events_target_user ON events (target_user_id);

      -- Users erased on request: every read of the id answers USER_ERASED until the id is created again.
      CREATE TABLE erased_users (
        id        text COLLATE "C" PRIMARY KEY,
        erased_at double precision NOT NULL
      );

      -- Erasures and exports (who, whom, when, what); never the exported data itself.
      CREATE TABLE audit_log (
        seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at      double precision NOT NULL,
        action  text NOT NULL,
        subject text NOT NULL,
        actor   text,
        details jsonb
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- The feed response an event answers (its request_id), joining feedback to the impression log.
      ALTER TABLE events ADD COLUMN request_id text COLLATE "C";
      CREATE INDEX events_request ON events (request_id) WHERE request_id IS NOT NULL;

      -- The impression log, a row per served page (items packed as in src/storage/impression-pages.ts).
      CREATE TABLE impressions (
        seq        bigint GENERATED ALWAYS AS IDENTITY,
        request_id text COLLATE "C" PRIMARY KEY,
        user_id    text COLLATE "C" NOT NULL,
        "offset"   integer NOT NULL,
        experiment text,
        at         double precision NOT NULL,
        items      text NOT NULL
      );
      CREATE INDEX impressions_seq ON impressions (seq);
    `,
  },
  {
    version: 3,
    sql: `
      -- Posts taken down by moderation (POST /v1/admin/posts/{id}/takedown): hidden from everyone, kept for appeal.
      CREATE TABLE takedowns (
        post_id text COLLATE "C" PRIMARY KEY,
        at      double precision NOT NULL,
        actor   text,
        reason  text
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- What the search vector reads instead of the text when they differ: Chinese and Japanese words separated by
      -- spaces (src/storage/search-terms.ts indexedText), NULL otherwise. Posts written before this step are indexed
      -- as they were until they are written again.
      ALTER TABLE posts ADD COLUMN search_text text;
      -- The languages a user reads (a JSON array of language tags; NULL: not stated), for the feed's language policy.
      ALTER TABLE users ADD COLUMN languages jsonb;
      DROP INDEX posts_search;
      ALTER TABLE posts DROP COLUMN search;
      ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, coalesce(search_text, text)) || to_tsvector('simple'::regconfig, resonate_tags_text(tags))
      ) STORED;
      CREATE INDEX posts_search ON posts USING gin (search);
    `,
  },
  {
    version: 5,
    sql: `
      -- Keyed state of ingesters (a stream cursor, records to remember), written in the transaction of the rows it covers.
      CREATE TABLE ingest_state (
        key   text COLLATE "C" PRIMARY KEY,
        value text NOT NULL
      );
    `,
  },
  {
    version: 6,
    sql: `
      -- Posts deleted by their author or at their source (see the SQLite step 7).
      CREATE TABLE deleted_posts (
        id         text COLLATE "C" PRIMARY KEY,
        author     text COLLATE "C" NOT NULL,
        deleted_at double precision NOT NULL
      );
      CREATE INDEX deleted_posts_author ON deleted_posts(author);
      -- The users a post mentions (NULL: none), found by mentioned user through a GIN index.
      ALTER TABLE posts ADD COLUMN mentions text[] COLLATE "C";
      CREATE INDEX posts_mentions ON posts USING gin (mentions);
    `,
  },
  {
    version: 7,
    sql: `
      -- Sponsored campaigns (POST /v1/admin/campaigns); targeting is { topics, hashtags }.
      CREATE TABLE campaigns (
        id            text COLLATE "C" PRIMARY KEY,
        post_id       text NOT NULL,
        targeting     jsonb NOT NULL,
        bid           double precision NOT NULL,
        daily_budget  double precision NOT NULL,
        frequency_cap integer NOT NULL,
        start_at      double precision NOT NULL,
        end_at        double precision,
        status        text NOT NULL,
        created_at    double precision NOT NULL,
        updated_at    double precision NOT NULL
      );
      -- Delivery per campaign and UTC day.
      CREATE TABLE campaign_days (
        campaign_id text COLLATE "C" NOT NULL,
        day         text COLLATE "C" NOT NULL,
        impressions integer NOT NULL DEFAULT 0,
        clicks      integer NOT NULL DEFAULT 0,
        spend       double precision NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, day)
      );
      -- Each sponsored item served: clicks join it by (request id, post); training leaves its feedback out.
      CREATE TABLE sponsored_impressions (
        seq         bigserial,
        request_id  text COLLATE "C" NOT NULL,
        post_id     text COLLATE "C" NOT NULL,
        campaign_id text COLLATE "C" NOT NULL,
        user_id     text COLLATE "C" NOT NULL,
        at          double precision NOT NULL,
        price       double precision NOT NULL,
        cost        double precision NOT NULL,
        clicked_at  double precision,
        PRIMARY KEY (request_id, post_id)
      );
      CREATE INDEX sponsored_impressions_user ON sponsored_impressions(user_id, at);
      CREATE INDEX sponsored_impressions_at ON sponsored_impressions(at);
    `,
  },
  {
    version: 8,
    sql: `
      -- The impression log by time, for the console's time series (Store.timeseries over a window).
      CREATE INDEX impressions_at ON impressions (at);
    `,
  },
  {
    version: 9,
    sql: `
      -- NULL: smart replies on (the default); 0: the user switched reply suggestions off.
      ALTER TABLE users ADD COLUMN smart_replies smallint;
    `,
  },
];

/**
 * Creates the schema if missing and applies the steps above its version, all in one transaction under an
 * advisory lock. Returns the version the schema is at.
 */
export async function migratePostgres(pool: pg.Pool, schema: string, migrations: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<number> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    // Opening waits for another process's migration however long it takes (no lock_timeout here).
    await client.query('SET LOCAL lock_timeout = 0');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`resonate.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version integer PRIMARY KEY, applied_at double precision NOT NULL)`);
    let version = await currentVersion(client, schema);
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= version) continue;
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO ${schema}.schema_migrations (version, applied_at) VALUES ($1, $2)`, [m.version, Date.now()]);
      } catch (e) {
        throw createError('MIGRATION_FAILED', { version: m.version, problem: (e as Error).message }, e);
      }
      version = m.version;
    }
    await client.query('COMMIT');
    return version;
  } catch (e) {
    broken = e;
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    // A connection that failed mid-migration is discarded rather than returned to the pool.
    client.release(broken !== undefined);
  }
}

/** The schema's version (0 before any step). */
export async function currentVersion(client: pg.ClientBase, schema: string): Promise<number> {
  const r = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${schema}.schema_migrations`);
  return r.rows[0]?.v ?? 0;
}
