/**
 * @module `npm run bench -- <name> [args]`: runs bench/<name>.ts. With no name, lists the benchmarks.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  if (name) console.error(`unknown benchmark "${name}"`);
  console.error(`usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(', ')}`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run: (args: string[]) => Promise<void> };
await mod.run(args);
