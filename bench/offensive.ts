/**
 * @module Offensive-language classifier benchmark (moderation signal): the project's text classifiers trained on
 * TweetEval offensive `train`, everything (model, hyper-parameters, ensemble, calibration, decision threshold)
 * chosen on `validation`, macro-F1 (TweetEval's metric) beside the paper's published test figures. Each
 * candidate's validation probabilities get Platt scaling and a macro-F1 threshold fitted on validation; since that
 * reuses the validation texts, a 2-fold cross-fitted figure (fit on one half, score the other) shows the optimism.
 * ECE and Brier score before and after calibration. The test split is not in ../shared/data; `--test-text` and
 * `--test-labels` score the chosen model once on it.
 *
 * `npm run bench -- offensive [--models lr,lr-c0.3,nbsvm,textcnn,bilstm] [--budget-min M] [--cache DIR]
 *  [--out model.safetensors] [--test-text FILE --test-labels FILE]`
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRng } from '../src/core/rng.js';
import { expectedCalibrationError } from '../src/models/ranker/metrics.js';
import { applyCalibration, createCalibratedModel, fitCalibrationFromProbs, type Calibration } from '../src/text/sentiment/calibrated.js';
import { labelIndices } from '../src/text/sentiment/labels.js';
import { brierScore, classificationReport } from '../src/text/sentiment/metrics.js';
import { createEnsembleModel, loadClassifier, trainClassifier, type ClassifierSpec } from '../src/text/sentiment/registry.js';
import '../src/text/sentiment/neural/index.js';
import type { TextClassifier } from '../src/text/sentiment/types.js';
import { dataDir, machineLine, table } from './_machine.js';

const PAPER: readonly [string, number][] = [['SVM', 52.3], ['FastText', 73.4], ['LSTM', 71.7], ['RoBERTa-base', 79.5], ['RoBERTa-Twitter', 77.1]];

/** The candidates: a name, the spec it trains. */
function candidate(name: string, budgetMin: number): ClassifierSpec {
  const budget = budgetMin > 0 ? { timeBudgetSeconds: budgetMin * 60 } : {};
  const linear = /^(lr|nbsvm)(?:-c([\d.]+))?$/.exec(name);
  if (linear) return { model: 'linear', options: { classifier: linear[1], C: Number(linear[2] ?? 1) } };
  if (name === 'textcnn') return { model: 'textcnn', options: { seed: 42, epochs: 4, evalsPerEpoch: 3, initFromWord2Vec: true, ...budget } };
  if (name === 'bilstm') return { model: 'bilstm-attention', options: { seed: 42, epochs: 4, evalsPerEpoch: 3, initFromWord2Vec: true, ...budget } };
  throw new Error(`unknown candidate ${name}`);
}

interface Result {
  name: string;
  spec: ClassifierSpec;
  fitSeconds: number;
  fitCpu: number;
  /** Validation probabilities of the label "1" (offensive). */
  p1: number[];
}

const lines = (path: string): string[] => {
  const all = readFileSync(path, 'utf8').split('\n');
  if (all.at(-1) === '') all.pop();
  return all.map((l) => l.trim());
};

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const toP = (p1: ArrayLike<number>): Float64Array => {
  const P = new Float64Array(2 * p1.length);
  for (let i = 0; i < p1.length; i++) { P[2 * i] = 1 - p1[i]!; P[2 * i + 1] = p1[i]!; }
  return P;
};

const f1At = (p1: ArrayLike<number>, y: Int32Array, t: number): number => classificationReport(y, Int32Array.from(y, (_, i) => (p1[i]! >= t ? 1 : 0)), 2).macroF1;

interface Scored {
  name: string;
  f1Argmax: number;
  f1Tuned: number;
  threshold: number;
  f1CrossFit: number;
  eceRaw: number;
  eceCal: number;
  brierRaw: number;
  brierCal: number;
  calibration: Calibration;
}

/** Everything measured on validation for one set of probabilities. */
function score(name: string, p1: ArrayLike<number>, y: Int32Array): Scored {
  const P = toP(p1);
  const calibration = fitCalibrationFromProbs(P, y, 2, { tuneThreshold: true });
  if (calibration.method !== 'platt') throw new Error('two labels expected');
  const C = applyCalibration(P, 2, calibration);
  const c1 = Float64Array.from(y, (_, i) => C[2 * i + 1]!);
  // 2-fold cross-fitting of the calibration and threshold: fit on one half of validation, score the other.
  const rng = createRng(7);
  const order = rng.shuffle(Array.from(y.keys()));
  const halves = [order.slice(0, order.length >> 1), order.slice(order.length >> 1)];
  const pred = new Int32Array(y.length);
  for (let h = 0; h < 2; h++) {
    const fit = halves[h]!, other = halves[1 - h]!;
    const cal = fitCalibrationFromProbs(toP(fit.map((i) => p1[i]!)), Int32Array.from(fit, (i) => y[i]!), 2, { tuneThreshold: true });
    if (cal.method !== 'platt') throw new Error('two labels expected');
    const Q = applyCalibration(toP(other.map((i) => p1[i]!)), 2, cal);
    other.forEach((i, k) => (pred[i] = Q[2 * k + 1]! >= cal.threshold ? 1 : 0));
  }
  const yf = Float64Array.from(y);
  return {
    name,
    f1Argmax: f1At(p1, y, 0.5),
    f1Tuned: f1At(c1, y, calibration.threshold),
    threshold: calibration.threshold,
    f1CrossFit: classificationReport(y, pred, 2).macroF1,
    eceRaw: expectedCalibrationError(p1, yf),
    eceCal: expectedCalibrationError(c1, yf),
    brierRaw: brierScore(P, y, 2),
    brierCal: brierScore(C, y, 2),
    calibration,
  };
}

async function fit(name: string, spec: ClassifierSpec, train: { texts: string[]; labels: string[] }, valText: string[], cache: string | undefined): Promise<{ result: Result; model?: TextClassifier }> {
  const file = cache ? join(cache, `${name}.result.json`) : undefined;
  if (file && existsSync(file)) return { result: JSON.parse(readFileSync(file, 'utf8')) as Result };
  const c = cpuSeconds(), t = performance.now();
  const model = await trainClassifier({ ...train, model: spec.model, ...(spec.options ? { options: spec.options } : {}) });
  const fitSeconds = (performance.now() - t) / 1000, fitCpu = cpuSeconds() - c;
  const P = model.predictProba(valText);
  const k1 = model.labels.indexOf('1');
  const result: Result = { name, spec, fitSeconds, fitCpu, p1: Array.from({ length: valText.length }, (_, i) => P[2 * i + k1]!) };
  if (cache) {
    writeFileSync(file!, JSON.stringify(result));
    model.save(join(cache, `${name}.safetensors`));
  }
  console.error(`${name}: fitted in ${fitSeconds.toFixed(1)} s`);
  return { result, model };
}

/** Every non-empty subset of at least two members, as index lists. */
function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let m = 1; m < 1 << n; m++) {
    const idx = [...Array(n).keys()].filter((i) => m & (1 << i));
    if (idx.length >= 2) out.push(idx);
  }
  return out;
}

export async function run(args: string[]): Promise<void> {
  const dir = resolve(dataDir(), 'tweeteval-offensive');
  const train = { texts: lines(join(dir, 'train_text.txt')), labels: lines(join(dir, 'train_labels.txt')) };
  const valText = lines(join(dir, 'val_text.txt')), valLabels = lines(join(dir, 'val_labels.txt'));
  const y = labelIndices(valLabels, ['0', '1']);
  const names = arg(args, '--models', 'lr,lr-c0.3,nbsvm,nbsvm-c0.3,textcnn,bilstm').split(',');
  const budgetMin = Number(arg(args, '--budget-min', '0'));
  const cacheArg = arg(args, '--cache', '');
  const cache = cacheArg === '' ? undefined : resolve(cacheArg);
  if (cache) mkdirSync(cache, { recursive: true });

  const results: Result[] = [];
  for (const name of names) results.push((await fit(name, candidate(name, budgetMin), train, valText, cache)).result);

  const scored: (Scored & { fitSeconds: number; fitCpu: number; members: string[] })[] = results.map((r) => ({ ...score(r.name, r.p1, y), fitSeconds: r.fitSeconds, fitCpu: r.fitCpu, members: [r.name] }));
  // Equal-weight ensembles of the candidates (what createEnsembleModel predicts), calibrated on validation the same way.
  for (const idx of subsets(results.length)) {
    const members = idx.map((i) => results[i]!);
    const p1 = Float64Array.from(y, (_, k) => members.reduce((s, m) => s + m.p1[k]!, 0) / members.length);
    scored.push({
      ...score(`ensemble: ${members.map((m) => m.name).join(' + ')}`, p1, y),
      fitSeconds: members.reduce((s, m) => s + m.fitSeconds, 0), fitCpu: members.reduce((s, m) => s + m.fitCpu, 0), members: members.map((m) => m.name),
    });
  }
  const best = [...scored].sort((a, b) => b.f1Tuned - a.f1Tuned)[0]!;
  const singles = scored.filter((s) => s.members.length === 1);
  const topEnsembles = scored.filter((s) => s.members.length > 1).sort((a, b) => b.f1Tuned - a.f1Tuned).slice(0, 6);

  console.log(`## Offensive-language classifier (moderation signal)\n\n${machineLine()}\n`);
  console.log(`TweetEval offensive: ${train.texts.length} train, ${valText.length} validation. Chosen on validation: **${best.name}** (macro-F1 ${best.f1Tuned.toFixed(4)}, threshold ${best.threshold}).\n`);
  const row = (s: (typeof scored)[number]): (string | number)[] => [
    s.name, s.f1Argmax, s.f1Tuned, s.threshold, s.f1CrossFit, s.eceRaw, s.eceCal, s.brierRaw, s.brierCal, s.fitSeconds, s.fitCpu,
  ];
  const header = ['model', 'val macro-F1 (p ≥ 0.5)', 'val macro-F1 (Platt + threshold)', 'threshold', 'val macro-F1 (2-fold cross-fitted)', 'ECE raw', 'ECE Platt', 'Brier raw', 'Brier Platt', 'fit s (wall)', 'fit s (CPU)'];
  console.log(table(header, [...singles, ...topEnsembles].map(row)));
  console.log(`\nThe TweetEval paper's test macro-F1: ${PAPER.map(([n, v]) => `${n} ${v}`).join(', ')}.`);

  const testText = arg(args, '--test-text', ''), testLabels = arg(args, '--test-labels', '');
  const out = arg(args, '--out', '');
  if ((testText && testLabels) || out) {
    // Rebuild the chosen model from the cached members (or train them) and wrap it in its calibration.
    const members: TextClassifier[] = [];
    for (const name of best.members) {
      const saved = cache ? join(cache, `${name}.safetensors`) : '';
      members.push(saved && existsSync(saved) ? loadClassifier(saved) : (await fit(name, candidate(name, budgetMin), train, valText, undefined)).model!);
    }
    const model = createCalibratedModel(members.length === 1 ? members[0]! : createEnsembleModel(members), best.calibration);
    if (out) {
      model.save(resolve(out));
      console.log(`\nchosen model saved to ${out}`);
    }
    if (testText && testLabels) {
      const tt = lines(testText), tl = lines(testLabels);
      const preds = model.predict(tt);
      const r = classificationReport(labelIndices(tl, ['0', '1']), labelIndices(preds.map((p) => p.label), ['0', '1']), 2);
      console.log(`\nTest (independent check, scored once): macro-F1 ${r.macroF1.toFixed(4)} on ${tt.length} tweets.`);
    }
  }
}
