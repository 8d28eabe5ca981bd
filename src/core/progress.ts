/**
 * @module Progress reporting for long work: a bar on a TTY, nothing elsewhere (CI logs stay readable).
 *
 * Library code reports through the `Progress` callback type and never prints; the CLI passes a bar.
 */
import cliProgress from 'cli-progress';
import { createError } from './errors.js';

/** Called as work advances: `done` of `total` units (total may grow), with an optional label. */
export type Progress = (done: number, total: number, label?: string) => void;

export const noProgress: Progress = () => {};

export interface ProgressBar {
  readonly report: Progress;
  stop(): void;
}

/** A terminal progress bar when stderr is a TTY, otherwise a no-op. */
export function createProgressBar(title: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY || process.env.CI) return { report: noProgress, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${title} [{bar}] {percentage}% | {value}/{total} {label} | {duration_formatted}`, stream, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    report: (done, total, label = '') => {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** Throws the standard cancellation error when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw createError('TRAINING_CANCELLED', { model: what });
}
