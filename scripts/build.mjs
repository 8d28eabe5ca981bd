// `npm run build`: compile the AssemblyScript kernels to WASM (embedded in a generated module), then TypeScript to dist/.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

// Every AssemblyScript module: the shared math and nn kernels, the iALS and BPR solvers, and the text kernels
// (word2vec, logistic loss, L-BFGS vector loops).
for (const script of ['scripts/build-wasm.mjs', 'src/models/mf/build-ials-wasm.mjs', 'scripts/build-text-wasm.mjs']) {
  if (existsSync(join(root, script))) run(process.execPath, [script]);
}
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
