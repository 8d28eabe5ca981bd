/**
 * @module Neural sentiment benchmark: TextCNN and BiLSTM-attention (src/text/sentiment/neural) against the linear
 * model, and an ensemble of the best neural model with the linear one, on TweetEval sentiment (train → validation,
 * macro-recall is TweetEval's metric) and the airline tweets (stratified 80/20, seed 42). Reports fit wall and
 * CPU time (`process.cpuUsage()`, the machine is shared) and inference throughput.
 *
 * `npm run bench -- text-neural [--data tweeteval,airline] [--models linear,textcnn,bilstm] [--epochs-cnn 3]
 *  [--epochs-lstm 2] [--cache DIR]`. With `--cache`, trained models are saved there (with their fit times) and
 * reused by later runs, so the models of one dataset can be trained in separate processes and tabulated at the end.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { createRng } from '../src/core/rng.js';
import { createEnsembleModel, loadSentiment, trainSentiment } from '../src/text/sentiment/registry.js';
import { lastNeuralTrainReport } from '../src/text/sentiment/neural/index.js';
import { classificationReport } from '../src/text/sentiment/metrics.js';
import { labelIndices, labelSet } from '../src/text/sentiment/labels.js';
import type { SentimentModel } from '../src/text/sentiment/types.js';
import { dataDir, machineLine, table } from './_machine.js';

interface Split {
  name: string;
  trainText: string[];
  trainLabels: string[];
  valText: string[];
  valLabels: string[];
}

const lines = (path: string): string[] => {
  const all = readFileSync(path, 'utf8').split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
};

/** TweetEval sentiment; derived/train_text.stripped.txt stands in for the original train_text.txt (SOURCE.md). */
function tweeteval(): Split {
  const d = resolve(dataDir(), 'tweeteval-sentiment');
  return {
    name: 'tweeteval',
    trainText: lines(join(d, 'derived/train_text.stripped.txt')),
    trainLabels: lines(join(d, 'train_labels.txt')).map((l) => l.trim()),
    valText: lines(join(d, 'val_text.txt')).map((l) => l.trim()),
    valLabels: lines(join(d, 'val_labels.txt')).map((l) => l.trim()),
  };
}

/** Airline tweets, stratified 80/20 split with seed 42 (per class: shuffle, first 20 % to validation), as bench/text.ts. */
function airline(): Split {
  const rows = parse(readFileSync(resolve(dataDir(), 'twitter-airline-sentiment/Tweets.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const text = rows.map((r) => r.text!.replace(/[\r\n]+/g, ' ').trim());
  const label = rows.map((r) => r.airline_sentiment!);
  const rng = createRng(42);
  const val = new Set<number>();
  for (const c of labelSet(label)) {
    const idx = rng.shuffle(label.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0));
    for (const i of idx.slice(0, Math.round(idx.length * 0.2))) val.add(i);
  }
  const s: Split = { name: 'airline', trainText: [], trainLabels: [], valText: [], valLabels: [] };
  text.forEach((t, i) => {
    const [tt, tl] = val.has(i) ? [s.valText, s.valLabels] : [s.trainText, s.trainLabels];
    tt.push(t);
    tl.push(label[i]!);
  });
  return s;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface Fit {
  model: SentimentModel;
  seconds: number;
  cpu: number;
  note: string;
}

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

/** Options of each benchmarked model; the neural ones start from our word2vec (100 dims) trained on the training texts. */
function modelOptions(name: string, epochsCnn: number, epochsLstm: number): { model: string; options: Record<string, unknown> } {
  if (name === 'linear') return { model: 'linear', options: {} };
  if (name === 'textcnn') return { model: 'textcnn', options: { initFromWord2Vec: true, epochs: epochsCnn, seed: 42 } };
  if (name === 'bilstm') return { model: 'bilstm-attention', options: { initFromWord2Vec: true, epochs: epochsLstm, seed: 42 } };
  throw new Error(`unknown model ${name}`);
}

async function fitOrLoad(s: Split, name: string, epochsCnn: number, epochsLstm: number, cache: string | undefined): Promise<Fit> {
  const file = cache ? join(cache, `${s.name}.${name}.safetensors`) : undefined;
  if (file && existsSync(file) && existsSync(`${file}.json`)) {
    const info = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { seconds: number; cpu: number; note: string };
    return { model: loadSentiment(file), ...info };
  }
  const { model, options } = modelOptions(name, epochsCnn, epochsLstm);
  const c = cpuSeconds(), t = performance.now();
  let lastLog = 0;
  const m = await trainSentiment({
    texts: s.trainText, labels: s.trainLabels, model, options,
    progress: (done, total) => {
      if (performance.now() - lastLog > 60_000) {
        lastLog = performance.now();
        console.error(`[${s.name} ${name}] ${done}/${total} batches, ${((performance.now() - t) / 1000).toFixed(0)} s`);
      }
    },
  });
  const seconds = (performance.now() - t) / 1000, cpu = cpuSeconds() - c;
  const r = name === 'linear' ? undefined : lastNeuralTrainReport();
  const note = r ? `${r.epochsRun} epochs, val(10 %) macro-R ${r.bestValidationMacroRecall.toFixed(3)}, T ${r.temperature.toFixed(2)}, vocab ${r.vocabularySize}` : 'tf-idf word 1–2 + char_wb 2–5, LR balanced';
  if (file) {
    m.save(file);
    writeFileSync(`${file}.json`, JSON.stringify({ seconds, cpu, note }));
  }
  return { model: m, seconds, cpu, note };
}

function evaluate(m: SentimentModel, s: Split): { macroRecall: number; macroF1: number; accuracy: number; perSecond: number; perCpuSecond: number } {
  m.predictProba(s.valText.slice(0, 200)); // warm-up
  const c = cpuSeconds(), t = performance.now();
  const pred = m.predict(s.valText);
  const seconds = (performance.now() - t) / 1000, cpu = cpuSeconds() - c;
  const r = classificationReport(labelIndices(s.valLabels, m.labels), labelIndices(pred.map((p) => p.label), m.labels), m.labels.length);
  return { macroRecall: r.macroRecall, macroF1: r.macroF1, accuracy: r.accuracy, perSecond: s.valText.length / seconds, perCpuSecond: s.valText.length / cpu };
}

export async function run(args: string[]): Promise<void> {
  const datasets = arg(args, '--data', 'tweeteval,airline').split(',');
  const models = arg(args, '--models', 'linear,textcnn,bilstm').split(',');
  const epochsCnn = Number(arg(args, '--epochs-cnn', '3'));
  const epochsLstm = Number(arg(args, '--epochs-lstm', '2'));
  const cacheArg = arg(args, '--cache', '');
  const cache = cacheArg === '' ? undefined : resolve(cacheArg);
  if (cache) mkdirSync(cache, { recursive: true });
  console.log(`## Neural sentiment\n\n${machineLine()}\n`);
  for (const name of datasets) {
    const s = name === 'tweeteval' ? tweeteval() : airline();
    const fits = new Map<string, Fit>();
    for (const m of models) fits.set(m, await fitOrLoad(s, m, epochsCnn, epochsLstm, cache));
    const rows: (string | number)[][] = [];
    const scores = new Map<string, number>();
    for (const [m, f] of fits) {
      const r = evaluate(f.model, s);
      scores.set(m, r.macroRecall);
      rows.push([m === 'bilstm' ? 'bilstm-attention' : m, r.macroRecall, r.macroF1, r.accuracy, f.seconds, f.cpu, Math.round(r.perSecond), Math.round(r.perCpuSecond), f.note]);
    }
    const neural = [...scores].filter(([m]) => m !== 'linear').sort((a, b) => b[1] - a[1])[0];
    if (neural && fits.has('linear')) {
      const best = fits.get(neural[0])!, lin = fits.get('linear')!;
      const ens = createEnsembleModel([best.model, lin.model]);
      const r = evaluate(ens, s);
      rows.push([`ensemble: ${neural[0] === 'bilstm' ? 'bilstm-attention' : neural[0]} + linear (equal weights)`, r.macroRecall, r.macroF1, r.accuracy, best.seconds + lin.seconds, best.cpu + lin.cpu, Math.round(r.perSecond), Math.round(r.perCpuSecond), 'mean of calibrated probabilities']);
    }
    console.log(`\n### ${s.name} (${s.trainText.length} train, ${s.valText.length} validation)\n`);
    console.log(table(['model', 'macro-recall', 'macro-F1', 'accuracy', 'fit s (wall)', 'fit s (CPU)', 'predict texts/s (wall)', 'predict texts/s (CPU)', 'notes'], rows));
  }
}
