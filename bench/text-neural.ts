/**
 * @module Neural sentiment benchmark: TextCNN and BiLSTM-attention (src/text/sentiment/neural) against the linear
 * model, and an ensemble of the best neural model with the linear one, on TweetEval sentiment (train → validation,
 * macro-recall is TweetEval's metric) and the airline tweets (stratified 80/20, seed 42). Reports fit wall and
 * CPU time (`process.cpuUsage()`, the machine is shared) and inference throughput.
 *
 * `npm run bench -- text-neural [--data tweeteval,airline] [--models linear,textcnn,bilstm] [--epochs 3]
 *  [--budget-min M] [--init word2vec|random] [--cache DIR]`. `--budget-min` caps each network's training wall time (the best checkpoint so
 * far is kept). With `--cache`, models and their results (scores, times, validation probabilities) are saved there
 * and reused, so the models of one dataset can be trained in separate processes and tabulated at the end; the
 * ensemble is the equal-weight mean of the saved probabilities, exactly what `createEnsembleModel` predicts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { trainSentiment } from '../src/text/sentiment/registry.js';
import { lastNeuralTrainReport } from '../src/text/sentiment/neural/index.js';
import { classificationReport } from '../src/text/sentiment/metrics.js';
import { labelIndices } from '../src/text/sentiment/labels.js';
import { airline, tweeteval, type SentimentSplit } from './_sentiment-data.js';
import { machineLine, table } from './_machine.js';


function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** What one trained model scored; saved beside the model so separate processes can be tabulated together. */
interface Result {
  model: string;
  labels: string[];
  macroRecall: number;
  macroF1: number;
  accuracy: number;
  fitSeconds: number;
  fitCpu: number;
  perSecond: number;
  perCpuSecond: number;
  note: string;
  /** Validation probabilities, n × K (for the ensemble). */
  probs: number[];
}

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

/**
 * Options of each benchmarked model: the neural ones start from our word2vec (100 dims) trained on the training
 * texts, or (`--init random`) from Kim's U(±0.25) embeddings of 100 dims.
 */
function modelOptions(name: string, epochs: number, budgetMin: number, w2v: boolean): { model: string; options: Record<string, unknown> } {
  const budget = { ...(budgetMin > 0 ? { timeBudgetSeconds: budgetMin * 60 } : {}), ...(w2v ? { initFromWord2Vec: true } : { embeddingDim: 100 }) };
  if (name === 'linear') return { model: 'linear', options: {} };
  if (name === 'textcnn') return { model: 'textcnn', options: { epochs, seed: 42, evalsPerEpoch: 3, ...budget } };
  if (name === 'bilstm') return { model: 'bilstm-attention', options: { epochs, seed: 42, evalsPerEpoch: 3, ...budget } };
  throw new Error(`unknown model ${name}`);
}

function metrics(P: Float64Array, labels: string[], s: SentimentSplit): { macroRecall: number; macroF1: number; accuracy: number } {
  const K = labels.length, pred = new Int32Array(s.valText.length);
  for (let i = 0; i < pred.length; i++) {
    let a = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + a]!) a = k;
    pred[i] = a;
  }
  const r = classificationReport(labelIndices(s.valLabels, labels), pred, K);
  return { macroRecall: r.macroRecall, macroF1: r.macroF1, accuracy: r.accuracy };
}

async function fitAndScore(s: SentimentSplit, name: string, epochs: number, budgetMin: number, w2v: boolean, cache: string | undefined): Promise<Result> {
  const file = cache ? join(cache, `${s.name}.${name}.result.json`) : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Result;
  const { model, options } = modelOptions(name, epochs, budgetMin, w2v);
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
  const fitSeconds = (performance.now() - t) / 1000, fitCpu = cpuSeconds() - c;
  const r = name === 'linear' ? undefined : lastNeuralTrainReport();
  const note = r
    ? `${r.epochsRun.toFixed(2)} epochs (${r.stoppedBy}), val(10 %) macro-R ${r.bestValidationMacroRecall.toFixed(3)}, T ${r.temperature.toFixed(2)}, vocab ${r.vocabularySize}`
    : 'tf-idf word 1–2 + char_wb 2–5, LR balanced';
  if (cache) m.save(join(cache, `${s.name}.${name}.safetensors`));
  m.predictProba(s.valText.slice(0, 200)); // warm-up
  const c2 = cpuSeconds(), t2 = performance.now();
  const P = m.predictProba(s.valText);
  const seconds = (performance.now() - t2) / 1000, cpu = cpuSeconds() - c2;
  const result: Result = {
    model: name, labels: [...m.labels], ...metrics(P, [...m.labels], s), fitSeconds, fitCpu,
    perSecond: s.valText.length / seconds, perCpuSecond: s.valText.length / cpu, note, probs: Array.from(P),
  };
  if (file) writeFileSync(file, JSON.stringify(result));
  return result;
}

const display = (m: string): string => (m === 'bilstm' ? 'bilstm-attention' : m);

export async function run(args: string[]): Promise<void> {
  const datasets = arg(args, '--data', 'tweeteval,airline').split(',');
  const models = arg(args, '--models', 'linear,textcnn,bilstm').split(',');
  const epochs = Number(arg(args, '--epochs', '3'));
  const budgetMin = Number(arg(args, '--budget-min', '0'));
  const w2v = arg(args, '--init', 'word2vec') === 'word2vec';
  const cacheArg = arg(args, '--cache', '');
  const cache = cacheArg === '' ? undefined : resolve(cacheArg);
  if (cache) mkdirSync(cache, { recursive: true });
  console.log(`## Neural sentiment\n\n${machineLine()}\n`);
  for (const name of datasets) {
    const s = name === 'tweeteval' ? tweeteval() : airline();
    const results: Result[] = [];
    for (const m of models) results.push(await fitAndScore(s, m, epochs, budgetMin, w2v, cache));
    const rows: (string | number)[][] = results.map((r) => [display(r.model), r.macroRecall, r.macroF1, r.accuracy, r.fitSeconds, r.fitCpu, Math.round(r.perSecond), Math.round(r.perCpuSecond), r.note]);
    const neural = results.filter((r) => r.model !== 'linear').sort((a, b) => b.macroRecall - a.macroRecall)[0];
    const lin = results.find((r) => r.model === 'linear');
    if (neural && lin && neural.labels.join() === lin.labels.join()) {
      // Equal-weight mean of the two calibrated probability vectors: what createEnsembleModel([neural, linear]) predicts.
      const P = Float64Array.from(neural.probs, (p, i) => (p + lin.probs[i]!) / 2);
      const r = metrics(P, lin.labels, s);
      const per = 1 / (1 / neural.perSecond + 1 / lin.perSecond), perCpu = 1 / (1 / neural.perCpuSecond + 1 / lin.perCpuSecond);
      rows.push([`ensemble: ${display(neural.model)} + linear`, r.macroRecall, r.macroF1, r.accuracy, neural.fitSeconds + lin.fitSeconds, neural.fitCpu + lin.fitCpu, Math.round(per), Math.round(perCpu), 'equal-weight mean of calibrated probabilities']);
    }
    console.log(`\n### ${s.title} (${s.trainText.length} train, ${s.valText.length} validation)\n`);
    console.log(table(['model', 'macro-recall', 'macro-F1', 'accuracy', 'fit s (wall)', 'fit s (CPU)', 'predict texts/s (wall)', 'predict texts/s (CPU)', 'notes'], rows));
  }
}
