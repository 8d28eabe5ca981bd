/**
 * @module Search as served (`GET /v1/search`): posts by hybrid retrieval, people, hashtags.
 *
 * Posts: `parseQuery` splits the query into words, hashtags, mentions, phrases and operators. The lexical
 * retriever is the store's full-text search over the words; the vector retriever is word2vec post vectors (trained
 * on the store's posts when the index is first built) in a usearch HNSW index, queried by the query's vector moved
 * towards its best lexical posts (`DEFAULT_FEEDBACK`); the two are fused by `DEFAULT_FUSION` (or the `fusion`
 * asked). A quoted phrase makes the search lexical only (a post must contain it). Filters (`from:`, `since:`,
 * `until:`, `lang:`, negated words) apply to both retrievers before the cut: the lexical search is asked again
 * with a 4× larger limit until enough posts pass or it has no more, and the vector index scores exactly when few
 * pass (`VectorIndex.search`), so k results come back whenever k posts match. With `user`, the fused scores
 * (scaled to [0, 1]) gain `PERSONAL_WEIGHT` × the post's match with the user's interest profile (the feed's, given
 * by the engine through `interest`; without one, the cosine to the word2vec centroid of their own and engaged
 * posts) and `FOLLOW_BOOST` for accounts they follow.
 *
 * The index is built on the first search from the store (posts, users, tags) and kept up to date by `written`,
 * which the ingest path calls after each write: new posts are embedded with the trained word vectors and added;
 * a post without a known word (empty, another script) stays findable lexically.
 */
import { createError } from '../core/errors.js';
import type { Post, User } from '../data/schemas.js';
import type { Store } from '../storage/store.js';
import { parseQuery, queryText, type ParsedQuery } from '../text/query.js';
import { splitHashtag } from '../text/tokenize.js';
import { DEFAULT_FEEDBACK, DEFAULT_FUSION, DEFAULT_VECTOR_WEIGHT } from './defaults.js';
import { DocEmbedder, normalise } from './doc-embedder.js';
import { calibratedBlend, reciprocalRankFusion, RRF_K, UNCALIBRATED_BLEND, type BlendCalibration, type Fusion, type Scored } from './fusion.js';
import { feedbackQuery, VectorIndex } from './vector-index.js';

export type SearchType = 'posts' | 'users' | 'hashtags';

export interface SearchRequest {
  q: string;
  type?: SearchType;
  /** The searching user: personalizes posts and people. */
  user?: string;
  limit?: number;
  fusion?: Fusion;
}

export interface PostHit {
  post: Post;
  score: number;
}
export interface UserHit {
  user: { id: string; name?: string };
  score: number;
  posts: number;
}
export interface HashtagHit {
  tag: string;
  score: number;
  posts: number;
}
export type SearchItem = PostHit | UserHit | HashtagHit;

export interface SearchServiceOptions {
  /** Fewest posts to train word vectors on (fewer: lexical search only until the next build). */
  minPostsForVectors?: number;
  calibration?: BlendCalibration;
  seed?: number;
  /** Accounts never returned, nor their posts (erased users). */
  hidden?: (userId: string) => boolean;
  /**
   * The searching user's interest match of posts by id, in [0, 1] (the engine gives the feed's interest profile:
   * `profile · v_post`); undefined when it has no profile to offer, and then the word2vec centroid is used.
   */
  interest?: (user: string, postIds: readonly string[]) => Promise<ReadonlyMap<string, number> | undefined>;
}

/** Weight of the cosine to the user's centroid in a personalized score (fused scores scaled to [0, 1]). */
export const PERSONAL_WEIGHT = 0.2;
/** Added for a post or account by someone the user follows. */
export const FOLLOW_BOOST = 0.2;
/** Candidates each retriever gives the fusion. */
const DEPTH = 100;
/** Posts of the user's history in their centroid. */
const HISTORY = 200;

interface PostMeta {
  id: string;
  author: string;
  createdAt: number;
  lang?: string;
}

export class SearchService {
  private building: Promise<void> | null = null;
  private pending: { posts: Post[]; users: User[] } | null = { posts: [], users: [] };
  private embedder: DocEmbedder | null = null;
  private index: VectorIndex | null = null;
  private readonly slots = new Map<string, number>();
  private readonly meta: PostMeta[] = [];
  private readonly byAuthor = new Map<string, number[]>();
  private readonly tags = new Map<string, number>();
  private readonly users = new Map<string, { name?: string; posts: number }>();

  constructor(private readonly store: Store, private readonly options: SearchServiceOptions = {}) {}

  /** The ingest path's hook: rows this write stored. */
  written(kind: 'users' | 'posts' | 'follows' | 'events', rows: readonly unknown[]): void {
    if (kind !== 'posts' && kind !== 'users') return;
    if (this.pending) {
      if (kind === 'posts') this.pending.posts.push(...(rows as Post[]));
      else this.pending.users.push(...(rows as User[]));
      return;
    }
    if (kind === 'posts') this.addPosts(rows as Post[]);
    else for (const u of rows as User[]) this.addUser(u);
  }

  /** Builds the index from the store once (concurrent callers share the build). */
  ready(): Promise<void> {
    this.building ??= this.build();
    return this.building;
  }

  /** Vector index size and the bytes of its vector copy (the benchmark measures the graph). */
  stats(): { posts: number; vectors: number; vectorBytes: number } {
    return { posts: this.meta.length, vectors: this.index?.size ?? 0, vectorBytes: this.index?.vectorBytes ?? 0 };
  }

  async search(request: SearchRequest): Promise<SearchItem[]> {
    const q = request.q;
    if (q.trim() === '') throw createError('INVALID_INPUT', { field: 'q', problem: 'must not be empty' });
    const parsed = parseQuery(q);
    await this.ready();
    const k = request.limit ?? 20;
    const type = request.type ?? 'posts';
    if (type === 'users') return this.searchUsers(parsed, k, request.user);
    if (type === 'hashtags') return this.searchHashtags(parsed, k);
    return this.searchPosts(q, parsed, k, request.user, request.fusion ?? DEFAULT_FUSION);
  }

  private async build(): Promise<void> {
    const posts: Post[] = [];
    for await (const u of this.store.scanUsers()) this.addUser(u);
    for await (const p of this.store.scanPosts()) posts.push(p);
    const texts: string[] = [];
    for (const p of posts) if (this.remember(p) !== undefined) texts.push(p.text ?? '');
    if (posts.length >= (this.options.minPostsForVectors ?? 50)) {
      const trained = await DocEmbedder.train(texts, { seed: this.options.seed ?? 42 });
      if (trained) {
        this.embedder = trained.embedder;
        this.index = new VectorIndex(trained.embedder.dim);
        this.index.addMany(texts.map((_, i) => i), trained.vectors);
      }
    }
    const pending = this.pending!;
    this.pending = null;
    for (const u of pending.users) this.addUser(u);
    this.addPosts(pending.posts);
  }

  private addUser(u: User): void {
    const prev = this.users.get(u.id);
    this.users.set(u.id, { ...(u.name !== undefined ? { name: u.name } : prev?.name !== undefined ? { name: prev.name } : {}), posts: prev?.posts ?? 0 });
  }

  /** Records a post's metadata; its slot, or undefined when it was known (a repeated write). */
  private remember(p: Post): number | undefined {
    if (this.slots.has(p.id)) return undefined;
    const slot = this.meta.length;
    this.slots.set(p.id, slot);
    this.meta.push({ id: p.id, author: p.author, createdAt: p.created_at, ...(p.lang ? { lang: p.lang.toLowerCase() } : {}) });
    const own = this.byAuthor.get(p.author) ?? [];
    own.push(slot);
    this.byAuthor.set(p.author, own);
    for (const t of p.tags ?? []) this.tags.set(t.toLowerCase(), (this.tags.get(t.toLowerCase()) ?? 0) + 1);
    const user = this.users.get(p.author) ?? { posts: 0 };
    this.users.set(p.author, { ...user, posts: user.posts + 1 });
    return slot;
  }

  private addPosts(posts: readonly Post[]): void {
    for (const p of posts) {
      const slot = this.remember(p);
      if (slot === undefined || !this.embedder || !this.index) continue;
      const v = this.embedder.embed(p.text ?? '');
      if (v) this.index.add(slot, v);
    }
  }

  private async searchPosts(q: string, parsed: ParsedQuery, k: number, user: string | undefined, fusion: Fusion): Promise<PostHit[]> {
    if (parsed.from !== undefined && !this.users.has(parsed.from)) return [];
    // The store tokenizes the text itself (scripts without spaces stay whole); hashtags also by their words.
    const words = [queryText(q), ...parsed.hashtags.flatMap((t) => splitHashtag(t))].join(' ');
    const passesMeta = (m: PostMeta): boolean =>
      (parsed.from === undefined || m.author === parsed.from) && (parsed.since === undefined || m.createdAt >= parsed.since) &&
      (parsed.until === undefined || m.createdAt < parsed.until) && (parsed.lang === undefined || m.lang === parsed.lang);
    const passesText = textFilter(parsed);
    const want = Math.max(k, DEPTH);
    // Lexical: deepen until `want` posts pass or the store has no more matches.
    const lexicalPosts: Post[] = [];
    if (words.trim() !== '') {
      for (let limit = want; ; limit *= 4) {
        const hits = await this.store.searchPosts(words, limit);
        lexicalPosts.length = 0;
        for (const h of hits) {
          const slot = this.slots.get(h.post.id);
          if (slot !== undefined && passesMeta(this.meta[slot]!) && passesText(h.post)) lexicalPosts.push(Object.assign(h.post, { score: h.score }));
        }
        if (lexicalPosts.length >= want || hits.length < limit) break;
      }
    }
    const posts = new Map(lexicalPosts.map((p) => [p.id, p]));
    const lexical: Scored[] = lexicalPosts.map((p) => ({ id: this.slots.get(p.id)!, score: (p as Post & { score: number }).score }));
    let fused: Scored[] = lexical;
    let qv: Float32Array | null = null;
    if (this.embedder && this.index && !parsed.phrases) {
      qv = feedbackQuery(this.index, this.embedder.embed(words), lexical.slice(0, DEFAULT_FEEDBACK).map((h) => h.id), 1);
      if (qv) {
        const index = this.index;
        const candidates = parsed.from !== undefined ? this.byAuthor.get(parsed.from) ?? [] : undefined;
        // Negated words are checked on the hydrated text: ask for more so the cut still has k.
        const depth = parsed.excluded ? want * 2 : want;
        const vector = index.search(qv, depth, { accept: (s) => passesMeta(this.meta[s]!), ...(candidates ? { candidates } : {}) }).map((h) => ({ id: h.slot, score: h.score }));
        const query = qv;
        fused = fusion === 'rrf' ? reciprocalRankFusion([lexical, vector], RRF_K, [1, DEFAULT_VECTOR_WEIGHT]) : calibratedBlend(lexical, vector, (s) => index.score(s, query), this.options.calibration ?? UNCALIBRATED_BLEND);
      }
    }
    if (user !== undefined) fused = await this.personalize(fused, user);
    // Hydrate what the lexical search did not return; drop posts gone since (erased), taken down, or failing the text filter.
    const head = fused.slice(0, want);
    const missing = head.map((h) => this.meta[h.id]!.id).filter((id) => !posts.has(id));
    const [stored, takenDown] = await Promise.all([this.store.getPosts(missing), this.store.takenDown(head.map((h) => this.meta[h.id]!.id))]);
    for (const p of stored) posts.set(p.id, p);
    const out: PostHit[] = [];
    for (const h of head) {
      const p = posts.get(this.meta[h.id]!.id);
      if (!p || takenDown.has(p.id) || !passesText(p) || this.options.hidden?.(p.author)) continue;
      const { score: _lexical, ...post } = p as Post & { score?: number };
      out.push({ post, score: h.score });
      if (out.length === k) break;
    }
    return out;
  }

  /** Fused scores scaled to [0, 1], plus the cosine to the user's centroid and the follow boost. */
  private async personalize(fused: Scored[], user: string): Promise<Scored[]> {
    if (fused.length === 0) return fused;
    const ids = fused.map((h) => this.meta[h.id]!.id);
    const [following, interest] = await Promise.all([this.store.following(user), this.options.interest?.(user, ids)]);
    const followed = new Set(following);
    if (interest) {
      const top = fused[0]!.score;
      return fused
        .map((h) => ({ id: h.id, score: (top > 0 ? h.score / top : 0) + PERSONAL_WEIGHT * Math.max(0, interest.get(this.meta[h.id]!.id) ?? 0) + (followed.has(this.meta[h.id]!.author) ? FOLLOW_BOOST : 0) }))
        .sort((a, b) => b.score - a.score || a.id - b.id);
    }
    const events = await this.store.userEvents(user, { limit: HISTORY });
    let centroid: Float32Array | null = null;
    if (this.index) {
      const own = this.byAuthor.get(user) ?? [];
      const engaged = events.map((e) => (e.post !== undefined ? this.slots.get(e.post) : undefined)).filter((s): s is number => s !== undefined);
      const c = new Float32Array(this.index.dim);
      let n = 0;
      for (const s of [...own.slice(-HISTORY), ...engaged]) if (this.index.addTo(s, c)) n++;
      if (n > 0 && normalise(c)) centroid = c;
    }
    const top = fused[0]!.score;
    const index = this.index;
    return fused
      .map((h) => ({
        id: h.id,
        score: (top > 0 ? h.score / top : 0) + (centroid && index ? PERSONAL_WEIGHT * Math.max(0, index.score(h.id, centroid)) : 0) + (followed.has(this.meta[h.id]!.author) ? FOLLOW_BOOST : 0),
      }))
      .sort((a, b) => b.score - a.score || a.id - b.id);
  }

  private async searchUsers(parsed: ParsedQuery, k: number, viewer: string | undefined): Promise<UserHit[]> {
    const needles = [...parsed.mentions, ...parsed.terms, ...(parsed.from !== undefined ? [parsed.from.toLowerCase()] : [])].filter((w) => w.length > 0);
    if (needles.length === 0) return [];
    const followed = viewer !== undefined ? new Set(await this.store.following(viewer)) : new Set<string>();
    const hits: UserHit[] = [];
    for (const [id, u] of this.users) {
      const s = Math.max(nameMatch(id, needles), u.name !== undefined ? nameMatch(u.name, needles) : 0);
      if (s === 0 || id === viewer || this.options.hidden?.(id)) continue;
      hits.push({ user: { id, ...(u.name !== undefined ? { name: u.name } : {}) }, score: s + Math.log1p(u.posts) / 100 + (followed.has(id) ? FOLLOW_BOOST : 0), posts: u.posts });
    }
    return hits.sort((a, b) => b.score - a.score || (a.user.id < b.user.id ? -1 : 1)).slice(0, k);
  }

  private searchHashtags(parsed: ParsedQuery, k: number): HashtagHit[] {
    const needles = [...parsed.hashtags, ...parsed.terms, parsed.terms.join('')].filter((w) => w.length > 0);
    if (needles.length === 0) return [];
    const hits: HashtagHit[] = [];
    for (const [tag, posts] of this.tags) {
      const s = nameMatch(tag, needles);
      if (s > 0) hits.push({ tag, score: s + Math.log1p(posts) / 100, posts });
    }
    return hits.sort((a, b) => b.score - a.score || (a.tag < b.tag ? -1 : 1)).slice(0, k);
  }
}

/** 3 for an exact match of a needle (case-insensitive), 2 for a prefix, 1 for a substring, else 0. */
function nameMatch(name: string, needles: readonly string[]): number {
  const n = name.toLowerCase();
  let best = 0;
  for (const w of needles) best = Math.max(best, n === w ? 3 : n.startsWith(w) ? 2 : n.includes(w) ? 1 : 0);
  return best;
}

/** A post passes when it holds every phrase and none of the negated words, tags or phrases (case-insensitive). */
function textFilter(parsed: ParsedQuery): (p: Post) => boolean {
  const phrases = parsed.phrases ?? [], excluded = parsed.excluded ?? [];
  if (phrases.length === 0 && excluded.length === 0) return () => true;
  return (p) => {
    const words = ` ${(p.text ?? '').toLowerCase().match(/[\p{L}\p{N}_#']+/gu)?.join(' ') ?? ''} ${(p.tags ?? []).map((t) => `#${t.toLowerCase()}`).join(' ')} `;
    return phrases.every((ph) => words.includes(` ${ph} `)) && !excluded.some((w) => words.includes(` ${w} `));
  };
}
