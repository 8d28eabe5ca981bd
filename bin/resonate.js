#!/usr/bin/env node
// The `resonate` command. In a source checkout it runs the compiled CLI (dist/, built by `npm ci` through the
// `prepare` script, or by `npm run build` / `npm run build:js`) when it is newer than every source file, else the
// TypeScript sources through tsx (never a stale build; about 2 s slower to start); an installed package, which
// ships only dist/, runs the compiled CLI.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');

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

const freshBuild = existsSync(compiled) && (!existsSync(source) || statSync(compiled).mtimeMs >= newestSource(join(root, 'src')));
if (existsSync(source) && !freshBuild) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(compiled).href);
}
