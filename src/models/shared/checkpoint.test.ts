import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../math/csr.js';
import { loadCheckpoint, runFingerprint, saveCheckpoint } from './checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const m = csrFromCoo(2, 3, [0, 1], [1, 2]);

describe('runFingerprint', () => {
  it('ignores the budget and checkpoint fields, and changes with anything else', () => {
    const base = runFingerprint('x/y', { lr: 0.1, epochs: 5, patience: 2, checkpointPath: 'a' }, 1, m);
    expect(runFingerprint('x/y', { lr: 0.1, epochs: 50, patience: 9, checkpointPath: 'b' }, 1, m)).toBe(base);
    expect(runFingerprint('x/y', { lr: 0.2, epochs: 5 }, 1, m)).not.toBe(base);
    expect(runFingerprint('x/y', { lr: 0.1 }, 2, m)).not.toBe(base);
    expect(runFingerprint('x/z', { lr: 0.1 }, 1, m)).not.toBe(base);
    expect(runFingerprint('x/y', { lr: 0.1 }, 1, csrFromCoo(2, 3, [0, 1], [0, 2]))).not.toBe(base);
  });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips tensors and state for the same run only', () => {
    const path = join(dir, 'a.ckpt');
    saveCheckpoint(path, 'fp1', { tensors: { w: { data: Float32Array.of(1, 2), shape: [2] } }, state: { epoch: 3 } });
    const cp = loadCheckpoint(path, 'fp1');
    expect(cp?.state).toEqual({ epoch: 3 });
    expect([...(cp!.tensors.w!.data as Float32Array)]).toEqual([1, 2]);
    expect(loadCheckpoint(path, 'fp2')).toBeUndefined();
  });

  it('treats a missing path, no path or a damaged file as no checkpoint', () => {
    expect(loadCheckpoint(undefined, 'fp')).toBeUndefined();
    expect(loadCheckpoint(join(dir, 'none.ckpt'), 'fp')).toBeUndefined();
    const bad = join(dir, 'bad.ckpt');
    writeFileSync(bad, 'not a checkpoint');
    expect(loadCheckpoint(bad, 'fp')).toBeUndefined();
  });
});
