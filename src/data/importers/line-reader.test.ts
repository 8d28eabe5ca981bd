import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines } from './line-reader.js';
import { collect } from '../../../test/fixtures/import/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-lines-'));

describe('readLines', () => {
  it('splits on LF and CRLF, drops a BOM, keeps the last line without newline, flags bad UTF-8', async () => {
    const p = join(dir, 'a.txt');
    writeFileSync(p, Buffer.concat([Buffer.from('\ufeffone\r\ntwo\n\nbad '), Buffer.from([0xc3, 0x28]), Buffer.from('\nlast')]));
    expect(await collect(readLines(p))).toEqual([
      { line: 1, text: 'one' },
      { line: 2, text: 'two' },
      { line: 3, text: '' },
      { line: 4, text: undefined },
      { line: 5, text: 'last' },
    ]);
  });

  it('decodes Latin-1 when asked', async () => {
    const p = join(dir, 'b.txt');
    writeFileSync(p, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect(await collect(readLines(p, { encoding: 'latin1' }))).toEqual([{ line: 1, text: 'café' }]);
    expect(await collect(readLines(p))).toEqual([{ line: 1, text: undefined }]);
  });

  it('joins lines and multi-byte characters split across 1 MiB chunks', async () => {
    const p = join(dir, 'c.txt');
    const line = 'é'.repeat(100_000); // 200,000 bytes: chunk edges fall inside lines and characters
    writeFileSync(p, Array.from({ length: 12 }, () => line).join('\n'));
    let bytes = 0;
    const lines = await collect(readLines(p, { onBytes: (n) => (bytes += n) }));
    expect(lines).toHaveLength(12);
    expect(lines.every((l) => l.text === line)).toBe(true);
    expect(bytes).toBe(12 * 200_000 + 11);
  });
});
