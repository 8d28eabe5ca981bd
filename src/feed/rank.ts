/**
 * @module One ranking of a user's feed: candidate sources → filters (seen, own, hidden, reported, taken down, muted
 * and blocked authors, muted words, moderation, languages the user does not read under `feed.languages` filter) →
 * blended score × freshness (× the moderation down-rank, × the language weight under prefer) → second-stage re-rank
 * of the head → × the user's negative-feedback damping (safety.ts) →
 * diversity re-ranking (author decay, MMR or DPP, topic cap, new-author slot; diversity.ts) → pages under the author cap, with one position in
 * `feed.exploration.every` filled by the exploration policy (`Explorer`). Falls back to trending when no source
 * has anything for the user (cold start, or everything filtered out).
 */
import { attribute, type ScoreParts } from './attribution.js';
import { blend, freshness } from './blend.js';
import { isExcluded, loadExclusions } from './exclusions.js';
import { languageAllowed, languageWeight, loadLanguagePreference, type LanguagePreference } from './languages.js';
import { diversify } from './diversity.js';
import { newAuthorTest } from './new-authors.js';
import { explain, type ExplainContext } from './explain.js';
import { pagesWithExploration } from './exploration.js';
import { userContext } from './exploration-context.js';
import type { Explorer } from './explorer.js';
import { loadPostInfo } from './post-info.js';
import { moderationActive, moderationFactors, offensiveProbabilities, type FeedModeration } from './moderation.js';
import { dampingOf, hidesPost, negativeProfile, type NegativeProfile, type SafetyRules } from './safety.js';
import { byScore, cascade, secondStageParts, secondStageScores, type CascadeTrace, type SecondStage } from './second-stage.js';
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
  /**
   * Give the items at these positions of the list (`from` inclusive, `to` exclusive) their `attribution`: the
   * Shapley contributions of sources, freshness, moderation and ranker heads.
   */
  attribute?: { from: number; to: number };
  /** Moderation thresholds on the posts' stored offensive probability (none when absent). */
  moderation?: FeedModeration;
  /** The user's mutes, blocks, muted words (filters) and negative feedback (damping); none when absent. */
  safety?: SafetyRules;
}

type Ranked = FeedItem & { author: string; sourceScores: Record<string, number>; tags: readonly string[]; ageMs: number; parts?: ScoreParts };

interface SourceLists {
  lists: { name: string; weight: number; candidates: Candidate[] }[];
  infos: Map<string, PostInfo>;
  /** Score multipliers of moderated posts (posts hidden from this user are already gone). */
  moderation: Map<string, number>;
  languages: LanguagePreference | undefined;
}

/** The moderation multipliers of the candidates, and the lists without the posts hidden from this user. */
async function moderate(input: RankInput, lists: SourceLists['lists'], infos: Map<string, PostInfo>): Promise<{ lists: SourceLists['lists']; factors: Map<string, number> }> {
  const m = input.moderation;
  if (!moderationActive(m)) return { lists, factors: new Map() };
  const probs = await offensiveProbabilities(input.ctx.store, [...new Set(lists.flatMap((l) => l.candidates.map((c) => c.postId)))]);
  const following = probs.size > 0 && m.hideFromNonFollowersAbove !== undefined ? new Set(await (input.ctx.reads?.following() ?? input.ctx.store.following(input.ctx.userId))) : new Set<string>();
  const factors = moderationFactors(m, probs, (id) => infos.get(id)?.author, (a) => following.has(a));
  return { lists: lists.map((l) => ({ ...l, candidates: l.candidates.filter((c) => factors.get(c.postId) !== 0) })), factors };
}

async function gatherCandidates(input: RankInput): Promise<SourceLists> {
  const { ctx, sources } = input;
  const [exclusions, languages, ...results] = await Promise.all([
    loadExclusions(ctx.store, ctx.dataset, ctx.userId, ctx.asOf, ctx.reads),
    loadLanguagePreference(ctx.store, ctx.userId, ctx.config.languages),
    ...sources.map(({ source }) => source.candidates(ctx)),
  ]);
  let lists = sources.map(({ source, weight }, s) => ({ name: source.name, weight, candidates: results[s]! }));
  const ids = [...new Set(lists.flatMap((l) => l.candidates.map((c) => c.postId)))];
  const [infos, takenDown] = await Promise.all([loadPostInfo(ctx.store, ctx.dataset, ids), ctx.store.takenDown(ids)]);
  const rules = input.safety;
  const keep = (c: Candidate): boolean => {
    const p = infos.get(c.postId);
    return p !== undefined && !isExcluded(exclusions, p) && !input.hiddenAuthor?.(p.author) && !takenDown.has(p.id) && !(rules && hidesPost(rules, p)) && languageAllowed(languages, p.lang);
  };
  lists = lists.map((l) => ({ ...l, candidates: l.candidates.filter(keep) }));
  if (lists.every((l) => l.candidates.length === 0) && input.trending) {
    const fallback = await trendingSource(input.trending).candidates(ctx);
    for (const [id, info] of await loadPostInfo(ctx.store, ctx.dataset, fallback.map((c) => c.postId))) infos.set(id, info);
    for (const id of await ctx.store.takenDown(fallback.map((c) => c.postId))) takenDown.add(id);
    lists = [{ name: input.trending, weight: 1, candidates: fallback.filter(keep) }];
  }
  const moderated = await moderate(input, lists, infos);
  return { lists: moderated.lists, infos, moderation: moderated.factors, languages };
}

/** The user's negative profile, its posts looked up with one read at most. */
async function damping(input: RankInput): Promise<NegativeProfile | undefined> {
  const rules = input.safety;
  if (!rules || rules.negativePosts.length === 0) return undefined;
  const posts = await loadPostInfo(input.ctx.store, input.ctx.dataset, [...new Set(rules.negativePosts.map((n) => n.post))]);
  return negativeProfile(rules, (id) => posts.get(id));
}

/** The user's ranked list, cut into pages under the author cap. */
export async function rankFeed(input: RankInput): Promise<FeedItem[][]> {
  const { ctx } = input;
  const [{ lists, infos, moderation, languages }, profile] = await Promise.all([gatherCandidates(input), damping(input)]);
  const ex = input.explainContext(infos);
  const explainItem = input.explain ?? explain;
  const weights = new Map(lists.map((l) => [l.name, l.weight]));
  const items: Ranked[] = blend(lists).map((b) => {
    const post = infos.get(b.postId)!;
    const ageMs = ctx.scoreTime - post.createdAt;
    const fresh = freshness(ageMs, ctx.config.freshnessHalfLifeHours);
    const moderated = moderation.get(b.postId) ?? 1;
    const language = languageWeight(languages, post.lang);
    const factors: Record<string, number> = { freshness: fresh };
    if (moderated !== 1) factors.moderation = moderated;
    if (language !== 1) factors.language = language;
    const parts: ScoreParts | undefined = input.attribute
      ? { sources: Object.fromEntries(Object.entries(b.sourceScores).map(([name, norm]) => [name, weights.get(name)! * norm])), factors }
      : undefined;
    return {
      ...(parts ? { parts } : {}),
      postId: b.postId,
      score: b.score * fresh * moderated * language,
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
    // With attributions, the ranker is asked once for its parts (one column per head), whose sum is its score.
    let heads: Record<string, Float32Array> | undefined;
    const trace = cascade(items, ctx.config.rerankTop, ctx.config.rankerWeight, (ids) => {
      if (!input.attribute || !stage.scoreParts) return secondStageScores(stage, ctx.userIndex, itemIndex, ids);
      heads = secondStageParts(stage as Required<SecondStage>, ctx.userIndex, itemIndex, ids);
      return sumColumns(Object.values(heads), ids.length);
    });
    if (input.attribute) recordRerank(items, trace, heads);
  }
  // Negative feedback last, so the second stage cannot undo it.
  if (profile) {
    for (const it of items) {
      const d = dampingOf(profile, infos.get(it.postId)!, it.sources);
      it.score *= d;
      if (it.parts && d !== 1) it.parts.finalFactors = { 'negative-feedback': d };
    }
    items.sort(byScore);
  }
  // The author decay multiplies the final score, so it is a final factor of the attribution; MMR only reorders
  // (scores unchanged) and needs none.
  const diversity = ctx.config.diversity;
  const decayed = diversify(items, diversity, {
    pageSize: input.pageSize,
    isNewAuthor: diversity.newAuthorSlot > 0 ? newAuthorTest(ctx.dataset, diversity.newAuthorMaxPosts) : () => false,
  });
  if (input.attribute && decayed.size > 0) {
    for (const it of items) {
      const f = decayed.get(it.postId);
      if (f !== undefined && it.parts) it.parts.finalFactors = { ...it.parts.finalFactors, 'author-diversity': f };
    }
  }
  const explorer = input.explorer;
  const pages = pagesWithExploration(items, {
    pageSize: input.pageSize,
    cap: ctx.config.authorCap,
    every: explorer?.every ?? 0,
    authorOf: (i) => i.author,
    pick: explorer ? explorer.picker<Ranked>(() => userContext(ctx.dataset, ctx.userIndex), ctx.config.freshnessHalfLifeHours) : () => undefined,
  });
  let position = 0;
  const attributed = (at: number): boolean => input.attribute !== undefined && at >= input.attribute.from && at < input.attribute.to;
  return pages.map((page) => page.map(({ author: _author, sourceScores: _scores, tags: _tags, ageMs: _age, parts, ...item }) => (attributed(position++) && parts ? { ...item, attribution: attribute(parts) } : item)));
}

/**
 * Completes the score parts after the second stage: the affine map of a re-ranked post's first-stage score and
 * the scaled part of each ranker head (`heads`, aligned with the re-ranked posts; absent: the ranker's score as
 * one part), a head's mean over the scored posts standing in where the ranker could not score a post; or the
 * tail's scale.
 */
function recordRerank(items: Ranked[], trace: CascadeTrace, heads: Record<string, Float32Array> | undefined): void {
  const headIds = [...trace.head.keys()];
  const byId = new Map(items.map((it) => [it.postId, it.parts!]));
  const inHead = new Set(headIds);
  for (const it of items) if (!inHead.has(it.postId)) it.parts!.tailScale = trace.tailScale;
  const scale = trace.scale;
  if (!scale) return;
  const columns = heads ?? { score: Float32Array.from(headIds, (id) => trace.head.get(id)!) };
  const means = Object.fromEntries(Object.entries(columns).map(([name, v]) => [name, meanOfFinite(v, scale.rankerMean)]));
  const scaled = (value: (name: string) => number): Record<string, number> => Object.fromEntries(Object.keys(columns).map((name) => [name, scale.rankerSlope * value(name)]));
  const headBaselines = scaled((name) => means[name]!);
  headIds.forEach((id, k) => {
    byId.get(id)!.rerank = {
      a: scale.a,
      b: scale.b + scale.rankerOffset,
      heads: scaled((name) => (Number.isFinite(columns[name]![k]!) ? columns[name]![k]! : means[name]!)),
      headBaselines,
    };
  });
}

/** Summed in double precision, so the attributions (summed alike) add up to the score exactly. */
function sumColumns(columns: readonly Float32Array[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (const c of columns) for (let k = 0; k < n; k++) out[k]! += c[k]!;
  return out;
}

function meanOfFinite(v: Float32Array, fallback: number): number {
  let sum = 0, n = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) continue;
    sum += x;
    n++;
  }
  return n > 0 ? sum / n : fallback;
}
