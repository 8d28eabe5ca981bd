/**
 * @module The neural recommenders' speed benchmarks in one command (`npm run bench -- neural`): the sequential
 * models on Amazon Video Games against the PyTorch SASRec peer (bench/neural-seq.ts), then LightGCN and the
 * two-tower model with its usearch index (bench/neural-retrieval.ts).
 *
 * Usage: npm run bench -- neural [seq|retrieval] [args of that bench]
 *   with no part: `neural-seq --epochs 2 --eval-every 1 --sequential` (peer after ours: clean epoch times), then
 *   the retrieval speed table. Quality runs have their own commands in docs/benchmarks.md.
 */
import { pathToFileURL } from 'node:url';
import { run as runRetrieval } from './neural-retrieval.js';
import { run as runSeq } from './neural-seq.js';

export async function run(args: string[]): Promise<void> {
  const [part, ...rest] = args;
  if (part === 'seq') return runSeq(rest);
  if (part === 'retrieval') return runRetrieval(rest);
  if (part !== undefined && !part.startsWith('--')) throw new Error(`unknown part "${part}": expected seq or retrieval`);
  await runSeq(['--epochs', '2', '--eval-every', '1', '--sequential', ...args]);
  console.log('');
  await runRetrieval(args.filter((a) => a === '--no-peer'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
