/**
 * @module One ranking of a user's feed: candidate sources → filters (seen, own, hidden, reported) → blended
 * score × freshness → second-stage re-rank of the head → pages under the author cap, with one position in
 * `feed.exploration.every` filled by the exploration policy (`Explorer`). Falls back to trending when no source
 * has anything for the user (cold start, or everything filtered out).
 */
import { attribute, type ScoreParts } from './attribution.js';
import { blend, freshness } from './blend.js';
import { isExcluded, loadExclusions } from './exclusions.js';
import { explain, type ExplainContext } from './explain.js';
import { pagesWithExploration } from './exploration.js';
import { userContext } from './exploration-context.js';
import type { Explorer } from './explorer.js';
import { loadPostInfo } from './post-info.js';
import { byScore, cascade, secondStageScores, type CascadeTrace, type SecondStage } from './second-stage.js';
import { trendingSource } from './sources/trending-source.js';
import type { Candidate, CandidateSource, FeedItem, PostInfo, Reason, SourceContext } from './types.js';

export interface RankInput {
  ctx: SourceContext;
  sources: readonly { source: CandidateSource; weight: number }[];
  /** Name of the trending model for the cold-start fallback. */
  trending: string | undefined;
  secondStage: SecondStage | undefined;
  explainContext(infos: Map<string, PostInfo>): ExplainContext;
  /** The explanation of a post (default `explain`); the feed passes one that remembers snapshot posts' sentences. */
  explain?: (reason: Reason, post: PostInfo, ex: ExplainContext) => string;
  pageSize: number;
  /** Authors whose posts never appear (erased users whose posts the snapshot still holds). */
  hiddenAuthor?: (author: string) => boolean;
  /** Fills the exploration slots (none when absent or its `every` is 0). */
  explorer?: Explorer;
  /** Give every item its `attribution` (Shapley contributions of sources, freshness and ranker heads). */
  attribute?: boolean;
}

type Ranked = FeedItem & { author: string; sourceScores: Record<string, number>; tags: readonly string[]; ageMs: number; parts?: ScoreParts };

interface SourceLists {
  lists: { name: string; weight: number; candidates: Candidate[] }[];
  infos: Map<string, PostInfo>;
}

async function gatherCandidates(input: RankInput): Promise<SourceLists> {
  const { ctx, sources } = input;
  const [exclusions, ...results] = await Promise.all([loadExclusions(ctx.store, ctx.dataset, ctx.userId, ctx.asOf, ctx.reads), ...sources.map(({ source }) => source.candidates(ctx))]);
  let lists = sources.map(({ source, weight }, s) => ({ name: source.name, weight, candidates: results[s]! }));
  const infos = await loadPostInfo(ctx.store, ctx.dataset, [...new Set(lists.flatMap((l) => l.candidates.map((c) => c.postId)))]);
  const keep = (c: Candidate): boolean => {
    const p = infos.get(c.postId);
    return p !== undefined && !isExcluded(exclusions, p) && !input.hiddenAuthor?.(p.author);
  };
  lists = lists.map((l) => ({ ...l, candidates: l.candidates.filter(keep) }));
  if (lists.every((l) => l.candidates.length === 0) && input.trending) {
    const fallback = await trendingSource(input.trending).candidates(ctx);
    for (const [id, info] of await loadPostInfo(ctx.store, ctx.dataset, fallback.map((c) => c.postId))) infos.set(id, info);
    lists = [{ name: input.trending, weight: 1, candidates: fallback.filter(keep) }];
  }
  return { lists, infos };
}

/** The user's ranked list, cut into pages under the author cap. */
export async function rankFeed(input: RankInput): Promise<FeedItem[][]> {
  const { ctx } = input;
  const { lists, infos } = await gatherCandidates(input);
  const ex = input.explainContext(infos);
  const explainItem = input.explain ?? explain;
  const weights = new Map(lists.map((l) => [l.name, l.weight]));
  const items: Ranked[] = blend(lists).map((b) => {
    const post = infos.get(b.postId)!;
    const ageMs = ctx.scoreTime - post.createdAt;
    const fresh = freshness(ageMs, ctx.config.freshnessHalfLifeHours);
    const parts: ScoreParts | undefined = input.attribute
      ? { sources: Object.fromEntries(Object.entries(b.sourceScores).map(([name, norm]) => [name, weights.get(name)! * norm])), factors: { freshness: fresh } }
      : undefined;
    return {
      ...(parts ? { parts } : {}),
      postId: b.postId,
      score: b.score * fresh,
      source: b.sources[0]!,
      sources: b.sources,
      explanation: explainItem(b.reason, post, ex),
      author: post.author,
      sourceScores: b.sourceScores,
      tags: post.tags,
      ageMs,
    };
  });
  items.sort(byScore);
  const stage = input.secondStage;
  if (stage && ctx.config.rankerWeight > 0) {
    const itemIndex = (id: string): number => ctx.dataset.items.index(id);
    const trace = cascade(items, ctx.config.rerankTop, ctx.config.rankerWeight, (ids) => secondStageScores(stage, ctx.userIndex, itemIndex, ids));
    if (input.attribute) recordRerank(items, trace, stage, ctx.userIndex, itemIndex);
  }
  const explorer = input.explorer;
  const pages = pagesWithExploration(items, {
    pageSize: input.pageSize,
    cap: ctx.config.authorCap,
    every: explorer?.every ?? 0,
    authorOf: (i) => i.author,
    pick: explorer ? explorer.picker<Ranked>(() => userContext(ctx.dataset, ctx.userIndex), ctx.config.freshnessHalfLifeHours) : () => undefined,
  });
  return pages.map((page) => page.map(({ author: _author, sourceScores: _scores, tags: _tags, ageMs: _age, parts, ...item }) => (parts ? { ...item, attribution: attribute(parts) } : item)));
}

/**
 * Completes the score parts after the second stage: the affine map of a re-ranked post's first-stage score and
 * the scaled part of each ranker head (its mean over the head when the ranker cannot score the post), or the
 * tail's scale.
 */
function recordRerank(items: Ranked[], trace: CascadeTrace, stage: SecondStage, userIndex: number, itemIndex: (postId: string) => number): void {
  const headIds = [...trace.head.keys()];
  const byId = new Map(items.map((it) => [it.postId, it.parts!]));
  const inHead = new Set(headIds);
  for (const it of items) if (!inHead.has(it.postId)) it.parts!.tailScale = trace.tailScale;
  const scale = trace.scale;
  if (!scale) return;
  const heads = stage.scoreParts ? headParts(stage, userIndex, itemIndex, headIds) : undefined;
  const scaled = (record: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(record).map(([name, v]) => [name, scale.rankerSlope * v]));
  headIds.forEach((id, k) => {
    const rerank = { a: scale.a, b: scale.b + scale.rankerOffset };
    byId.get(id)!.rerank = heads
      ? { ...rerank, heads: scaled(heads.at(k)), headBaselines: scaled(heads.means) }
      : { ...rerank, heads: scaled({ score: trace.head.get(id)! }), headBaselines: scaled({ score: scale.rankerMean }) };
  });
}

/** Each ranker head's part of the score per head post (its mean over the scored posts where the ranker cannot score one). */
function headParts(stage: SecondStage, userIndex: number, itemIndex: (postId: string) => number, ids: readonly string[]): { at(k: number): Record<string, number>; means: Record<string, number> } {
  const items = ids.map(itemIndex);
  const scored = (item: number): boolean => item >= 0 && userIndex >= 0;
  const rows = items.filter(scored).map((item) => ({ user: userIndex, item }));
  const raw = rows.length > 0 ? stage.scoreParts!(rows) : {};
  const means = Object.fromEntries(Object.entries(raw).map(([name, v]) => [name, v.reduce((s, x) => s + x, 0) / v.length]));
  const rowOf = new Map<number, number>();
  items.forEach((item, k) => scored(item) && rowOf.set(k, rowOf.size));
  return {
    at: (k) => {
      const row = rowOf.get(k);
      return row === undefined ? means : Object.fromEntries(Object.entries(raw).map(([name, v]) => [name, v[row]!]));
    },
    means,
  };
}
