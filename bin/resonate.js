#!/usr/bin/env node
// The `resonate` command. In a source checkout it runs the compiled CLI (dist/, built by `npm ci` through the
// `prepare` script, or by `npm run build` / `npm run build:js`) when it is newer than every source file, else the
// TypeScript sources through tsx (never a stale build; about 2 s slower to start); an installed package, which
// ships only dist/, runs the compiled CLI.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { compiledCli, distIsFresh, sourceCli } from './dist-fresh.js';

if (existsSync(sourceCli) && !distIsFresh()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(sourceCli).href);
} else {
  await import(pathToFileURL(compiledCli).href);
}
