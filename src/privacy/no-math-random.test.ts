/** Noise that leaves the process must come from crypto randomness (or an injected source), never Math.random. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
// Built from parts; this file is the one the scan skips (it names what it looks for).
const FORBIDDEN = new RegExp(['Math', 'random'].join('\\s*\\.\\s*'));

describe('src/privacy randomness', () => {
  it('no file in src/privacy uses Math.random', () => {
    const self = fileURLToPath(import.meta.url);
    const files = readdirSync(here).filter((f) => f.endsWith('.ts') && join(here, f) !== self);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => FORBIDDEN.test(readFileSync(join(here, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the check finds a use when there is one', () => {
    expect(FORBIDDEN.test(`const x = ${'Math'}.random();`)).toBe(true);
    expect(FORBIDDEN.test(`const x = ${'Math'} . random;`)).toBe(true);
  });
});
