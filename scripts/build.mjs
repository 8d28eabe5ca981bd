// `npm run build`: compile the AssemblyScript kernels to WASM (embedded in a generated module), then TypeScript to dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

// Every AssemblyScript module: the shared math and nn kernels, the iALS and BPR solvers, and the text kernels
// (word2vec, logistic loss, L-BFGS vector loops).
for (const script of ['scripts/build-wasm.mjs', 'src/models/mf/build-ials-wasm.mjs', 'scripts/build-text-wasm.mjs']) {
  if (existsSync(join(root, script))) run(process.execPath, [script]);
}
// Start from an empty dist/src: tsc never deletes outputs, so a file dropped from the build (a test helper, a
// moved module) would otherwise linger in dist and still be importable.
rmSync(join(root, 'dist', 'src'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
// The CLI's index of verbs, so the compiled CLI loads only the module of the verb it runs.
run(process.execPath, [join(root, 'scripts', 'transpile.mjs'), '--index-only']);
