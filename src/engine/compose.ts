/**
 * @module Help for writing a post as served: the hashtags of the serving snapshot's suggester, and completions from
 * its compose language model (trained in the background) with the request's sampling settings, the configured
 * blocklist and the moderation classifier as a filter. When no completion can be given, `completionsUnavailable`
 * says why in plain words (still training, turned off, failed, or every sample filtered), never a silent empty list.
 */
import { completeDraft, suggesterFor, type Completion, type HashtagSuggestion, type OffensiveFilter } from '../compose/index.js';
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { Dataset } from '../data/dataset.js';
import type { BackgroundModels } from './background-models.js';
import type { ModerationScorer } from './moderation.js';

export interface ComposeRequest {
  author?: string;
  /** Hashtags wanted (1..50, default 5). */
  limit?: number;
  /** Completions wanted (0..10, default `compose.completions`). */
  completions?: number;
  /** 0..2 (0: greedy), default `compose.temperature`. */
  temperature?: number;
  /** (0, 1], default `compose.topP`. */
  topP?: number;
  /** Most words per completion (1..40), default `compose.maxTokens`. */
  maxTokens?: number;
}

export interface ComposeSuggestions {
  hashtags: HashtagSuggestion[];
  completions: Completion[];
  /** Why `completions` is empty although completions were asked for. */
  completionsUnavailable?: string;
}

function checkRange(field: string, v: number, lo: number, hi: number, o: { integer?: boolean; openLow?: boolean } = {}): number {
  const ok = Number.isFinite(v) && (o.openLow ? v > lo : v >= lo) && v <= hi && (!o.integer || Number.isInteger(v));
  if (!ok) throw createError('INVALID_INPUT', { field, problem: `expected ${o.integer ? 'an integer' : 'a number'} ${o.openLow ? `above ${lo}` : `from ${lo}`} to ${hi}, got ${v}` });
  return v;
}

/** The request's settings, checked, with the configured defaults. */
export function composeSettings(r: ComposeRequest, c: ResonateConfig['compose']): { limit: number; n: number; temperature: number; topP: number; maxTokens: number } {
  return {
    limit: checkRange('limit', r.limit ?? 5, 1, 50, { integer: true }),
    n: checkRange('completions', r.completions ?? c.completions, 0, 10, { integer: true }),
    temperature: checkRange('temperature', r.temperature ?? c.temperature, 0, 2),
    topP: checkRange('topP', r.topP ?? c.topP, 0, 1, { openLow: true }),
    maxTokens: checkRange('maxTokens', r.maxTokens ?? c.maxTokens, 1, 40, { integer: true }),
  };
}

/** The threshold completions are filtered at: `compose.offensiveAbove`, else the lowest moderation threshold, else 0.5. */
export function offensiveThreshold(config: Pick<ResonateConfig, 'compose' | 'moderation'>): number {
  if (config.compose.offensiveAbove !== undefined) return config.compose.offensiveAbove;
  const m = config.moderation;
  const set = [m.downRankAbove, m.hideFromNonFollowersAbove, m.reviewAbove].filter((t): t is number => t !== undefined);
  return set.length > 0 ? Math.min(...set) : 0.5;
}

export interface ServedCompose {
  suggest(dataset: Dataset, draft: string, request: ComposeRequest): Promise<ComposeSuggestions>;
}

export function createServedCompose(config: ResonateConfig, background: BackgroundModels, moderation: ModerationScorer | undefined): ServedCompose {
  const rng = createRng(config.seed).fork();
  const blocklist = new Set(config.compose.blocklist.map((w) => w.toLowerCase()));
  const threshold = offensiveThreshold(config);
  let classifierFailed = false;
  const filter: OffensiveFilter | undefined = moderation && {
    threshold,
    probabilities: async (texts) => {
      const p = await moderation.probabilities(texts);
      classifierFailed = p === undefined;
      // Without the classifier nothing can be vouched for: every completion is left out.
      return p ?? new Float64Array(texts.length).fill(1);
    },
  };
  return {
    async suggest(dataset, draft, request) {
      const s = composeSettings(request, config.compose);
      const author = request.author;
      const hashtags = suggesterFor(dataset).suggest(draft, { limit: s.limit, ...(author !== undefined ? { author } : {}) });
      if (s.n === 0) return { hashtags, completions: [] };
      const lm = config.compose.languageModel ? background.languageModel(dataset) : undefined;
      if (!lm) return { hashtags, completions: [], completionsUnavailable: config.compose.languageModel ? background.unavailable('compose').message : 'completions are turned off (compose.languageModel is false)' };
      const options = { n: s.n, temperature: s.temperature, topP: s.topP, maxTokens: s.maxTokens, blocklist };
      const r = await completeDraft(lm, draft, options, rng, filter);
      if (r.completions.length > 0) return { hashtags, completions: r.completions };
      const why = classifierFailed
        ? 'the moderation classifier could not be trained, so no completion can be checked'
        : `every sampled completion was left out (${r.dropped.offensive} above the offensive threshold ${threshold}, ${r.dropped.empty} empty)`;
      return { hashtags, completions: [], completionsUnavailable: why };
    },
  };
}
