/**
 * @module `resonate text train-classifier` and `resonate text predict-classifier` (first named train-sentiment and
 * predict-sentiment; those names still work): text classifiers for any label set (sentiment, offensive language,
 * topic …) from a text file (one text per line) and a label file (one label per line, same order; labels as in
 * the file). `--spec FILE` gives any kind its options (`{ "model": kind, "options": { … } }`); `--val-text` and
 * `--val-labels` calibrate the probabilities on held-out texts and report the validation scores.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { createProgressBar } from '../../core/progress.js';
import { expectedCalibrationError } from '../../models/ranker/metrics.js';
import {
  brierScore, calibrateClassifier, classificationReport, classifierKinds, labelIndices, loadClassifier, predictClassifier, readClassifierSpec, trainClassifier,
  type ClassifierSpec, type TextClassifier,
} from '../../text/index.js';

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

/** Texts and labels of two parallel files, checked to have one line each. */
function readLabelled(textPath: string, labelPath: string, textField: string, labelField: string): { texts: string[]; labels: string[] } {
  const texts = readLines(textPath, textField);
  const labels = readLines(labelPath, labelField).map((l) => l.trim());
  if (texts.length !== labels.length) {
    throw createError('INVALID_INPUT', { field: labelField, problem: `${labels.length} labels for ${texts.length} texts; the files must have one line each, in the same order` });
  }
  return { texts, labels };
}

/** The kind and options to train: the spec file's, with `--model` as the kind when the file names none. */
export function resolveSpec(model: string, modelGiven: boolean, specPath: string | undefined): ClassifierSpec {
  if (!specPath) return { model };
  const spec = readClassifierSpec(specPath);
  if (spec.model !== undefined && modelGiven && spec.model !== model) {
    throw createError('INVALID_INPUT', { field: '--model', problem: `--model ${model} but the spec file ${specPath} says ${spec.model}; give one of them` });
  }
  return { model: spec.model ?? model, ...(spec.options ? { options: spec.options } : {}) };
}

/** Validation scores of a calibrated model, one line. */
function validationLine(model: TextClassifier, texts: readonly string[], labels: readonly string[]): string {
  const K = model.labels.length;
  const y = labelIndices(labels, model.labels);
  const P = model.predictProba(texts);
  const pred = labelIndices(model.predict(texts).map((p) => p.label), model.labels);
  const r = classificationReport(y, pred, K);
  // ECE of the predicted label's probability against whether it was right (top-label calibration).
  const conf = Float64Array.from(pred, (c, i) => P[i * K + c]!);
  const right = Float64Array.from(pred, (c, i) => (c === y[i] ? 1 : 0));
  return `validation (${texts.length} texts): macro-F1 ${r.macroF1.toFixed(4)}, macro-recall ${r.macroRecall.toFixed(4)}, accuracy ${r.accuracy.toFixed(4)}, ECE ${expectedCalibrationError(conf, right).toFixed(4)}, Brier ${brierScore(P, y, K).toFixed(4)}`;
}

export function registerTextCommands(program: Command): void {
  const text = program.command('text').description('text understanding: text classifiers (sentiment, offensive language, topic …)');

  const train = text
    .command('train-classifier')
    .alias('train-sentiment')
    .description('train a text classifier from a text file and a label file (one per line, same order; any label set)')
    .requiredOption('--train-text <file>', 'one text per line')
    .requiredOption('--train-labels <file>', 'one label per line')
    .option('--model <kind>', `model kind: ${classifierKinds().join(' | ')}`, 'linear')
    .option('--spec <file>', 'JSON model spec { "model": kind, "options": { … } } (e.g. ensemble members, neural epochs)')
    .option('--val-text <file>', 'held-out texts: calibrate the probabilities on them (Platt or temperature) and report scores')
    .option('--val-labels <file>', 'labels of --val-text')
    .option('--tune-threshold', 'two labels: choose the decision threshold for macro-F1 on the validation texts')
    .requiredOption('--out <file>', 'where to save the model (safetensors)');
  train.action(async (opts: { trainText: string; trainLabels: string; model: string; spec?: string; valText?: string; valLabels?: string; tuneThreshold?: boolean; out: string }) => {
    const spec = resolveSpec(opts.model, train.getOptionValueSource('model') === 'cli', opts.spec);
    if ((opts.valText === undefined) !== (opts.valLabels === undefined)) {
      throw createError('INVALID_INPUT', { field: opts.valText === undefined ? '--val-text' : '--val-labels', problem: 'give --val-text and --val-labels together' });
    }
    const { texts, labels } = readLabelled(opts.trainText, opts.trainLabels, '--train-text', '--train-labels');
    const val = opts.valText && opts.valLabels ? readLabelled(opts.valText, opts.valLabels, '--val-text', '--val-labels') : undefined;
    const bar = createProgressBar(`train ${spec.model}`);
    const t0 = performance.now();
    let model = await trainClassifier({ model: spec.model, ...(spec.options ? { options: spec.options } : {}), texts, labels, progress: bar.report });
    bar.stop();
    if (val) model = calibrateClassifier(model, val.texts, val.labels, { tuneThreshold: opts.tuneThreshold === true });
    model.save(opts.out);
    console.log(`trained ${spec.model} on ${texts.length} texts (labels: ${model.labels.join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${opts.out}`);
    if (val) console.log(validationLine(model, val.texts, val.labels));
  });

  text
    .command('predict-classifier')
    .alias('predict-sentiment')
    .description('predict one label per line of a text file (same order) to stdout, or --out')
    .requiredOption('--model <file>', 'a model saved by train-classifier')
    .requiredOption('--text <file>', 'one text per line')
    .option('--out <file>', 'write labels here instead of stdout')
    .option('--probs', 'also print the probability of each label (tab-separated)')
    .action((opts: { model: string; text: string; out?: string; probs?: boolean }) => {
      const model = loadClassifier(opts.model);
      const texts = readLines(opts.text, '--text');
      const preds = predictClassifier(model, texts);
      const lines = preds.map((p) => (opts.probs ? [p.label, ...model.labels.map((l) => p.probs[l]!.toFixed(4))].join('\t') : p.label));
      const out = lines.join('\n') + (lines.length ? '\n' : '');
      if (opts.out) writeFileSync(opts.out, out);
      else process.stdout.write(out);
    });
}
