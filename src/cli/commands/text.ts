/**
 * @module `resonate text train-sentiment` and `resonate text predict-sentiment`: sentiment models from a text
 * file (one text per line) and a label file (one label per line, same order; labels as in the file).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { createProgressBar } from '../../core/progress.js';
import { loadSentiment, predictSentiment, sentimentKinds, trainSentiment } from '../../text/index.js';

function readLines(path: string, field: string): string[] {
  if (!existsSync(path)) throw createError('FILE_NOT_FOUND', { path });
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw createError('INVALID_UTF8', { where: `${field} ${path}` });
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function registerTextCommands(program: Command): void {
  const text = program.command('text').description('text understanding: sentiment models');

  text
    .command('train-sentiment')
    .description('train a sentiment model from a text file and a label file (one per line, same order)')
    .requiredOption('--train-text <file>', 'one text per line')
    .requiredOption('--train-labels <file>', 'one label per line')
    .option('--model <kind>', `model kind: ${sentimentKinds().join(' | ')}`, 'linear')
    .requiredOption('--out <file>', 'where to save the model (safetensors)')
    .action(async (opts: { trainText: string; trainLabels: string; model: string; out: string }) => {
      const texts = readLines(opts.trainText, '--train-text');
      const labels = readLines(opts.trainLabels, '--train-labels').map((l) => l.trim());
      if (texts.length !== labels.length) {
        throw createError('INVALID_INPUT', { field: '--train-labels', problem: `${labels.length} labels for ${texts.length} texts; the files must have one line each, in the same order` });
      }
      const bar = createProgressBar(`train ${opts.model}`);
      const t0 = performance.now();
      const model = await trainSentiment({ model: opts.model, texts, labels, progress: bar.report });
      bar.stop();
      model.save(opts.out);
      console.log(`trained ${opts.model} on ${texts.length} texts (labels: ${model.labels.join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${opts.out}`);
    });

  text
    .command('predict-sentiment')
    .description('predict one label per line of a text file (same order) to stdout, or --out')
    .requiredOption('--model <file>', 'a model saved by train-sentiment')
    .requiredOption('--text <file>', 'one text per line')
    .option('--out <file>', 'write labels here instead of stdout')
    .option('--probs', 'also print the probability of each label (tab-separated)')
    .action((opts: { model: string; text: string; out?: string; probs?: boolean }) => {
      const model = loadSentiment(opts.model);
      const texts = readLines(opts.text, '--text');
      const preds = predictSentiment(model, texts);
      const lines = preds.map((p) => (opts.probs ? [p.label, ...model.labels.map((l) => p.probs[l]!.toFixed(4))].join('\t') : p.label));
      const out = lines.join('\n') + (lines.length ? '\n' : '');
      if (opts.out) writeFileSync(opts.out, out);
      else process.stdout.write(out);
    });
}
