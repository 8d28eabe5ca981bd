// `npm ci` (prepare) and `npm run build` (after tsc): src/ → dist/src/ as plain JavaScript with esbuild, file by file
// (about a second; no type-check, no declarations: `npm run build` does those with tsc). bin/resonate.js runs
// dist/ when it is newer than every source file, so the CLI starts without compiling TypeScript.
// esbuild comes with tsx, a runtime dependency, so it is there whenever the package is installed.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
/** Test-only code stays out, as in tsconfig.build.json. */
const TEST_ONLY = [/\.test\.ts$/, /\/test-fixtures\.ts$/, /\.as\.ts$/, /^models\/contract\//, /^storage\/store-contract\.ts$/, /^eval\/test-models\.ts$/];

function sources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !TEST_ONLY.some((re) => re.test(relative(src, path)))) out.push(path);
  }
  return out;
}

// `--if-stale` (the `prepare` script, which npm also runs before packing): keep a build newer than the sources,
// such as the one `npm run build` made with declarations.
if (process.argv.includes('--if-stale')) {
  const { distIsFresh } = await import('../bin/dist-fresh.js');
  if (distIsFresh() && existsSync(join(root, 'dist', 'src', 'cli', 'command-index.json'))) process.exit(0);
}
const started = Date.now();
// `--index-only`: dist/src was just compiled by tsc (`npm run build`); only the index is missing.
const indexOnly = process.argv.includes('--index-only');
const entryPoints = indexOnly ? [] : sources(src);
if (!indexOnly) {
  // Start from an empty dist/src, so a deleted or moved module cannot linger there.
  rmSync(join(root, 'dist', 'src'), { recursive: true, force: true });
  await build({ entryPoints, outdir: join(root, 'dist', 'src'), outbase: src, format: 'esm', platform: 'node', target: 'node20', bundle: false, logLevel: 'warning' });
}
// The CLI's index of verbs (src/cli/program.ts): a run then loads only the module of its verb.
const program = await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'program.js')).href);
writeFileSync(join(root, 'dist', 'src', 'cli', 'command-index.json'), JSON.stringify(await program.commandIndex(), null, 1) + '\n');
if (!indexOnly && !process.argv.includes('--quiet')) console.log(`dist/src: ${entryPoints.length} modules in ${Date.now() - started} ms`);
