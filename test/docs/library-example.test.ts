import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The first ```ts block of docs/library.md, with the package's imports pointed at the sources. */
function example(): string {
  const doc = readFileSync(new URL('../../docs/library.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  if (code === undefined) throw new Error('docs/library.md has no ```ts block');
  const src = (path: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${path}`, import.meta.url)));
  return code.replace(/from 'resonate\/client'/g, `from ${src('client/index.ts')}`).replace(/from 'resonate'/g, `from ${src('index.ts')}`);
}

describe('docs/library.md', () => {
  it('its complete example runs as written (its own asserts hold)', async () => {
    const file = new URL('./library-example.tmp.ts', import.meta.url);
    writeFileSync(file, example());
    const logged: unknown[][] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void logged.push(args);
    try {
      await import(/* @vite-ignore */ file.href);
    } finally {
      console.log = log;
      rmSync(file, { force: true });
    }
    expect(logged.some((line) => String(line[0]).startsWith('trained '))).toBe(true);
  }, 120_000);
});
