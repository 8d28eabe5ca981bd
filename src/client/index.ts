/**
 * @module A typed client of the HTTP API, on the global `fetch` (Node 20, browsers). `paths` (schema.generated.ts,
 * `npm run client:generate`) is the OpenAPI document as types, so `get('/v1/users/{id}/feed', …)` knows its
 * parameters and answer. Typed shortcuts cover the main routes; `get`/`post`/`put`/`delete` reach every route.
 *
 * @example
 * import { createClient } from 'resonate/client';
 * const api = createClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.RESONATE_KEY });
 * await api.ingest('events', [{ id: 'e1', user: 'u42', type: 'like', post: 'p1007', timestamp: Date.now() }]);
 * const page = await api.feed('u42', { limit: 10 });
 */
import type { paths } from './schema.generated.js';

export type { paths } from './schema.generated.js';

export interface ClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:3000` (a path prefix is kept). */
  baseUrl: string;
  /** An API key, sent as `x-api-key`. */
  apiKey?: string;
  /** An end-user token (JWT, `server.userTokens`), sent as `Authorization: Bearer`. Give this or `apiKey`. */
  token?: string;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

type Method = 'get' | 'post' | 'put' | 'delete';
/** The paths that have an operation for `M`. */
export type PathsWith<M extends Method> = { [P in keyof paths]: NonNullable<paths[P][M]> extends { responses: unknown } ? P : never }[keyof paths];
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

type PathParams<O> = O extends { parameters: { path?: infer X } } ? NonNullable<X> : never;
type QueryParams<O> = O extends { parameters: { query?: infer X } } ? NonNullable<X> : never;
type IsNever<T> = [T] extends [never] ? true : false;
type Body<O> = O extends { requestBody?: infer B } ? (IsNever<NonNullable<B>> extends true ? never : NonNullable<B> extends { content: { 'application/json': infer J } } ? J : never) : never;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** What a request of operation `O` takes: `path` when the route has path parameters, `query`, `body`. */
export type CallInit<O> = (IsNever<PathParams<O>> extends true ? { path?: undefined } : { path: PathParams<O> }) &
  (IsNever<QueryParams<O>> extends true ? { query?: undefined } : IsNever<RequiredKeys<QueryParams<O>>> extends true ? { query?: QueryParams<O> } : { query: QueryParams<O> }) &
  (IsNever<Body<O>> extends true ? { body?: undefined } : { body: Body<O> });
type InitArgs<O> = IsNever<RequiredKeys<CallInit<O>>> extends true ? [init?: CallInit<O>] : [init: CallInit<O>];

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : R extends { content: { 'text/plain': infer T } } ? T : undefined;
/** The answer of operation `O` on success (200, 201 or 202 body; undefined for 204). */
export type Success<O> = O extends { responses: infer R }
  ? R extends { 200: infer S } ? Json<S> : R extends { 201: infer S } ? Json<S> : R extends { 202: infer S } ? Json<S> : undefined
  : never;

/** A request the server refused: its status and catalogued error (`code`, docs/errors.md), or the XRPC `error`. */
export class ResonateApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ResonateApiError';
  }
}

type RowKind = 'users' | 'posts' | 'follows' | 'events';
type FeedOp = Op<'/v1/users/{id}/feed', 'get'>;
type SearchOp = Op<'/v1/search', 'get'>;

export interface ResonateClient {
  get<P extends PathsWith<'get'>>(path: P, ...init: InitArgs<Op<P, 'get'>>): Promise<Success<Op<P, 'get'>>>;
  post<P extends PathsWith<'post'>>(path: P, ...init: InitArgs<Op<P, 'post'>>): Promise<Success<Op<P, 'post'>>>;
  put<P extends PathsWith<'put'>>(path: P, ...init: InitArgs<Op<P, 'put'>>): Promise<Success<Op<P, 'put'>>>;
  delete<P extends PathsWith<'delete'>>(path: P, ...init: InitArgs<Op<P, 'delete'>>): Promise<Success<Op<P, 'delete'>>>;
  /** Upserts a batch of rows of one kind (`POST /v1/{kind}`); retries are idempotent. */
  ingest<K extends RowKind>(kind: K, rows: Body<Op<`/v1/${K}`, 'post'>>): Promise<Success<Op<`/v1/${K}`, 'post'>>>;
  /** A page of a user's feed (`GET /v1/users/{id}/feed`). */
  feed(user: string, query?: QueryParams<FeedOp>): Promise<Success<FeedOp>>;
  /** Posts, people or hashtags (`GET /v1/search`). */
  search(query: QueryParams<SearchOp>): Promise<Success<SearchOp>>;
  /** Posts similar to a post (`GET /v1/posts/{id}/similar`). */
  similar(post: string, query?: QueryParams<Op<'/v1/posts/{id}/similar', 'get'>>): Promise<Success<Op<'/v1/posts/{id}/similar', 'get'>>>;
  /** Trending posts, hashtags or topics (`GET /v1/trending`). */
  trending(query?: QueryParams<Op<'/v1/trending', 'get'>>): Promise<Success<Op<'/v1/trending', 'get'>>>;
  /** Accounts to follow (`GET /v1/users/{id}/who-to-follow`). */
  whoToFollow(user: string, query?: QueryParams<Op<'/v1/users/{id}/who-to-follow', 'get'>>): Promise<Success<Op<'/v1/users/{id}/who-to-follow', 'get'>>>;
}

export function createClient(options: ClientOptions): ResonateClient {
  if (options.apiKey !== undefined && options.token !== undefined) throw new TypeError('give apiKey or token, not both (the server reads the API key first)');
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;

  const request = async (method: Method, path: string, init: { path?: object; query?: object; body?: unknown } = {}): Promise<never> => {
    const url = new URL(base + fillPath(path, init.path));
    for (const [k, v] of Object.entries(init.query ?? {})) {
      if (v === undefined || v === null) continue;
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(one));
    }
    const hasBody = init.body !== undefined;
    const res = await doFetch(url, {
      method: method.toUpperCase(),
      headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers,
      ...(hasBody ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const body: unknown = text !== '' && type.includes('json') ? JSON.parse(text) : text === '' ? undefined : text;
    if (!res.ok) throw apiError(res.status, body);
    return body as never;
  };
  // The generic methods are typed by their signatures in ResonateClient; here every call is a plain request.
  const call = (method: Method) => (path: string, init?: { path?: object; query?: object; body?: unknown }) => request(method, path, init);

  return {
    get: call('get'),
    post: call('post'),
    put: call('put'),
    delete: call('delete'),
    ingest: (kind, rows) => request('post', `/v1/${kind}`, { body: rows }),
    feed: (user, query) => request('get', '/v1/users/{id}/feed', { path: { id: user }, query }),
    search: (query) => request('get', '/v1/search', { query }),
    similar: (post, query) => request('get', '/v1/posts/{id}/similar', { path: { id: post }, query }),
    trending: (query) => request('get', '/v1/trending', { query }),
    whoToFollow: (user, query) => request('get', '/v1/users/{id}/who-to-follow', { path: { id: user }, query }),
  } as ResonateClient;
}

/** `/v1/users/{id}/feed` with `{ id: 'u42' }` → `/v1/users/u42/feed` (each value percent-encoded). */
function fillPath(path: string, params: object | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (params as Record<string, unknown> | undefined)?.[name];
    if (value === undefined || value === null) throw new TypeError(`missing path parameter "${name}" of ${path}`);
    return encodeURIComponent(String(value));
  });
}

function apiError(status: number, body: unknown): ResonateApiError {
  const b = (body !== null && typeof body === 'object' ? body : {}) as { code?: unknown; error?: unknown; message?: unknown };
  const code = typeof b.code === 'string' ? b.code : typeof b.error === 'string' ? b.error : `HTTP_${status}`;
  const message = typeof b.message === 'string' ? b.message : `HTTP ${status}`;
  return new ResonateApiError(status, code, message, body);
}
