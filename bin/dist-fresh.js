// Whether dist/ holds a build of the current sources: its CLI entry is newer than every .ts file under src/
// (always true in an installed package, which ships dist/ without src/). Used by bin/resonate.js and by
// scripts/transpile.mjs (`--if-stale`).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const compiledCli = join(root, 'dist', 'src', 'cli', 'main.js');
export const sourceCli = join(root, 'src', 'cli', 'main.ts');

/** Newest modification time of the .ts files under a folder (ms). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function distIsFresh() {
  return existsSync(compiledCli) && (!existsSync(sourceCli) || statSync(compiledCli).mtimeMs >= newestSource(join(root, 'src')));
}
