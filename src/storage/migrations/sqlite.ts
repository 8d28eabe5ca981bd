/**
 * @module SQLite schema migrations: an ordered list of `{version, sql}` steps, each applied in its own
 * transaction and recorded in `schema_version`, so a failed step leaves the database at its previous version.
 *
 * Never edit a released step: append a new one. Timestamps are epoch milliseconds; tags and features are JSON
 * text. `reply_to` carries no foreign key on purpose: a reply may arrive before the post it answers.
 */

export interface Migration {
  /** Strictly increasing, starting at 1. */
  readonly version: number;
  /** One or more SQL statements. */
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE users (
        id         TEXT PRIMARY KEY,
        name       TEXT,
        created_at REAL,
        features   TEXT
      );

      CREATE TABLE posts (
        id         TEXT PRIMARY KEY,
        author     TEXT NOT NULL REFERENCES users(id),
        text       TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        tags       TEXT NOT NULL DEFAULT '[]',
        reply_to   TEXT,
        lang       TEXT,
        features   TEXT
      );
      CREATE INDEX posts_created ON posts(created_at);
      CREATE INDEX posts_author_created ON posts(author, created_at);

      CREATE TABLE follows (
        follower   TEXT NOT NULL REFERENCES users(id),
        followee   TEXT NOT NULL REFERENCES users(id),
        created_at REAL,
        PRIMARY KEY (follower, followee)
      );
      CREATE INDEX follows_followee ON follows(followee);

      -- Append-only; the client-supplied id makes a retried batch harmless (INSERT OR IGNORE).
      CREATE TABLE events (
        id             TEXT PRIMARY KEY,
        user_id        TEXT NOT NULL REFERENCES users(id),
        type           TEXT NOT NULL,
        post_id        TEXT REFERENCES posts(id),
        target_user_id TEXT REFERENCES users(id),
        value          REAL,
        text           TEXT,
        ts             REAL NOT NULL
      );
      -- (ts, rowid) is the scan order; rowid rides along in every index.
      CREATE INDEX events_ts ON events(ts);
      CREATE INDEX events_user_ts ON events(user_id, ts);

      -- Full-text index over post text and tags (space-joined), rowid = posts.rowid, kept in step by triggers.
      CREATE VIRTUAL TABLE posts_fts USING fts5(text, tags, tokenize = 'unicode61 remove_diacritics 2');

      CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts(rowid, text, tags)
        VALUES (new.rowid, new.text, (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.tags)));
      END;
      CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
        DELETE FROM posts_fts WHERE rowid = old.rowid;
      END;
      CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, tags ON posts BEGIN
        DELETE FROM posts_fts WHERE rowid = old.rowid;
        INSERT INTO posts_fts(rowid, text, tags)
        VALUES (new.rowid, new.text, (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.tags)));
      END;
    `,
  },
  {
    version: 2,
    sql: `
      -- NULL: personalized (the default); 0: the user switched personalization off (following and popular only).
      ALTER TABLE users ADD COLUMN personalization INTEGER;

      -- Users erased on request: every read of the id answers USER_ERASED until the id is created again.
      CREATE TABLE erased_users (
        id        TEXT PRIMARY KEY,
        erased_at REAL NOT NULL
      );

      -- Erasures and exports (who, whom, when, what); never the exported data itself.
      CREATE TABLE audit_log (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        at      REAL NOT NULL,
        action  TEXT NOT NULL,
        subject TEXT NOT NULL,
        actor   TEXT,
        details TEXT
      );
      CREATE INDEX events_post ON events(post_id);
      CREATE INDEX events_target_user ON events(target_user_id);
    `,
  },
  {
    version: 3,
    sql: `
      -- The feed response an event answers (its request_id), joining feedback to the impression log.
      ALTER TABLE events ADD COLUMN request_id TEXT;
      CREATE INDEX events_request ON events(request_id) WHERE request_id IS NOT NULL;

      -- The impression log, a row per served page (the items as a JSON array of [post, source, score, policy, arm,
      -- propensity]): one insert per request keeps logging off the feed's cost; the store reads it back per item.
      CREATE TABLE impressions (
        request_id TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL,
        offset     INTEGER NOT NULL,
        experiment TEXT,
        at         REAL NOT NULL,
        items      TEXT NOT NULL
      );
      -- No index on user_id: it would double the cost of logging; export and erasure (rare) scan the table.
    `,
  },
  {
    version: 4,
    sql: `
      -- Replies of a post (GET /v1/posts/{id}/replies).
      CREATE INDEX posts_reply_to ON posts(reply_to) WHERE reply_to IS NOT NULL;

      -- Posts taken down by moderation (POST /v1/admin/posts/{id}/takedown): hidden from everyone, kept for appeal.
      CREATE TABLE takedowns (
        post_id TEXT PRIMARY KEY,
        at      REAL NOT NULL,
        actor   TEXT,
        reason  TEXT
      );
    `,
  },
  {
    version: 5,
    sql: `
      -- What the full-text index reads instead of the text when they differ: Chinese and Japanese words separated by
      -- spaces (src/storage/search-terms.ts indexedText), NULL otherwise. Posts written before this step are indexed
      -- as they were until they are written again.
      ALTER TABLE posts ADD COLUMN search_text TEXT;
      -- The languages a user reads (a JSON array of language tags; NULL: not stated), for the feed's language policy.
      ALTER TABLE users ADD COLUMN languages TEXT;
      DROP TRIGGER posts_fts_insert;
      DROP TRIGGER posts_fts_update;
      CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts(rowid, text, tags)
        VALUES (new.rowid, coalesce(new.search_text, new.text), (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.tags)));
      END;
      CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, tags, search_text ON posts BEGIN
        DELETE FROM posts_fts WHERE rowid = old.rowid;
        INSERT INTO posts_fts(rowid, text, tags)
        VALUES (new.rowid, coalesce(new.search_text, new.text), (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.tags)));
      END;
    `,
  },
  {
    version: 6,
    sql: `
      -- Keyed state of ingesters (a stream cursor, records to remember), written in the transaction of the rows it covers.
      CREATE TABLE ingest_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    sql: `
      -- Posts deleted by their author or at their source (Store.write deletePosts): the row is gone, the id stays so
      -- that every list keeps hiding it (Store.takenDown) and an edit of it is POST_DELETED. Writing the post again
      -- removes the mark; erasing the author removes it.
      CREATE TABLE deleted_posts (
        id         TEXT PRIMARY KEY,
        author     TEXT NOT NULL,
        deleted_at REAL NOT NULL
      );
      CREATE INDEX deleted_posts_author ON deleted_posts(author);
      -- The users a post mentions (a JSON array of user ids; NULL: none), and the look-up by mentioned user, kept by
      -- triggers as the full-text index is.
      ALTER TABLE posts ADD COLUMN mentions TEXT;
      CREATE TABLE post_mentions (
        user_id TEXT NOT NULL,
        post_id TEXT NOT NULL,
        PRIMARY KEY (user_id, post_id)
      ) WITHOUT ROWID;
      CREATE TRIGGER posts_mentions_insert AFTER INSERT ON posts WHEN new.mentions IS NOT NULL BEGIN
        INSERT OR IGNORE INTO post_mentions (user_id, post_id) SELECT value, new.id FROM json_each(new.mentions);
      END;
      CREATE TRIGGER posts_mentions_update AFTER UPDATE OF mentions ON posts BEGIN
        DELETE FROM post_mentions WHERE post_id = old.id AND user_id IN (SELECT value FROM json_each(coalesce(old.mentions, '[]')));
        INSERT OR IGNORE INTO post_mentions (user_id, post_id) SELECT value, new.id FROM json_each(coalesce(new.mentions, '[]'));
      END;
      CREATE TRIGGER posts_mentions_delete AFTER DELETE ON posts WHEN old.mentions IS NOT NULL BEGIN
        DELETE FROM post_mentions WHERE post_id = old.id AND user_id IN (SELECT value FROM json_each(old.mentions));
      END;
    `,
  },
  {
    version: 8,
    sql: `
      -- Sponsored campaigns (POST /v1/admin/campaigns); targeting is a JSON object { topics, hashtags }.
      CREATE TABLE campaigns (
        id           TEXT PRIMARY KEY,
        post_id      TEXT NOT NULL,
        targeting    TEXT NOT NULL,
        bid          REAL NOT NULL,
        daily_budget REAL NOT NULL,
        frequency_cap INTEGER NOT NULL,
        start_at     REAL NOT NULL,
        end_at       REAL,
        status       TEXT NOT NULL,
        created_at   REAL NOT NULL,
        updated_at   REAL NOT NULL
      );
      -- Delivery per campaign and UTC day.
      CREATE TABLE campaign_days (
        campaign_id TEXT NOT NULL,
        day         TEXT NOT NULL,
        impressions INTEGER NOT NULL DEFAULT 0,
        clicks      INTEGER NOT NULL DEFAULT 0,
        spend       REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, day)
      );
      -- Each sponsored item served: clicks join it by (request id, post); training leaves its feedback out.
      CREATE TABLE sponsored_impressions (
        request_id  TEXT NOT NULL,
        post_id     TEXT NOT NULL,
        campaign_id TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        at          REAL NOT NULL,
        price       REAL NOT NULL,
        cost        REAL NOT NULL,
        clicked_at  REAL,
        PRIMARY KEY (request_id, post_id)
      );
      CREATE INDEX sponsored_impressions_user ON sponsored_impressions(user_id, at);
      CREATE INDEX sponsored_impressions_at ON sponsored_impressions(at);
    `,
  },
  {
    version: 9,
    sql: `
      -- The impression log by time, for the console's time series (Store.timeseries over a window).
      CREATE INDEX impressions_at ON impressions(at);
    `,
  },
  {
    version: 10,
    sql: `
      -- NULL: smart replies on (the default); 0: the user switched reply suggestions off.
      ALTER TABLE users ADD COLUMN smart_replies INTEGER;
    `,
  },
];
