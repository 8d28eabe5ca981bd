import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../core/config.js';
import { IdMap } from '../core/id-map.js';
import { createRng } from '../core/rng.js';
import { datasetFromInteractions } from '../data/dataset-builder.js';
import { registerBuiltinModels } from '../models/builtin.js';
import { applyRecipe } from './recipe.js';
import { readRecipe, recipePath, servedConfig, tuneRecipe, writeRecipe } from './tune-recipe.js';

registerBuiltinModels();

/** 60 users in 3 taste clusters of 15 items each (plus 5 items everyone may meet), events over 100 days. */
function fixture() {
  const rng = createRng(5);
  const user: number[] = [], item: number[] = [], time: number[] = [];
  for (let u = 0; u < 60; u++) {
    const c = u % 3;
    const picked = new Set<number>();
    while (picked.size < 9) picked.add(rng.next() < 0.85 ? c * 15 + Math.floor(rng.next() * 15) : 45 + Math.floor(rng.next() * 5));
    for (const i of picked) { user.push(u); item.push(i); time.push(Math.floor(rng.next() * 100) * 86_400_000); }
  }
  return datasetFromInteractions({ users: IdMap.from(Array.from({ length: 60 }, (_, u) => `u${u}`)), items: IdMap.from(Array.from({ length: 50 }, (_, i) => `i${i}`)), user, item, time });
}

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function configIn(sources: unknown): ReturnType<typeof validateConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'recipe-'));
  dirs.push(dir);
  return validateConfig({ models: { dir }, feed: { sources } });
}

describe('tuneRecipe', () => {
  it('writes a tuned recipe that beats a poor starting blend on validation', async () => {
    // Almost all weight on popularity, which the clusters make a poor signal; item-kNN nearly off.
    const config = configIn([{ id: 'item-knn/cosine', weight: 0.01 }, { id: 'popular/trending', weight: 2 }, { id: 'fresh', weight: 0.5 }]);
    const result = await tuneRecipe({ data: fixture(), config, seconds: 3 });
    expect(result.kept).toBe('tuned');
    expect(result.validation.tuned).toBeGreaterThan(result.validation.untuned);
    const sources = result.recipe.feed!.sources as { id: string; weight: number }[];
    expect(sources.map((s) => s.id)).toEqual(['item-knn/cosine', 'popular/trending', 'fresh']);
    expect(sources[2]!.weight).toBe(0.5); // the store-only source is left as it is
    expect(sources[0]!.weight / sources[1]!.weight).toBeGreaterThan(0.01 / 2);
    const path = writeRecipe(config, result);
    expect(path).toBe(recipePath(config));
    expect(JSON.parse(readFileSync(path!, 'utf8'))).toMatchObject({ kept: 'tuned', recipe: result.recipe });
    expect(readRecipe(config)).toEqual(result.recipe);
    expect(servedConfig(config).feed.sources).toEqual(sources);
    expect(servedConfig({ ...config, feed: { ...config.feed, recipe: 'config' } }).feed.sources).toEqual(config.feed.sources);
  });

  it('keeps the untuned recipe when the tuned one loses on validation, and drops an older recipe file', async () => {
    const config = configIn([{ id: 'item-knn/cosine', weight: 1 }, { id: 'popular/trending', weight: 0.5 }]);
    writeFileSync(recipePath(config), JSON.stringify({ recipe: { feed: { sources: [{ id: 'popular/trending' }] } } }));
    const untuned = JSON.stringify(config.feed.sources.map((s) => (typeof s === 'string' ? { id: s } : s)));
    // Score the whole recipe by a measure under which any change from the config loses.
    const score = (recipe: { feed?: Record<string, unknown> }): Promise<number> => Promise.resolve(JSON.stringify(recipe.feed?.sources) === untuned ? 1 : 0);
    const result = await tuneRecipe({ data: fixture(), config, seconds: 1, score });
    expect(result.kept).toBe('untuned');
    expect(result.validation).toEqual({ tuned: 0, untuned: 1 });
    expect(result.recipe.feed!.sources).toEqual(JSON.parse(untuned));
    expect(writeRecipe(config, result)).toBeUndefined();
    expect(existsSync(recipePath(config))).toBe(false);
    expect(servedConfig(config).feed.sources).toEqual(config.feed.sources);
  });

  it('refuses a budget of 0 seconds and a recipe with keys outside feed and models', async () => {
    const config = configIn([{ id: 'item-knn/cosine' }]);
    await expect(tuneRecipe({ data: fixture(), config, seconds: 0 })).rejects.toThrow(/--tune/);
    expect(() => applyRecipe(config, { store: {} })).toThrow(/recipe\.store/);
    expect(applyRecipe(config, { feed: { rankerWeight: 0.2 } }).feed.rankerWeight).toBe(0.2);
  });
});
