/**
 * @module One ranking of a user's feed: candidate sources → filters (seen, own, hidden, reported) → blended
 * score × freshness → second-stage re-rank of the head → author cap → pages, with the first page's
 * exploration slots given to new posts (`explore` candidates) the blend left off it. Falls back to trending
 * when no source has anything for the user (cold start, or everything filtered out).
 */
import { blend, freshness } from './blend.js';
import { isExcluded, loadExclusions } from './exclusions.js';
import { explain, type ExplainContext } from './explain.js';
import { explorationSlots, pagesWithExploration } from './exploration.js';
import { loadPostInfo } from './post-info.js';
import { byScore, cascade, secondStageScores, type SecondStage } from './second-stage.js';
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
}

type Ranked = FeedItem & { author: string; explore: boolean };

interface SourceLists {
  lists: { name: string; weight: number; candidates: Candidate[] }[];
  infos: Map<string, PostInfo>;
  /** Posts some source marked `explore`. */
  explore: Set<string>;
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
  const explore = new Set(lists.flatMap((l) => l.candidates.filter((c) => c.explore).map((c) => c.postId)));
  return { lists, infos, explore };
}

/** The user's ranked list, cut into pages under the author cap. */
export async function rankFeed(input: RankInput): Promise<FeedItem[][]> {
  const { ctx } = input;
  const { lists, infos, explore } = await gatherCandidates(input);
  const ex = input.explainContext(infos);
  const explainItem = input.explain ?? explain;
  const items: Ranked[] = blend(lists).map((b) => {
    const post = infos.get(b.postId)!;
    return {
      postId: b.postId,
      score: b.score * freshness(ctx.scoreTime - post.createdAt, ctx.config.freshnessHalfLifeHours),
      source: b.sources[0]!,
      sources: b.sources,
      explanation: explainItem(b.reason, post, ex),
      author: post.author,
      explore: explore.has(b.postId),
    };
  });
  items.sort(byScore);
  const stage = input.secondStage;
  if (stage && ctx.config.rankerWeight > 0) {
    const itemIndex = (id: string): number => ctx.dataset.items.index(id);
    cascade(items, ctx.config.rerankTop, ctx.config.rankerWeight, (ids) => secondStageScores(stage, ctx.userIndex, itemIndex, ids));
  }
  const pages = pagesWithExploration(items, {
    pageSize: input.pageSize,
    cap: ctx.config.authorCap,
    slots: explorationSlots(input.pageSize, ctx.config),
    authorOf: (i) => i.author,
    explore: (i) => i.explore,
  });
  return pages.map((page) => page.map(({ author: _author, explore: _explore, ...item }) => item));
}
