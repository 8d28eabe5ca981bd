/**
 * @module Helpers shared by the CLI verbs: loading config with the global flags, opening the engine.
 */
import type { Command } from 'commander';
import { loadConfig, type ResonateConfig } from '../core/config.js';
import type { Engine } from '../engine/index.js';

export interface GlobalOptions {
  config?: string;
  db?: string;
}

export function configFrom(cmd: Command): ResonateConfig {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return loadConfig({ file: g.config, overrides: g.db ? { store: { url: normaliseStoreUrl(g.db) } } : undefined });
}

/** Accepts a bare path (`./x.db`) as well as a URL. */
export function normaliseStoreUrl(s: string): string {
  return /^[a-z]+:\/\//i.test(s) || s === ':memory:' ? s : `sqlite://${s}`;
}

/** The engine of the CLI verbs, serving the tuned feed recipe (`<models.dir>/recipe.json`) when there is one. */
export async function engineFrom(cmd: Command): Promise<Engine> {
  const config = configFrom(cmd);
  // Loaded here, not at the top: a verb that needs no engine (help, stats) starts without loading it.
  const [{ createEngine }, { servedConfig }, { createLogger }] = await Promise.all([import('../engine/index.js'), import('../engine/tune-recipe.js'), import('../core/logger.js')]);
  return createEngine({ config: servedConfig(config), logger: createLogger(config.log.level) });
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
