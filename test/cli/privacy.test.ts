/**
 * `resonate privacy epsilon` end to end: in-process for the cases, and once as the real binary with --json.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../fixtures/run-cli.js';

const run = promisify(execFile);
const BIN = resolve('bin/resonate.js');

function resonate(...args: string[]): Promise<CliResult> {
  return runCli(args);
}

afterEach(() => {
  process.exitCode = 0;
});

const MNIST = ['--sample-rate', String(256 / 60000), '--delta', '1e-5'];

describe('resonate privacy epsilon', () => {
  it('prints ε and the order; --epochs counts ceil(E / q) steps (TensorFlow Privacy tutorial: σ 1.12, 60 epochs → 2.92)', async () => {
    const res = await resonate('privacy', 'epsilon', '--noise-multiplier', '1.12', ...MNIST, '--epochs', '60', '--conversion', 'classic');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^epsilon 2\.92\d* at delta 0\.00001 \(14063 steps, classic conversion, optimal order 9\.1\)\n$/);
  });

  it('--json prints one object; the default conversion is tight and lower than classic', async () => {
    const tight = JSON.parse((await resonate('privacy', 'epsilon', '--noise-multiplier', '1.12', ...MNIST, '--steps', '14063', '--json')).stdout) as Record<string, unknown>;
    const classic = JSON.parse((await resonate('privacy', 'epsilon', '--noise-multiplier', '1.12', ...MNIST, '--steps', '14063', '--json', '--conversion', 'classic')).stdout) as { epsilon: number };
    expect(Object.keys(tight).sort()).toEqual(['conversion', 'epsilon', 'order', 'steps']);
    expect(tight).toMatchObject({ conversion: 'tight', steps: 14063 });
    expect(tight.epsilon as number).toBeLessThan(classic.epsilon);
    expect(classic.epsilon).toBeCloseTo(2.92, 2);
  });

  it('takes the compute_dp_sgd_privacy grid with --orders dp-sgd, or a list', async () => {
    // TensorFlow Privacy compute_dp_sgd_privacy_test: n 60 000, batch 150, σ 1.3, 15 epochs, δ 1e-5 → 0.941870567 at order 19.
    const args = ['privacy', 'epsilon', '--noise-multiplier', '1.3', '--sample-rate', String(150 / 60000), '--delta', '1e-5', '--epochs', '15', '--conversion', 'classic', '--json'];
    const grid = JSON.parse((await resonate(...args, '--orders', 'dp-sgd')).stdout) as { epsilon: number; order: number; steps: number };
    expect(grid.steps).toBe(6000);
    expect(grid.order).toBe(19);
    expect(grid.epsilon).toBeCloseTo(0.941870567, 8);
    const list = JSON.parse((await resonate(...args, '--orders', '18,19,20')).stdout) as { epsilon: number; order: number };
    expect(list).toEqual(grid);
  });

  it('reports an unbounded ε without noise as null in JSON and ∞ in text', async () => {
    const json = JSON.parse((await resonate('privacy', 'epsilon', '--noise-multiplier', '0', ...MNIST, '--steps', '10', '--json')).stdout) as unknown;
    expect(json).toEqual({ epsilon: null, order: null, conversion: 'tight', steps: 10 });
    expect((await resonate('privacy', 'epsilon', '--noise-multiplier', '0', ...MNIST, '--steps', '10')).stdout).toMatch(/epsilon ∞/);
  });

  it('names the invalid option', async () => {
    const bad = async (...extra: string[]): Promise<string> => {
      const res = await resonate('privacy', 'epsilon', ...extra);
      expect(res.code).toBe(1);
      return res.stderr;
    };
    expect(await bad('--noise-multiplier', 'x', ...MNIST, '--steps', '1')).toMatch(/INVALID_INPUT: --noise-multiplier: expected a number/);
    expect(await bad('--noise-multiplier', '1', ...MNIST)).toMatch(/--epochs: give exactly one of --epochs and --steps/);
    expect(await bad('--noise-multiplier', '1', ...MNIST, '--steps', '1', '--epochs', '1')).toMatch(/exactly one/);
    expect(await bad('--noise-multiplier', '1', '--sample-rate', '1.5', '--delta', '1e-5', '--steps', '1')).toMatch(/INVALID_INPUT: q: expected a sampling rate in \[0, 1\]/);
    expect(await bad('--noise-multiplier', '1', ...MNIST, '--steps', '1', '--conversion', 'loose')).toMatch(/UNKNOWN_OPTION: unknown RDP conversion "loose"/);
    expect(await bad('--noise-multiplier', '1', ...MNIST, '--steps', '2.5')).toMatch(/steps: expected a whole number/);
    expect(await bad('--noise-multiplier', '1', ...MNIST, '--steps', '1', '--orders', '2,1')).toMatch(/orders\[1\]/);
  });

  it('runs as the real binary', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'privacy', 'epsilon', '--noise-multiplier', '1.5', '--sample-rate', '0.04', '--epochs', '90', '--delta', '1e-5', '--json']);
    // Opacus accountants_test: σ 1.5, q 0.04, 2250 steps, δ 1e-5 → 7.32911117143.
    const out = JSON.parse(stdout) as { epsilon: number; order: number; steps: number };
    expect(out.steps).toBe(2250);
    expect(out.epsilon).toBeCloseTo(7.32911117143, 8);
  }, 60_000);
});
