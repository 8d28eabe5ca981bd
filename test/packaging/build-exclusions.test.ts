/**
 * What `npm run build` compiles: the root files of tsconfig.build.json plus whatever they import. Test-only code
 * (tests, fixtures, contract suites, reference implementations only tests use) must not be among them, so dist
 * never carries it. Checked on the parsed config and the import graph, without running the compiler.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function buildRoots(): string[] {
  const path = join(root, 'tsconfig.build.json');
  const { config } = ts.readConfigFile(path, (p) => readFileSync(p, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, path);
  return parsed.fileNames.map((f) => relative(root, f));
}

/** Every file reachable from the roots through relative imports (what tsc emits). */
function reachable(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const info = ts.preProcessFile(readFileSync(join(root, f), 'utf8'), true, true);
    for (const imp of info.importedFiles) {
      if (!imp.fileName.startsWith('.')) continue;
      todo.push(normalize(join(dirname(f), imp.fileName.replace(/\.js$/, '.ts'))));
    }
  }
  return seen;
}

const testOnly = (f: string): boolean =>
  /\.test\.ts$|(^|\/)test-fixtures\.ts$|^src\/models\/contract\/|^src\/storage\/store-contract\.ts$|^src\/eval\/test-models\.ts$/.test(f);

describe('npm run build', () => {
  const roots = buildRoots();
  const compiled = reachable(roots);

  it('compiles the library and the shared model helpers', () => {
    expect(compiled.has('src/index.ts')).toBe(true);
    expect(compiled.has('src/models/shared/define-model.ts')).toBe(true);
  });

  it('compiles no test-only file, neither as a root nor through an import', () => {
    expect([...compiled].filter(testOnly)).toEqual([]);
  });

  it('the npm package ships the compiled library, not the sources or tests', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files?: string[]; main: string };
    expect(pkg.files).toContain('dist/src/');
    expect(pkg.main.startsWith('dist/src/')).toBe(true);
    expect(pkg.files!.filter((f) => /^(src|test|bench)\b/.test(f))).toEqual([]);
  });

  it('every entry point of package.json "exports" is a compiled module (the library, the typed client)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | { types: string; default: string }> };
    const modules = Object.values(pkg.exports).filter((e) => typeof e !== 'string').map((e) => e.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));
    expect(modules).toEqual(['src/index.ts', 'src/client/index.ts']);
    for (const m of modules) expect(compiled.has(m), m).toBe(true);
  });

  it('keeps only the reference implementations that runtime code imports', () => {
    const refs = [...compiled].filter((f) => f.endsWith('.ref.ts')).sort();
    expect(refs.every((f) => f.startsWith('src/math/'))).toBe(true);
    expect(refs).not.toContain('src/models/knn/similarity.ref.ts');
    expect(roots.some((f) => f.endsWith('.ref.ts'))).toBe(false);
  });
});
