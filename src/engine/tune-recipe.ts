/**
 * @module `resonate train --tune SECONDS`: tunes the served recipe on the operator's own data within a time budget.
 *
 * Search: the recipe's model sources (every `feed.sources` entry but the store-only `fresh`) become the members of
 * one `hybrid/score-fusion` (min-max scaling, as the feed's blend), and the existing tuner (`tune`, src/eval/tuning)
 * searches each member's weight (`members.j.weight` ∈ [0, 2]) and its default space (`members.j.params.*`) on the
 * temporal validation carve of the training part (the most recent 20 % of the data is set aside, as a test part,
 * and never scored). The proxy scores a whole trial in the time a member refit takes; the fitted members are
 * cached across trials (hybrid/fit-cache), so weight-only trials cost scoring only.
 *
 * Budget: one trial of the untuned recipe is timed first, and as many random configurations as fit in the rest of
 * the budget (at least one, at most 200) are searched without halving; `seconds` bounds the search, not each trial.
 *
 * Keep rule: the tuned recipe is kept only when it beats the untuned one on the same validation carve by the same
 * measure (`score`, the proxy by default); otherwise the untuned recipe is returned (`kept: 'untuned'`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { dataFingerprint } from '../eval/fingerprint.js';
import { DEFAULT_SPACES } from '../eval/tuning/default-spaces.js';
import type { SearchSpace } from '../eval/tuning/search-space.js';
import { tune } from '../eval/tuning/tune.js';
import { FEED_ONLY_SOURCES } from '../feed/create-feed.js';
import { applyRecipe, type FeedRecipe } from './recipe.js';

/** Most random configurations one tuning tries, however cheap a trial is (random search gains little beyond). */
const MAX_CONFIGURATIONS = 200;

/** File name of the tuned recipe inside `models.dir`. */
export const RECIPE_FILE = 'recipe.json';

type SourceEntry = ResonateConfig['feed']['sources'][number];
interface SourceObject { id: string; params?: Record<string, unknown>; weight?: number; label?: string }

export interface TuneRecipeOptions {
  /** The operator's data (the whole snapshot: validation is carved from its older part). */
  data: Dataset;
  config: ResonateConfig;
  /** Time budget of the search in seconds (> 0). */
  seconds: number;
  seed?: number;
  k?: number;
  /**
   * Validation score of a recipe used by the keep rule (default: the score-fusion proxy the search optimises).
   * A caller may score the whole feed instead; both recipes are scored by the same function.
   */
  score?: (recipe: FeedRecipe) => Promise<number>;
}

export interface TuneRecipeResult {
  /** The recipe to serve: the tuned one when it won on validation, else the untuned one. */
  recipe: FeedRecipe;
  kept: 'tuned' | 'untuned';
  metric: string;
  validation: { tuned: number; untuned: number };
  /** The tuned recipe, kept or not (for the record). */
  tuned: FeedRecipe;
  trials: number;
  seconds: number;
  data: { fingerprint: string; users: number; items: number };
}

function asObject(e: SourceEntry): SourceObject {
  return typeof e === 'string' ? { id: e } : { ...e };
}

/** The members of the proxy hybrid: the model sources, in order, with their index in `feed.sources`. */
function proxyMembers(sources: readonly SourceEntry[]): { at: number; member: { id: string; params: Record<string, unknown>; weight: number } }[] {
  const out: { at: number; member: { id: string; params: Record<string, unknown>; weight: number } }[] = [];
  sources.forEach((e, at) => {
    const s = asObject(e);
    if (!FEED_ONLY_SOURCES.has(s.id)) out.push({ at, member: { id: s.id, params: { ...(s.params ?? {}) }, weight: s.weight ?? 1 } });
  });
  return out;
}

/** Member weights in [0, 2] and each member's default space under `members.j.params`. */
export function recipeSpace(members: readonly { id: string }[]): SearchSpace {
  const space: Record<string, SearchSpace[string]> = {};
  members.forEach((m, j) => {
    space[`members.${j}.weight`] = { type: 'float', min: 0, max: 2 };
    for (const [name, dim] of Object.entries(DEFAULT_SPACES[m.id] ?? {})) space[`members.${j}.params.${name}`] = dim;
  });
  return space;
}

/** The feed sources with the tuned members' weights and params written back (labels and `fresh` untouched). */
function sourcesFrom(sources: readonly SourceEntry[], at: readonly number[], members: readonly { params: Record<string, unknown>; weight: number }[]): SourceObject[] {
  const out = sources.map(asObject);
  at.forEach((i, j) => {
    const m = members[j]!;
    out[i] = { ...out[i]!, weight: m.weight, ...(Object.keys(m.params).length > 0 ? { params: m.params } : {}) };
  });
  return out;
}

export async function tuneRecipe(o: TuneRecipeOptions): Promise<TuneRecipeResult> {
  const { data, config, seconds, seed = config.seed, k = 10 } = o;
  if (!(seconds > 0)) throw createError('INVALID_INPUT', { field: '--tune', problem: `expected a number of seconds > 0, got ${seconds}` });
  const t0 = performance.now();
  const sources = config.feed.sources;
  const entries = proxyMembers(sources);
  if (entries.length === 0) throw createError('INVALID_INPUT', { field: 'feed.sources', problem: 'no model source to tune (only store-only sources such as fresh)' });
  const fixed = { members: entries.map((e) => e.member), normalize: 'minmax' };
  const common = { data, modelId: 'hybrid/score-fusion', fixed, protocol: 'temporal' as const, k, seed, halving: false };
  const metric = `ndcg@${k}`;

  // The untuned recipe through the same evaluation (one trial whose only "choice" is a fixed value).
  const base = await tune({ ...common, space: { normalize: { type: 'choice', values: ['minmax'] } }, budget: 1 });
  const trialSeconds = Math.max(1e-3, (performance.now() - t0) / 1000);
  const budget = Math.min(MAX_CONFIGURATIONS, Math.max(1, Math.floor((seconds - trialSeconds) / trialSeconds)));
  const res = await tune({ ...common, space: recipeSpace(fixed.members), budget });
  const tunedMembers = (res.best.params.members as { params: Record<string, unknown>; weight: number }[]);
  const untunedRecipe: FeedRecipe = { feed: { sources: sources.map(asObject) } };
  const tunedRecipe: FeedRecipe = { feed: { sources: sourcesFrom(sources, entries.map((e) => e.at), tunedMembers) } };

  const validation = o.score
    ? { tuned: await o.score(tunedRecipe), untuned: await o.score(untunedRecipe) }
    : { tuned: res.best.score, untuned: base.best.score };
  const win = validation.tuned > validation.untuned;
  return {
    recipe: win ? tunedRecipe : untunedRecipe,
    kept: win ? 'tuned' : 'untuned',
    metric,
    validation,
    tuned: tunedRecipe,
    trials: res.trials.length + base.trials.length,
    seconds: (performance.now() - t0) / 1000,
    data: { fingerprint: dataFingerprint(data), users: data.users.size, items: data.items.size },
  };
}

/** What `recipe.json` holds: the recipe to serve and how it was chosen. */
export interface RecipeFile extends Omit<TuneRecipeResult, 'tuned'> {
  createdAt: string;
}

export function recipePath(config: ResonateConfig): string {
  return join(config.models.dir, RECIPE_FILE);
}

/**
 * Writes `<models.dir>/recipe.json` (atomically) when the tuned recipe won; when it lost, nothing is written and
 * an earlier file is removed, so the served recipe is the untuned one (the config as written). Returns the path
 * written.
 */
export function writeRecipe(config: ResonateConfig, result: TuneRecipeResult): string | undefined {
  const path = recipePath(config);
  if (result.kept !== 'tuned') {
    rmSync(path, { force: true });
    return undefined;
  }
  mkdirSync(dirname(path), { recursive: true });
  const { tuned: _tuned, ...rest } = result;
  const file: RecipeFile = { ...rest, createdAt: new Date().toISOString() };
  writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
  return path;
}

/** The recipe of `<models.dir>/recipe.json`, or undefined when there is none. */
export function readRecipe(config: ResonateConfig): FeedRecipe | undefined {
  const path = recipePath(config);
  if (!existsSync(path)) return undefined;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as RecipeFile).recipe;
  } catch (e) {
    throw createError('INVALID_CONFIG', { field: path, problem: `not valid JSON (${(e as Error).message})` });
  }
}

/** The config the engine serves: `<models.dir>/recipe.json` laid over it when `feed.recipe` is `tuned` and the file exists. */
export function servedConfig(config: ResonateConfig): ResonateConfig {
  return config.feed.recipe === 'tuned' ? applyRecipe(config, readRecipe(config)) : config;
}
