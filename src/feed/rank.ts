/**
 * @module One ranking of a user's feed: candidate sources → filters (seen, own, hidden, reported, languages the
 * user does not read under `feed.languages` filter) → blended score × freshness (× the language weight under prefer) → second-stage re-rank of the head → pages under the author cap, with one position in
 * `feed.exploration.every` filled by the exploration policy (`Explorer`). Falls back to trending when no source
 * has anything for the user (cold start, or everything filtered out).
 */
import { blend, freshness } from './blend.js';
import { isExcluded, loadExclusions } from './exclusions.js';
import { languageAllowed, languageWeight, loadLanguagePreference, type LanguagePreference } from './languages.js';
import { explain, type ExplainContext } from './explain.js';
import { pagesWithExploration } from './exploration.js';
import { userContext } from './exploration-context.js';
import type { Explorer } from './explorer.js';
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
  /** Fills the exploration slots (none when absent or its `every` is 0). */
  explorer?: Explorer;
}

type Ranked = FeedItem & { author: string; sourceScores: Record<string, number>; tags: readonly string[]; ageMs: number };

interface SourceLists {
  lists: { name: string; weight: number; candidates: Candidate[] }[];
  infos: Map<string, PostInfo>;
  languages: LanguagePreference | undefined;
}

async function gatherCandidates(input: RankInput): Promise<SourceLists> {
  const { ctx, sources } = input;
  const [exclusions, languages, ...results] = await Promise.all([
    loadExclusions(ctx.store, ctx.dataset, ctx.userId, ctx.asOf, ctx.reads),
    loadLanguagePreference(ctx.store, ctx.userId, ctx.config.languages),
    ...sources.map(({ source }) => source.candidates(ctx)),
  ]);
  let lists = sources.map(({ source, weight }, s) => ({ name: source.name, weight, candidates: results[s]! }));
  const infos = await loadPostInfo(ctx.store, ctx.dataset, [...new Set(lists.flatMap((l) => l.candidates.map((c) => c.postId)))]);
  const keep = (c: Candidate): boolean => {
    const p = infos.get(c.postId);
    return p !== undefined && !isExcluded(exclusions, p) && !input.hiddenAuthor?.(p.author) && languageAllowed(languages, p.lang);
  };
  lists = lists.map((l) => ({ ...l, candidates: l.candidates.filter(keep) }));
  if (lists.every((l) => l.candidates.length === 0) && input.trending) {
    const fallback = await trendingSource(input.trending).candidates(ctx);
    for (const [id, info] of await loadPostInfo(ctx.store, ctx.dataset, fallback.map((c) => c.postId))) infos.set(id, info);
    lists = [{ name: input.trending, weight: 1, candidates: fallback.filter(keep) }];
  }
  return { lists, infos, languages };
}

/** The user's ranked list, cut into pages under the author cap. */
export async function rankFeed(input: RankInput): Promise<FeedItem[][]> {
  const { ctx } = input;
  const { lists, infos, languages } = await gatherCandidates(input);
  const ex = input.explainContext(infos);
  const explainItem = input.explain ?? explain;
  const items: Ranked[] = blend(lists).map((b) => {
    const post = infos.get(b.postId)!;
    const ageMs = ctx.scoreTime - post.createdAt;
    return {
      postId: b.postId,
      score: b.score * freshness(ageMs, ctx.config.freshnessHalfLifeHours) * languageWeight(languages, post.lang),
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
    cascade(items, ctx.config.rerankTop, ctx.config.rankerWeight, (ids) => secondStageScores(stage, ctx.userIndex, itemIndex, ids));
  }
  const explorer = input.explorer;
  const pages = pagesWithExploration(items, {
    pageSize: input.pageSize,
    cap: ctx.config.authorCap,
    every: explorer?.every ?? 0,
    authorOf: (i) => i.author,
    pick: explorer ? explorer.picker<Ranked>(() => userContext(ctx.dataset, ctx.userIndex), ctx.config.freshnessHalfLifeHours) : () => undefined,
  });
  return pages.map((page) => page.map(({ author: _author, sourceScores: _scores, tags: _tags, ageMs: _age, ...item }) => item));
}
