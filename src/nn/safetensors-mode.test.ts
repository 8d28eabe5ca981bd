import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveSafetensors, writeFileAtomic } from './safetensors.js';

describe('saved model files', () => {
  it('are created owner-only (0600), leaving no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-model-mode-'));
    const path = join(dir, 'm.safetensors');
    saveSafetensors(path, { w: { data: new Float32Array([1, 2]), shape: [2] } });
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    writeFileAtomic(path, new Uint8Array([1])); // overwriting keeps it owner-only
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    expect(readdirSync(dir)).toEqual(['m.safetensors']);
  });
});
