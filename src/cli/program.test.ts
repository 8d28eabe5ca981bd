import { describe, expect, it } from 'vitest';
import { buildProgram, commandIndex, programFor, verbOf } from './program.js';

describe('the command tree loaded by need', () => {
  it('finds the verb after global options and their values, and through `help`', () => {
    expect(verbOf(['--db', 'x.db', 'stats'])).toBe('stats');
    expect(verbOf(['-c', 'import', 'import', 'jsonl', 'f'])).toBe('import');
    expect(verbOf(['help', 'train'])).toBe('train');
    expect(verbOf(['--help'])).toBeUndefined();
    expect(verbOf([])).toBeUndefined();
  });

  it('without an index, every verb is there', async () => {
    const names = (await programFor(['node', 'resonate', 'stats'], undefined)).commands.map((c) => c.name());
    expect(names).toContain('stats');
    expect(names).toContain('eval');
  });

  it('with the index, the top-level help is the full program\'s, and a verb loads only its own module', async () => {
    const index = await commandIndex();
    const full = (await buildProgram()).helpInformation();
    expect((await programFor(['node', 'resonate', '--help'], index)).helpInformation()).toBe(full);
    const forStats = (await programFor(['node', 'resonate', '--db', 'x.db', 'stats'], index)).commands.map((c) => c.name());
    expect(forStats).toEqual(['import', 'generate', 'stats']);
    // An unknown verb gets the whole program (commander suggests the closest verb).
    expect((await programFor(['node', 'resonate', 'stast'], index)).commands.length).toBe(index.length);
  });
});
