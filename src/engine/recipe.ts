/**
 * @module Feed recipes: the part of the config that decides what the feed serves — the candidate sources with
 * their weights and parameters, and the second-stage ranker's share — as one JSON object
 * `{ feed?: {...}, models?: {...} }` laid over a config. `resonate eval --models feed.json` evaluates recipes
 * side by side (a model file `{"id": "feed", "params": <recipe>}`), and `resonate train --tune` writes the
 * tuned one (see tune-recipe.ts).
 */
import { validateConfig, type ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';

/** A partial config over the `feed` and `models` sections; arrays (e.g. `feed.sources`) replace, objects merge. */
export interface FeedRecipe {
  feed?: Record<string, unknown>;
  models?: Record<string, unknown>;
}

/** `config` with `recipe` laid over it, validated as a whole (INVALID_CONFIG names the bad field). */
export function applyRecipe(config: ResonateConfig, recipe: unknown): ResonateConfig {
  if (recipe === undefined) return config;
  if (recipe === null || typeof recipe !== 'object' || Array.isArray(recipe)) throw createError('INVALID_CONFIG', { field: 'recipe', problem: 'expected an object {feed?, models?}' });
  for (const key of Object.keys(recipe)) {
    if (key !== 'feed' && key !== 'models') throw createError('INVALID_CONFIG', { field: `recipe.${key}`, problem: 'a recipe sets only feed and models' });
  }
  return validateConfig(merge(config as unknown as Record<string, unknown>, recipe as Record<string, unknown>));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(v) && isObject(prev) ? merge(prev, v) : v;
  }
  return out;
}
