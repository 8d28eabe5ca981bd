/**
 * @module The Store contract: where users, posts, follows and events live.
 *
 * Upserts are idempotent; a post's author never changes (an upsert naming another author is
 * POST_AUTHOR_IMMUTABLE; the same author may edit text, tags and the rest); events are append-only and
 * deduplicated by their client-supplied id (a retried batch never duplicates, and `write` says which events
 * were new; an id already stored for another fact is EVENT_ID_CONFLICT, see event-conflicts.ts); every write batch is one transaction (all or nothing). A write that cannot get the database's
 * write lock at once (another process holds it) fails fast with STORE_BUSY rather than waiting. Two backends,
 * SQLite (`sqlite://path`) and PostgreSQL (`postgres://…`), opened by URL with `openStore(url)`; both pass the
 * contract suite (store-contract.ts).
 */
import type { Event, Follow, Post, User } from '../data/schemas.js';
import type { EventType } from '../core/config.js';
import type { Impression, ServedPage } from '../data/impressions.js';
import type { Campaign, CampaignDay, SponsoredClick, SponsoredImpression } from '../data/campaigns.js';

export type { Impression, ServedPage };
export type { Campaign, CampaignDay, SponsoredClick, SponsoredImpression };

export type { WriteBatch, WriteSummary } from '../data/rows.js';
import type { WriteBatch, WriteSummary } from '../data/rows.js';

/** What a stand-alone `Store.write` reports: the counts, and which events were stored by this write. */
export interface WriteResult extends WriteSummary {
  /**
   * Ids of the events this write stored, in batch order, each once; ids already stored, and repeats within
   * the batch, are left out. Only these events are new facts (e.g. for online model updates). A transaction's
   * own writer (`tx.write`, used for bulk imports) reports only the counts.
   */
  insertedEventIds: string[];
}

/** Writes applied inside one transaction. */
export interface StoreWriter {
  write(batch: WriteBatch): Promise<WriteSummary>;
}

export interface StoreCounts {
  users: number;
  posts: number;
  follows: number;
  events: number;
}

export interface EventQuery {
  /** Only these types. */
  types?: readonly EventType[];
  /** Events strictly before this time (epoch ms), for paging back. */
  before?: number;
  /** Events at or after this time. */
  since?: number;
  /** Most rows, newest first. */
  limit?: number;
}

export interface ImpressionQuery {
  /** Impressions served at or after this time (epoch ms). */
  since?: number;
  /** Impressions served strictly before this time. */
  before?: number;
  /** Only this user's. */
  userId?: string;
}

export interface SearchHit {
  post: Post;
  /** Higher is better (BM25 negated where the backend ranks ascending). */
  score: number;
}

/** What one erasure removed. */
export interface ErasureSummary {
  user: string;
  posts: number;
  /** Replies by others to the erased posts, removed when asked (`replies: 'delete'`). */
  replies: number;
  follows: number;
  /** The user's own events, and others' events on the erased posts or aimed at the user. */
  events: number;
  /** Impressions served to the user or of the erased posts. */
  impressions: number;
}

/** Everything stored about one user (GET /v1/users/{id}/export). */
export interface UserExport {
  user: User;
  posts: Post[];
  following: string[];
  followers: string[];
  events: Event[];
  /** Feed items served to the user (the impression log). */
  impressions: Impression[];
  /** Takedowns of the user's posts. */
  takedowns: Takedown[];
  /** Ids of others' posts that mention the user (mention edges), newest first. */
  mentionedIn: string[];
}

export interface AuditEntry {
  at: number;
  action: 'erase' | 'export' | 'takedown';
  subject: string;
  actor?: string;
  details?: Record<string, unknown>;
}

/** An erased id and when (epoch ms). */
export interface ErasedUser {
  id: string;
  erased_at: number;
}

/** A post taken down by moderation: it leaves every feed, search, reply list and trending list, for everyone. */
export interface Takedown {
  post: string;
  /** Epoch ms. */
  at: number;
  actor?: string;
  reason?: string;
}

/** A post deleted by its author or at its source: the row is gone, the id is kept to hide it and refuse edits. */
export interface DeletedPost {
  id: string;
  author: string;
  /** Epoch ms. */
  deleted_at: number;
}

/** Retention cutoffs (epoch ms): rows older than these are deleted. */
export interface ExpiryCutoffs {
  events?: number;
  impressions?: number;
}

/** What one retention pass deleted: events, and impression-log pages (one served page each). */
export interface ExpiredRows {
  events: number;
  impressionPages: number;
}

/** What `Store.timeseries` counts per time bucket. */
export const TIMESERIES_METRICS = ['events', 'active_users', 'impressions', 'engagement'] as const;
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];
/** The event types the `engagement` series counts: the same list as the experiments' engaged impression. */
export const ENGAGEMENT_EVENT_TYPES: readonly EventType[] = ['like', 'share', 'comment'];

/**
 * One time series over [since, before): `events` (events by their timestamp), `active_users` (distinct users with
 * an event), `engagement` (events of `ENGAGEMENT_EVENT_TYPES`), `impressions` (served feed items by the time their
 * page was logged).
 */
export interface TimeseriesQuery {
  metric: TimeseriesMetric;
  /** Bucket width in ms; a bucket starts at a multiple of it since the epoch (UTC hours and days). */
  bucketMs: number;
  /** Epoch ms, ≥ 0. */
  since: number;
  before: number;
}

/** One bucket of a series: its start (epoch ms) and its count. */
export interface TimeBucket {
  start: number;
  value: number;
}

/** Where a series' rows lie in time (epoch ms): the oldest and newest. */
export interface TimeRange {
  first: number;
  last: number;
}

/** Rows deleted per transaction by `deleteExpired` unless told otherwise. */
export const EXPIRY_CHUNK_ROWS = 10_000;

/** Erasure records, takedowns, audit entries and campaign rows, as `resonate migrate` copies them from one store to another. */
export interface StoreRecords {
  erasedUsers?: readonly ErasedUser[];
  takedowns?: readonly Takedown[];
  deletedPosts?: readonly DeletedPost[];
  /** Oldest first; appended after the entries already stored. */
  audit?: readonly AuditEntry[];
  /** Campaigns, their daily delivery and their sponsored impressions (clicks included), stored as given. */
  campaigns?: readonly Campaign[];
  campaignDays?: readonly CampaignDay[];
  sponsoredImpressions?: readonly SponsoredImpression[];
}

export interface Store extends StoreWriter {
  readonly kind: 'sqlite' | 'postgres';
  /** One batch in one transaction; says which of its events were new. */
  write(batch: WriteBatch): Promise<WriteResult>;
  /** Runs fn in one transaction: everything it writes is kept, or nothing if it throws. */
  transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T>;

  getUser(id: string): Promise<User | undefined>;
  getPost(id: string): Promise<Post | undefined>;
  getPosts(ids: readonly string[]): Promise<Post[]>;
  /** Which of these user ids exist. */
  existingUsers(ids: readonly string[]): Promise<Set<string>>;
  /** Which of these post ids exist. */
  existingPosts(ids: readonly string[]): Promise<Set<string>>;
  /** The ingest state stored under these keys (`WriteBatch.state`); absent keys are left out. */
  readState(keys: readonly string[]): Promise<Map<string, string>>;
  /** A user's events, newest first. */
  userEvents(userId: string, query?: EventQuery): Promise<Event[]>;
  /** Events whose `target_user` is this user (a follow, mute or block of them), newest first. */
  eventsAbout(targetUserId: string, query?: EventQuery): Promise<Event[]>;
  /** Events in [since, before), newest first. */
  eventsBetween(since: number, before: number, query?: Omit<EventQuery, 'since' | 'before'>): Promise<Event[]>;
  /** Posts created in [since, before), newest first. */
  postsBetween(since: number, before: number, limit?: number): Promise<Post[]>;
  /** Posts by these authors, newest first. */
  postsByAuthors(authorIds: readonly string[], limit: number, since?: number): Promise<Post[]>;
  /** Posts that mention the user (`Post.mentions`), newest first, optionally created at or after `since`. */
  postsMentioning(userId: string, limit: number, since?: number): Promise<Post[]>;
  /** Whom the user follows. */
  following(userId: string): Promise<string[]>;
  followers(userId: string): Promise<string[]>;
  /**
   * Appends served pages to the impression log in one transaction; a request id already stored is ignored (a
   * retried flush never duplicates). Returns how many items were new.
   */
  writeImpressions(pages: readonly ServedPage[]): Promise<number>;
  /** The impression log in the order pages were logged (time order per process), paged: memory stays bounded. */
  scanImpressions(query?: ImpressionQuery): AsyncIterable<Impression>;
  /** Which of these feed request ids have impressions stored (the join of feedback events to impressions). */
  knownRequestIds(ids: readonly string[]): Promise<Set<string>>;
  /** Replies to a post (posts whose `reply_to` is it), oldest first (then by arrival), at most `limit`. */
  repliesTo(postId: string, limit: number): Promise<Post[]>;
  /**
   * Takes a post down for everyone, audited; a post already taken down keeps its first record. False (nothing
   * written) when the post does not exist.
   */
  takeDown(takedown: Takedown): Promise<boolean>;
  /**
   * Which of these posts are taken down or deleted (`deletePosts`): both leave every feed, search, reply list and
   * trending list, including lists ranked from a snapshot that still holds a deleted post.
   */
  takenDown(postIds: readonly string[]): Promise<Set<string>>;
  /** Which of these posts were deleted (`deletePosts`) and not written again since. */
  deletedPosts(postIds: readonly string[]): Promise<Set<string>>;
  /** One event by id. */
  getEvent(id: string): Promise<Event | undefined>;
  /** Takedowns, newest first. */
  takedowns(limit?: number): Promise<Takedown[]>;
  /**
   * Retention: deletes the events with a timestamp before `events` and the impression-log pages served before
   * `impressions` (epoch ms; an absent cutoff leaves that table alone), in transactions of at most `chunkRows`
   * rows (default 10,000) so writers wait little. Returns how many rows went.
   */
  deleteExpired(cutoffs: ExpiryCutoffs, options?: { chunkRows?: number }): Promise<ExpiredRows>;
  /**
   * Counts per time bucket (`TimeseriesQuery`), buckets with nothing left out, oldest first. Read from the
   * tables as they are (indexed by time), so a series shows history by the data's own timestamps.
   */
  timeseries(query: TimeseriesQuery): Promise<TimeBucket[]>;
  /** The oldest and newest timestamp of the events or of the impression log; undefined when empty. */
  timeRange(source: 'events' | 'impressions'): Promise<TimeRange | undefined>;
  /** How many events of each type a post has received (types without any are left out). */
  postEventCounts(postId: string): Promise<Partial<Record<EventType, number>>>;
  /** Full-text search over post text (BM25). */
  searchPosts(query: string, limit?: number): Promise<SearchHit[]>;
  counts(): Promise<StoreCounts>;

  /**
   * Erases a user in one transaction: the user row, their posts (and others' replies to them with `replies:
   * 'delete'`), follows both ways, their events, others' events on the erased posts or aimed at the user, the
   * takedown records of the erased posts, the records of their deleted posts, the user's id from others' mentions; records
   * the id as erased and writes an audit entry. Undefined (nothing written) when the user does not exist.
   */
  eraseUser(id: string, options?: { replies?: 'keep' | 'delete'; actor?: string }): Promise<ErasureSummary | undefined>;
  /** Whether the id was erased (and not created again since). */
  isErased(id: string): Promise<boolean>;
  /** Everything stored about a user, audited; undefined when the user does not exist. */
  exportUser(id: string, options?: { actor?: string }): Promise<UserExport | undefined>;
  /** Ids of erased users and of users who switched personalization off (read once at start). */
  userFlags(): Promise<{ erased: string[]; unpersonalized: string[] }>;
  /** Audit entries, newest first. */
  auditLog(limit?: number): Promise<AuditEntry[]>;

  /** Streams for building a Dataset in one pass. Events come in ascending time order. */
  scanUsers(): AsyncIterable<User>;
  scanPosts(): AsyncIterable<Post>;
  scanFollows(): AsyncIterable<Follow>;
  scanEvents(): AsyncIterable<Event>;
  /** Erased ids (copying a store). */
  scanErasedUsers(): AsyncIterable<ErasedUser>;
  /** Takedowns by post id (copying a store). */
  scanTakedowns(): AsyncIterable<Takedown>;
  /** Deleted posts by id (copying a store). */
  scanDeletedPosts(): AsyncIterable<DeletedPost>;
  /** The audit log, oldest first (copying a store). */
  scanAuditLog(): AsyncIterable<AuditEntry>;
  /** Every ingest-state entry by key (copying a store). */
  scanIngestState(): AsyncIterable<{ key: string; value: string }>;
  /** Adds erasure records, takedowns and audit entries copied from another store, in one transaction (`resonate migrate`). */
  writeRecords(records: StoreRecords): Promise<void>;

  /** Creates or replaces a sponsored campaign (by id). */
  putCampaign(campaign: Campaign): Promise<void>;
  getCampaign(id: string): Promise<Campaign | undefined>;
  /** Every campaign, oldest first. */
  campaigns(): Promise<Campaign[]>;
  /** Deletes a campaign and its daily delivery rows (its sponsored impressions stay: training keeps excluding them). False when unknown. */
  deleteCampaign(id: string): Promise<boolean>;
  /**
   * Stores sponsored impressions and adds each to its campaign's day (impressions + 1, spend + cost), in one
   * transaction; a (request id, post) already stored is ignored. Returns how many were new.
   */
  recordSponsoredImpressions(rows: readonly SponsoredImpression[]): Promise<number>;
  /**
   * Counts clicks: each names a stored sponsored impression not clicked before, which is marked and adds a click
   * to its campaign's day of the click. Returns the impressions newly clicked.
   */
  recordSponsoredClicks(clicks: readonly SponsoredClick[]): Promise<SponsoredImpression[]>;
  /** Daily delivery rows, by campaign then day; only one campaign's, and days at or after `since` (YYYY-MM-DD), when given. */
  campaignDays(query?: { campaignId?: string; since?: string }): Promise<CampaignDay[]>;
  /** Sponsored impressions served at or after `since` (epoch ms), only one user's when given, in serving order. */
  sponsoredImpressions(query?: { userId?: string; since?: number }): Promise<SponsoredImpression[]>;

  close(): Promise<void>;
}
