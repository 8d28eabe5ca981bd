/**
 * @module The catalogue of every error Resonate raises: a code, an HTTP status and a message template.
 *
 * Errors say what was expected, what arrived and what to do. Only the API layer turns them into HTTP;
 * everything else throws `ResonateError` made by `createError`. `docs/errors.md` lists every code and a
 * test keeps the two in step (`npm run docs:errors` regenerates it).
 */

export interface ErrorSpec {
  /** HTTP status the API answers with. */
  readonly status: number;
  /** Message template; `{name}` is replaced by the parameter of that name. */
  readonly message: string;
  /** One line for docs/errors.md: when it happens and what to do. */
  readonly doc: string;
}

export const ERRORS = {
  // Input and validation
  INVALID_INPUT: { status: 400, message: '{field}: {problem}', doc: 'A field of a request, a file row or an option is malformed; the message names the field and the problem.' },
  INVALID_EVENT: { status: 400, message: 'event {id}: {problem}', doc: 'An interaction event fails validation (unknown type, missing target, bad timestamp).' },
  INVALID_JSON: { status: 400, message: 'malformed JSON at {where}: {problem}', doc: 'A request body or JSONL line is not valid JSON.' },
  INVALID_UTF8: { status: 400, message: '{where}: text is not valid UTF-8', doc: 'Input bytes are not valid UTF-8; re-encode the file (e.g. `iconv -f latin1 -t utf8`).' },
  TIMESTAMP_IN_FUTURE: { status: 400, message: '{field}: {time} is later than the server clock ({now}) plus the tolerance of {tolerance} s', doc: 'A live write carries a time that has not happened yet (beyond `server.maxFutureSkewSeconds`); check the client clock and send epoch milliseconds or ISO-8601 with an offset.' },
  BATCH_TOO_LARGE: { status: 413, message: 'batch of {size} {kind} exceeds the limit of {limit}', doc: 'A write batch is larger than the configured limit; split it.' },
  DUPLICATE_ID: { status: 400, message: '{kind} id {id} appears more than once in the batch', doc: 'One batch names the same id twice with different content.' },
  EVENT_ID_CONFLICT: { status: 409, message: '{count} event id(s) already stored with another user, type, post, target user or value: {listed}; nothing of the batch was written', doc: 'An event id is reused for another fact. Event ids are the deduplication key (a retry repeating an event is ignored), so a client must give each event its own id, e.g. a UUID or a prefix per client. The error lists the ids (`ids` parameter: all of them).' },
  POST_DELETED: { status: 410, message: 'post {id} was deleted; it cannot be {action}', doc: 'An edit or delete named a post its author (or its source) deleted. A deleted post stays deleted and hidden from every list; writing a post with that id again (`POST /v1/posts`) creates it anew.' },
  POST_AUTHOR_IMMUTABLE: { status: 409, message: '{field}: post {id} belongs to {author}; its author cannot change to {attempted}', doc: 'An upsert names another author for an existing post. A post\'s author never changes (the same author may edit its text and tags); nothing of the batch was written.' },
  MUTED_WORDS_LIMIT: { status: 422, message: 'user {user} would mute {count} words and hashtags; the limit is {limit}', doc: 'A `mute` event with a `text` (or `PUT /v1/users/{id}/muted-words`) would take the user\'s muted words and #hashtags over the limit; unmute some first. Nothing of the batch was written.' },
  UNKNOWN_REFERENCE: { status: 422, message: '{field}: unknown {kind} {id}', doc: 'A row refers to a user or post that does not exist.' },
  INVALID_CONFIG: { status: 500, message: 'configuration {field}: {problem}', doc: 'resonate.config.json or a RESONATE_* variable holds an invalid value.' },
  UNKNOWN_LANGUAGE: { status: 400, message: '{field}: "{code}" is not a known language code; expected a BCP 47 tag such as "en", "zh" or "pt-BR"', doc: 'A post\'s `lang`, a user\'s languages or a `lang` filter names no language ICU knows; send an ISO 639 code (optionally with a region), or omit a post\'s `lang` to have it identified.' },
  VECTOR_INVALID: { status: 400, message: '{field}: {problem}', doc: 'A post\'s `features.vectors` entry is not declared in `features.vectors` of the config, has another dimension than declared, or holds a value that is not a finite number.' },
  UNKNOWN_OPTION: { status: 400, message: 'unknown {kind} "{name}"; expected one of: {expected}', doc: 'A name (model id, import format, protocol, metric) is not one Resonate knows.' },

  // Files and storage
  FILE_NOT_FOUND: { status: 404, message: 'file not found: {path}', doc: 'A path given to an importer, a model loader or the CLI does not exist.' },
  STORE_CORRUPT: { status: 500, message: 'the database at {path} is not a Resonate store or is damaged: {problem}', doc: 'The database file cannot be opened or fails its integrity check; restore a backup or point to another file.' },
  STORE_UNSUPPORTED: { status: 400, message: 'unsupported store URL "{url}"; expected sqlite://path or postgres://user@host/db', doc: 'The store URL has a scheme no backend handles.' },
  STORE_WRITE_FAILED: { status: 500, message: 'write to the store failed and was rolled back: {problem}', doc: 'A batch could not be written; nothing of it was kept.' },
  MIGRATION_FAILED: { status: 500, message: 'migration {version} failed: {problem}', doc: 'A schema migration failed; the database was left at its previous version.' },
  STORE_BUSY: { status: 503, message: 'the store is busy with another writer (an import?); nothing was written, retry in {retryAfterSeconds} s', doc: 'Another process holds the database write lock (e.g. a `--strict` or `--atomic` import); the write was refused at once instead of waiting. Retry after the `retry-after` seconds.' },
  STORE_UNAVAILABLE: { status: 503, message: 'the store cannot be reached; nothing was written, retry in {retryAfterSeconds} s', doc: 'The PostgreSQL server refused or dropped the connection (restart, failover, network). The write was rolled back whole; the connection pool reconnects by itself on a later request. Retry after the `retry-after` seconds.' },
  BUS_UNAVAILABLE: { status: 503, message: 'NATS JetStream at {url}: {problem}', doc: '`resonate ingest --nats` cannot reach the NATS server, or the server has no JetStream stream of that name (create it first, e.g. `nats stream add`); nothing was consumed.' },
  JOBS_UNAVAILABLE: { status: 503, message: 'the job queue ({backend}) cannot be reached: {problem}', doc: 'The Redis (BullMQ) or PostgreSQL (pg-boss) server of `jobs.url` refused or did not answer in time; retry once it is back.' },
  BACKUP_NOT_SUPPORTED: { status: 400, message: 'resonate {verb} copies SQLite store files only; {advice}', doc: '`resonate backup` / `restore` use SQLite\'s online backup. A PostgreSQL store is backed up with `pg_dump` and restored with `pg_restore` (the message gives the commands, docs/deploy.md "Backup"); an in-memory store has nothing to back up.' },
  BACKUP_INVALID: { status: 400, message: '{path} is not a Resonate SQLite store: {problem}', doc: '`resonate restore --from` was given a file that is not a SQLite database holding Resonate\'s tables, or that fails SQLite\'s integrity check; nothing was changed.' },
  STORE_NOT_EMPTY: { status: 409, message: 'the target store already holds data ({rows} rows); pass --force to copy into it anyway', doc: '`resonate migrate` copies into an empty store only, unless `--force` (e.g. to finish an interrupted copy: rows already there are upserted again, events and audit entries are not duplicated).' },
  COPY_MISMATCH: { status: 500, message: 'the copy does not match its source: {table} holds {targetRows} rows (checksum {targetChecksum}), the source {sourceRows} ({sourceChecksum})', doc: 'After `resonate migrate`, a table of the target differs from the source (rows the target held before a `--force` copy, or writes to either store during the copy). Copy into an empty store while nothing else writes.' },
  IMPORT_ABORTED: { status: 400, message: 'import aborted at {where}: {problem}; nothing was written', doc: 'A strict import met an invalid row, or the import failed before its first commit; the store is unchanged.' },
  IMPORT_INCOMPLETE: { status: 500, message: 'import stopped at {where}: {problem}; the {committed} rows committed before it are kept (run the same import again to finish: stored events are skipped, users, posts and follows upserted)', doc: 'A chunked import (the default into a database file) failed after some of its chunks were committed; re-running it completes it without duplicates.' },

  // Models
  MODEL_NOT_FITTED: { status: 409, message: 'model {model} has not been fitted yet', doc: 'Recommend or save was called before fit; train first (`resonate train`).' },
  MODEL_UNAVAILABLE: { status: 409, message: 'the {model} is unavailable: {reason}', doc: 'A background model (engagement ranker, topic model, behaviour predictor) could not be trained on this data, or is turned off; the message gives the reason (also on `/health` under `problems`). The feed keeps serving without it; add the data it needs, or turn it off in the configuration.' },
  MODEL_UNKNOWN: { status: 404, message: 'unknown model "{model}"; registered: {expected}', doc: 'A model id is not in the registry.' },
  USER_ERASED: { status: 404, message: 'user {id} was erased', doc: 'The user was erased on request (DELETE /v1/users/{id} or `resonate users erase`); nothing about them is kept or served.' },
  MODEL_VERSION_NOT_FOUND: { status: 404, message: 'model version {version} not found in {dir}', doc: 'No saved model version has that number; `resonate models list` shows the versions there are.' },
  ARTIFACT_INVALID: { status: 422, message: 'artifact {path}: {problem}', doc: 'A saved model file is damaged, of another kind or of an unsupported version.' },
  TRAINING_CANCELLED: { status: 499, message: 'training of {model} was cancelled', doc: 'A fit was stopped through its AbortSignal.' },
  SHAPE_MISMATCH: { status: 500, message: '{op}: {problem}', doc: 'Tensor or matrix shapes do not agree for an operation.' },
  PROPENSITY_MISSING: { status: 422, message: '{count} of {total} logged rows have no propensity ({rows}); IPS, SNIPS, DR and SNDR weight each row by the evaluated policy\'s probability over it', doc: 'Off-policy evaluation was given a log without the behaviour policy\'s probability of each shown action (`propensity`, OBD `propensity_score`); the message lists the rows (1-based, header excluded). Log the propensity the serving policy used for every impression.' },
  PROPENSITY_ZERO: { status: 422, message: '{count} logged rows have propensity 0 for an action the evaluated policy takes ({rows}); the behaviour policy could not have shown it, so no weight exists', doc: 'Off-policy evaluation met rows whose propensity is 0 while the evaluated policy gives their action a positive probability at that position; the message lists the rows (1-based). The log does not support that policy: evaluate a policy within the logged support, or fix the logged propensities.' },
  RATING_OUT_OF_SCALE: { status: 400, message: '{field}: rating {value} is outside the rating scale {min}–{max}', doc: 'A rating lies outside the scale: `ratings.scale` when configured, else the smallest and largest rating the serving rating model was trained on. Send a rating on the scale, or configure `ratings.scale` (e.g. [0.5, 4] for FilmTrust).' },
  RATINGS_NOT_CONFIGURED: { status: 409, message: 'no rating model is configured; set ratings.model (one of: {expected}) in the config and train', doc: 'A predicted rating was asked of a server without a rating model. Set `ratings.model` (e.g. `rating/svd`) in the config; the model is fitted on the serving snapshot\'s `rating` events on the first request.' },
  TOO_FEW_REPLY_PAIRS: { status: 422, message: 'smart replies need at least {min} (post, reply) pairs; the data has {count}', doc: 'The reply-suggestion model learns from the app\'s own reply threads (posts with `reply_to` whose parent is in the serving snapshot) and found too few. Its route answers MODEL_UNAVAILABLE with this reason until more replies are written and the models retrain.' },
  DATASET_EMPTY: { status: 422, message: 'dataset has no {what}; import or generate data first', doc: 'A model or evaluation needs interactions and found none.' },

  // API
  NOT_FOUND: { status: 404, message: '{kind} {id} not found', doc: 'The user, post or resource does not exist.' },
  UNAUTHORIZED: { status: 401, message: 'missing or unknown API key', doc: 'Send a configured key in the `x-api-key` header (or `Authorization: Bearer`), or a user token as `Authorization: Bearer <JWT>` when `server.userTokens` is set. Failed attempts are rate-limited per client address (`server.rateLimit.authFailureMax`).' },
  API_KEY_EXPIRED: { status: 401, message: 'API key "{name}" expired at {expiresAt}', doc: 'The key is past its `expiresAt`; create a new one with `resonate keys create` and replace the entry.' },
  FORBIDDEN: { status: 403, message: 'API key lacks the "{scope}" scope', doc: 'The key is valid but not allowed to do this; use a key with the named scope.' },
  TOKEN_EXPIRED: { status: 401, message: 'user token expired at {expiredAt}', doc: 'The JWT\'s `exp` has passed (beyond `server.userTokens.clockToleranceSeconds`); get a fresh token from the application\'s sign-in.' },
  TOKEN_INVALID: { status: 401, message: 'user token rejected: {problem}', doc: 'The JWT is malformed, unsigned (`alg: none`), signed with an algorithm not in `server.userTokens.algorithms` or by an unknown key, or names another issuer or audience, or is not valid yet (`nbf`), or lacks `sub` or `exp`. Failed attempts count against `server.rateLimit.authFailureMax`.' },
  FORBIDDEN_USER: { status: 403, message: 'a user token may only {action} its own data: {field} is not the token\'s subject', doc: 'A user token asked for another user\'s feed, behaviour or export, sent rows on behalf of another user (every event\'s `user`, post\'s `author` and follow\'s `follower` must be the token\'s `sub`), or edited, deleted or undid another user\'s post or event.' },
  USER_TOKEN_NOT_ALLOWED: { status: 403, message: '{route} needs a service API key; a user token may read its own user routes and public read routes, and write its own events, posts and follows', doc: 'The route is not open to end-user tokens (user rows, stats, the user list, admin routes); call it from the application\'s backend with an API key.' },
  PSEUDONYMIZATION_OFF: { status: 409, message: 'pseudonymization is off: set privacy.pseudonymize.key', doc: 'The pseudonym look-up was asked of a server that stores raw user ids.' },
  PRIVACY_BUDGET_EXCEEDED: { status: 429, message: 'the private release "{release}" would go over its privacy budget of ε {budget}, δ {budgetDelta} for the period (ε {spent} spent); it renews in {retryAfterSeconds} s', doc: 'A differentially private release (`/v1/private/…`) would spend more than its `privacy.dp.budgetPerDay`; nothing was read or released. The budget renews at the next UTC day (`retry-after`); a release answered in the last `privacy.dp.reuseSeconds` is served again at no cost.' },
  RATE_LIMITED: { status: 429, message: 'rate limit exceeded; retry in {retryAfter}', doc: 'Too many requests from this key, user or address; the `retry-after` header gives the seconds to wait.' },
  OPEN_SERVER_NOT_LOOPBACK: { status: 500, message: 'refusing to serve on {host} without API keys: an open server may only listen on a loopback address (127.0.0.1, ::1, localhost)', doc: 'Add keys to `server.apiKeys` (`resonate keys create`) or `server.userTokens`, or listen on 127.0.0.1.' },
  // Sponsored campaigns (README "Sponsored posts")
  CAMPAIGN_AMOUNT_INVALID: { status: 400, message: '{field}: {problem}', doc: 'A campaign\'s `bid` or `dailyBudget` is negative, zero or not a finite number, or its `frequencyCap` is not a positive integer; send positive amounts.' },
  CAMPAIGN_CREATIVE_INVALID: { status: 422, message: 'postId: {problem}', doc: 'A campaign\'s creative `postId` is empty, names no stored post, or names a post taken down by moderation; create the post first and name it.' },
  CAMPAIGN_TARGETING_INVALID: { status: 400, message: '{field}: {problem}', doc: 'A campaign\'s `targeting` is not `{ topics, hashtags }` lists of short non-empty words, or asks for `communities` (community targeting is not supported: target by topics and hashtags).' },
  CAMPAIGN_NOT_FOUND: { status: 404, message: 'campaign {id} not found', doc: 'No campaign has this id (`GET /v1/admin/campaigns` lists them).' },
  CAMPAIGN_EXISTS: { status: 409, message: 'campaign {id} already exists; change it with PATCH /v1/admin/campaigns/{id}', doc: 'A campaign was created with an id another campaign has; PATCH it, or create without an id to get a fresh one.' },
  // Bluesky feed generator (docs/bluesky.md): answered in the XRPC error shape `{ error, message }`
  BLUESKY_UNKNOWN_FEED: { status: 400, message: 'feed {feed} is not served here; this service serves: {served}', doc: 'getFeedSkeleton or sendInteractions named a feed URI that is not in `bluesky.feeds` under `bluesky.publisherDid` (XRPC error `UnknownFeed`).' },
  BLUESKY_AUTH_REQUIRED: { status: 401, message: '{method} needs a service-auth token of the requester (Authorization: Bearer <JWT>)', doc: 'sendInteractions came without the requester\'s service-auth JWT (XRPC error `AuthenticationRequired`).' },
  BLUESKY_JWT_MALFORMED: { status: 401, message: 'requester token rejected: {problem}', doc: 'The service-auth JWT is not three base64url parts of JSON, names an unsupported `alg`, or lacks `iss`, `aud` or `exp` (XRPC error `BadJwt`).' },
  BLUESKY_JWT_EXPIRED: { status: 401, message: 'requester token expired at {expiredAt}', doc: 'The service-auth JWT\'s `exp` has passed (beyond `bluesky.auth.clockToleranceSeconds`) (XRPC error `JwtExpired`).' },
  BLUESKY_JWT_AUDIENCE: { status: 401, message: 'requester token is for {aud}, not this service ({serviceDid})', doc: 'The service-auth JWT\'s `aud` is not `bluesky.serviceDid` (XRPC error `BadJwtAudience`).' },
  BLUESKY_JWT_METHOD: { status: 401, message: 'requester token is for method {lxm}, not {method}', doc: 'The service-auth JWT\'s `lxm` names another XRPC method (XRPC error `BadJwtLexiconMethod`).' },
  BLUESKY_JWT_SIGNATURE: { status: 401, message: 'requester token signature does not verify against the atproto key of {iss}', doc: 'The service-auth JWT was not signed by the issuer\'s current atproto signing key (the DID document is fetched again once before refusing) (XRPC error `BadJwtSignature`).' },
  BLUESKY_DID_UNRESOLVED: { status: 401, message: 'the issuer {did} could not be resolved: {problem}', doc: 'The requester\'s DID document could not be fetched in `bluesky.auth.resolveTimeoutMs` (PLC directory or did:web host down, unknown DID, malformed document) (XRPC error `BadJwt`).' },
  BLUESKY_DID_NO_KEY: { status: 401, message: 'the DID document of {did} has no atproto signing key', doc: 'The requester\'s DID document has no `#atproto` verification method with a supported key (XRPC error `BadJwt`).' },
  PROCESSES_NOT_SHAREABLE: { status: 500, message: '--processes {processes} needs state every API process can share: {problem}', doc: '`resonate serve --processes N` (N > 1) runs N processes that share only the store and Redis: the store must be PostgreSQL or a SQLite file (not `:memory:`) and `cache.url` must name a Redis server (docs/deploy.md).' },
  INTERNAL: { status: 500, message: 'internal error: {problem}', doc: 'A bug. Over HTTP, every 5xx answer carries only a generic message and a `requestId`; the server log (at `log.level` error or lower) holds the full error and stack trace under that `reqId`.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
export type ErrorParams = Readonly<Record<string, string | number | boolean | undefined>>;

export class ResonateError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly params: ErrorParams;
  /**
   * Seconds after which a retry may succeed, from the `retryAfterSeconds` parameter (STORE_BUSY): the API sends
   * it as the `retry-after` header.
   */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(formatMessage(ERRORS[code].message, params), options);
    this.name = 'ResonateError';
    this.code = code;
    this.statusCode = ERRORS[code].status;
    this.params = params;
    if (typeof params.retryAfterSeconds === 'number') this.retryAfterSeconds = params.retryAfterSeconds;
  }

  toJSON(): { error: string; code: ErrorCode; message: string; statusCode: number } {
    return { error: httpReason(this.statusCode), code: this.code, message: this.message, statusCode: this.statusCode };
  }
}

/**
 * Builds the error of a catalogued code.
 * @example throw createError('INVALID_INPUT', { field: 'events[3].ts', problem: 'expected an ISO date, got "yesterday"' });
 */
export function createError(code: ErrorCode, params: ErrorParams = {}, cause?: unknown): ResonateError {
  return new ResonateError(code, params, cause === undefined ? undefined : { cause });
}

export function isResonateError(e: unknown, code?: ErrorCode): e is ResonateError {
  return e instanceof ResonateError && (code === undefined || e.code === code);
}

function formatMessage(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = params[key];
    return v === undefined ? `{${key}}` : String(v);
  });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 499: 'Client Closed Request',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function httpReason(status: number): string {
  return REASONS[status] ?? 'Error';
}
