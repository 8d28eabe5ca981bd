/**
 * @module `npm run bench -- nn`: the deep-learning engine against PyTorch in one run — the matmul GFLOP/s table
 * (squares 64–1024 and the skinny shapes the models use, bench/matmul.ts) and the training-step table (MLP,
 * TextCNN, GRU, Transformer at 1 and 2 threads, wall and CPU time, bench/nn-train.ts).
 *
 *   npm run bench -- nn [--quick] [--no-peer] [--steps N] [--models mlp,textcnn] [--threads 1,2] [--no-matmul] [--no-train]
 *                       [--omp-passive]   (see bench/nn-train.ts)
 *
 * The peer is Debian's python3-torch. When `import torch` fails the bench tries `apt-get install python3-torch`
 * (as root, with apt-get present; never anything outside Debian's packages) and otherwise runs without the peer,
 * saying why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { python } from './_machine.js';
import { run as runMatmul } from './matmul.js';
import { run as runTrain } from './nn-train.js';

/** True when Debian's Python imports torch. */
function hasTorch(py: string): boolean {
  try {
    execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure the PyTorch peer can run; returns why not when it cannot. */
function ensureTorch(): string | null {
  const py = python();
  if (py !== undefined && hasTorch(py)) return null;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) return 'python3-torch is not installed (and apt-get cannot run here)';
  console.error('PyTorch peer: installing python3-torch with apt-get …');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 600_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', 'python3-torch'], { stdio: 'ignore', env, timeout: 1_800_000 });
  } catch (err) {
    return `apt-get install python3-torch failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  const after = python();
  return after !== undefined && hasTorch(after) ? null : 'python3-torch installed but `import torch` still fails';
}

/** The value after `name` in args, if any. */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(args: string[]): Promise<void> {
  let noPeer = args.includes('--no-peer');
  if (!noPeer) {
    const why = ensureTorch();
    if (why !== null) {
      console.log(`PyTorch peer skipped: ${why}.\n`);
      noPeer = true;
    }
  }
  const peerArgs = noPeer ? ['--no-peer'] : [];
  if (!args.includes('--no-matmul')) {
    await runMatmul([...(args.includes('--quick') ? ['--quick'] : []), ...peerArgs]);
    console.log('');
  }
  if (!args.includes('--no-train')) {
    const pass = ['--steps', '--models', '--threads'].flatMap((name) => {
      const v = option(args, name);
      return v === undefined ? [] : [name, v];
    });
    if (args.includes('--quick') && option(args, '--steps') === undefined) pass.push('--steps', '5');
    await runTrain([...pass, ...peerArgs, ...(args.includes('--omp-passive') ? ['--omp-passive'] : [])]);
  }
}
