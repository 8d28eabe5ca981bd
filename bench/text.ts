/**
 * @module Text benchmark: tokenizer throughput (vs wink-nlp), sentiment quality and speed on TweetEval and the
 * airline tweets (vs scikit-learn), word2vec speed and downstream quality (vs gensim).
 *
 * `npm run bench -- text [--only tokenizer,sentiment,word2vec] [--skip-peers] [--no-nbsvm] [--quality-seeds N]`
 * (`--quality-seeds N`: the word2vec downstream quality of ours and gensim's over seeds 42…42+N−1, mean ± sd,
 * since one Hogwild run varies by about a point)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { csrFromDense } from '../src/math/csr.js';
import { tokenize, tokenizeToStrings } from '../src/text/tokenize.js';
import { trainSentiment, createEnsembleModel } from '../src/text/sentiment/registry.js';
import { classificationReport } from '../src/text/sentiment/metrics.js';
import type { SentimentModel } from '../src/text/sentiment/types.js';
import { labelIndices, labelSet } from '../src/text/sentiment/labels.js';
import { trainWord2Vec } from '../src/text/word2vec/train.js';
import { loadWord2Vec, saveWord2Vec } from '../src/text/word2vec/io.js';
import { meanVectors } from '../src/text/word2vec/doc-vectors.js';
import type { WordVectors } from '../src/text/word2vec/model.js';
import { fitLogisticRegression, predictProba } from '../src/text/logistic-regression.js';
import { airline, tweeteval, type SentimentSplit } from './_sentiment-data.js';
import { machineLine, python, table } from './_machine.js';


/** The 1-minute load average, for the record (the machine may be shared). */
const load = (): string => loadavg()[0]!.toFixed(2);

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function timed<T>(f: () => T): { value: T; seconds: number; cpu: number } {
  const c = cpuSeconds();
  const t = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - t) / 1000, cpu: cpuSeconds() - c };
}

async function timedAsync<T>(f: () => Promise<T>): Promise<{ value: T; seconds: number; cpu: number }> {
  const c = cpuSeconds();
  const t = performance.now();
  const value = await f();
  return { value, seconds: (performance.now() - t) / 1000, cpu: cpuSeconds() - c };
}

function evaluate(m: SentimentModel, s: SentimentSplit): { macroRecall: number; macroF1: number; accuracy: number; perSecond: number } {
  const { value: pred, seconds } = timed(() => m.predict(s.valText));
  const r = classificationReport(labelIndices(s.valLabels, m.labels), labelIndices(pred.map((p) => p.label), m.labels), m.labels.length);
  return { macroRecall: r.macroRecall, macroF1: r.macroF1, accuracy: r.accuracy, perSecond: s.valText.length / seconds };
}

async function benchTokenizer(texts: string[]): Promise<void> {
  const sample = texts.slice(0, 20000);
  for (const t of sample.slice(0, 2000)) tokenizeToStrings(t); // warm-up
  const rows: (string | number)[][] = [];
  const a = timed(() => sample.reduce((n, t) => n + tokenizeToStrings(t).length, 0));
  rows.push(['resonate tokenizeToStrings', Math.round(sample.length / a.seconds), Math.round(sample.length / a.cpu), a.value]);
  const b = timed(() => sample.reduce((n, t) => n + tokenize(t, { negation: true }).length, 0));
  rows.push(['resonate tokenize (Token objects, negation)', Math.round(sample.length / b.seconds), Math.round(sample.length / b.cpu), b.value]);
  try {
    const wink = (await import('wink-nlp')).default;
    const model = (await import('wink-eng-lite-web-model')).default;
    const nlp = wink(model);
    const w = timed(() => sample.reduce((n, t) => n + nlp.readDoc(t).tokens().out().length, 0));
    rows.push(['wink-nlp readDoc().tokens()', Math.round(sample.length / w.seconds), Math.round(sample.length / w.cpu), w.value]);
    rows.push(['ratio resonate strings / wink (wall)', (sample.length / a.seconds) / (sample.length / w.seconds), '', '']);
  } catch (e) {
    rows.push(['wink-nlp unavailable', String(e), '', '']);
  }
  console.log(`\n### Tokenizer (${sample.length} TweetEval tweets)\n`);
  console.log(table(['tokenizer', 'tweets/s (wall)', 'tweets/s (CPU)', 'tokens'], rows));
}

function runPeer(args: string[]): Record<string, number> | undefined {
  const py = python();
  if (!py) return undefined;
  try {
    const out = execFileSync(py, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  } catch (e) {
    console.log(`peer ${args[0]} failed: ${String(e).slice(0, 300)}`);
    return undefined;
  }
}

async function benchSentiment(splits: SentimentSplit[], skipPeers: boolean, tmp: string, withNbsvm: boolean): Promise<void> {
  for (const s of splits) {
    const loadBefore = load();
    const rows: (string | number)[][] = [];
    const lex = await trainSentiment({ texts: s.trainText, labels: s.trainLabels, model: 'lexicon' });
    const lr = await timedAsync(() => trainSentiment({ texts: s.trainText, labels: s.trainLabels, model: 'linear' }));
    const models: [string, SentimentModel, number | string, number | string][] = [
      ['lexicon (VADER)', lex, 0, 0],
      ['linear: tf-idf + LR (balanced)', lr.value, lr.seconds, lr.cpu],
      ['ensemble: lexicon + LR', createEnsembleModel([lex, lr.value]), '', ''],
    ];
    if (withNbsvm) {
      const nb = await timedAsync(() => trainSentiment({ texts: s.trainText, labels: s.trainLabels, model: 'linear', options: { classifier: 'nbsvm' } }));
      models.push(['linear: tf-idf + NB-SVM', nb.value, nb.seconds, nb.cpu], ['ensemble: LR + NB-SVM', createEnsembleModel([lr.value, nb.value]), '', '']);
    }
    for (const [name, m, fit, cpu] of models) {
      const r = evaluate(m, s);
      rows.push([name, r.macroRecall, r.macroF1, r.accuracy, fit, cpu, Math.round(r.perSecond)]);
    }
    if (!skipPeers) {
      const files = ['tt', 'tl', 'vt', 'vl'].map((f) => join(tmp, `${s.name}.${f}.txt`));
      [s.trainText, s.trainLabels, s.valText, s.valLabels].forEach((ls, i) => writeFileSync(files[i]!, ls.join('\n') + '\n'));
      const peer = runPeer([resolve('bench/peers/text_sklearn.py'), ...files]);
      if (peer) {
        rows.push(['scikit-learn tf-idf + LR (balanced)', peer.macro_recall!, peer.macro_f1!, peer.accuracy!, peer.fit_seconds!, peer.fit_cpu_seconds!, Math.round(s.valText.length / peer.predict_seconds!)]);
        const ours = evaluate(lr.value, s);
        rows.push(['ratio ours LR / scikit-learn', ours.macroRecall / peer.macro_recall!, '', '', lr.seconds / peer.fit_seconds!, lr.cpu / peer.fit_cpu_seconds!, '']);
      }
    }
    console.log(`\n### Sentiment: ${s.title} (${s.trainText.length} train, ${s.valText.length} validation; load average ${loadBefore} → ${load()})\n`);
    console.log(table(['model', 'macro-recall', 'macro-F1', 'accuracy', 'fit s (wall)', 'fit s (CPU)', 'predict tweets/s'], rows));
  }
}

/** Macro-recall of balanced LR on mean word vectors, TweetEval train → validation. */
function downstream(wv: WordVectors, s: SentimentSplit, tok: (t: string) => string[]): number {
  const toCsr = (texts: string[]) => csrFromDense(texts.length, wv.dim, meanVectors(texts.map(tok), wv));
  const set = labelSet(s.trainLabels);
  const m = fitLogisticRegression(toCsr(s.trainText), labelIndices(s.trainLabels, set), set.length, { classWeight: 'balanced', C: 10, maxIter: 300 });
  const P = predictProba(m, toCsr(s.valText));
  const K = set.length;
  const pred = Array.from({ length: s.valText.length }, (_, i) => {
    let b = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + b]!) b = k;
    return b;
  });
  return classificationReport(labelIndices(s.valLabels, set), pred, K).macroRecall;
}

async function benchWord2Vec(te: SentimentSplit, air: SentimentSplit, skipPeers: boolean, tmp: string, qualitySeeds = 0): Promise<void> {
  const tok = (t: string): string[] => tokenizeToStrings(t, { punctuation: false });
  const all = [...te.trainText, ...te.valText, ...air.trainText, ...air.valText];
  const corpus = all.map(tok);
  const corpusPath = join(tmp, 'corpus.txt');
  writeFileSync(corpusPath, corpus.map((s) => s.join(' ')).join('\n') + '\n');
  const rows: (string | number)[][] = [];
  const loadBefore = load();
  for (const arch of ['skipgram', 'cbow'] as const) {
    const r = await timedAsync(() => trainWord2Vec(corpus, { architecture: arch, threads: 2, seed: 42 }));
    const ours = r.value;
    const oursPath = join(tmp, `ours-${arch}.bin`);
    saveWord2Vec(oursPath, ours, 'binary');
    const q = downstream(ours, te, tok);
    rows.push([`resonate ${arch} (${ours.backend})`, Math.round(ours.wordsPerSecond), r.seconds, r.cpu, ours.words.length, q]);
    if (!skipPeers) {
      const gPath = join(tmp, `gensim-${arch}.bin`);
      const peer = runPeer([resolve('bench/peers/word2vec_gensim.py'), corpusPath, gPath, arch === 'skipgram' ? '1' : '0', '2', oursPath]);
      if (peer) {
        const g = loadWord2Vec(gPath, true);
        const gq = downstream(g, te, tok);
        rows.push([`gensim ${arch} (reads ours: ${peer.ours_vocab} words)`, Math.round(peer.words_per_second!), peer.seconds!, peer.cpu_seconds!, peer.vocab!, gq]);
        rows.push([`ratio ours / gensim ${arch}`, ours.wordsPerSecond / peer.words_per_second!, r.seconds / peer.seconds!, r.cpu / peer.cpu_seconds!, '', q / gq]);
      }
    }
  }
  console.log(`\n### word2vec (${corpus.length} tweets, dim 100, window 5, negative 5, min count 5, sample 1e-3, 5 epochs, 2 threads; load average ${loadBefore} → ${load()})\n`);
  console.log(table(['model', 'words/s', 'train s (wall)', 'train s (CPU, all threads)', 'vocabulary', 'downstream macro-recall (LR on mean vectors, TweetEval val)'], rows));
  if (qualitySeeds > 0) await downstreamOverSeeds(corpus, corpusPath, te, tok, qualitySeeds, skipPeers, tmp);
}

const meanSd = (v: number[]): string => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return `${m.toFixed(4)} ± ${sd.toFixed(4)}`;
};

/** Downstream macro-recall of ours and gensim's vectors over `n` seeds per architecture (the quality target). */
async function downstreamOverSeeds(corpus: string[][], corpusPath: string, te: SentimentSplit, tok: (t: string) => string[], n: number, skipPeers: boolean, tmp: string): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const arch of ['skipgram', 'cbow'] as const) {
    const ours: number[] = [], theirs: number[] = [];
    for (let k = 0; k < n; k++) {
      const seed = 42 + k;
      ours.push(downstream(await trainWord2Vec(corpus, { architecture: arch, threads: 2, seed }), te, tok));
      if (skipPeers) continue;
      const gPath = join(tmp, `gensim-${arch}-${seed}.bin`);
      if (runPeer([resolve('bench/peers/word2vec_gensim.py'), corpusPath, gPath, arch === 'skipgram' ? '1' : '0', '2', '-', String(seed)])) theirs.push(downstream(loadWord2Vec(gPath, true), te, tok));
    }
    const diff = theirs.length === ours.length ? ours.map((q, k) => q - theirs[k]!) : [];
    rows.push([arch, meanSd(ours), theirs.length ? meanSd(theirs) : '—', diff.length ? meanSd(diff) : '—']);
  }
  console.log(`\n### word2vec downstream quality over ${n} seeds (42…${41 + n}; LR on mean vectors, TweetEval validation macro-recall)\n`);
  console.log(table(['architecture', 'ours (mean ± sd)', 'gensim (mean ± sd)', 'ours − gensim, same seed (mean ± sd)'], rows));
}

export async function run(args: string[]): Promise<void> {
  const onlyArg = args.indexOf('--only');
  const only = onlyArg >= 0 ? new Set(args[onlyArg + 1]!.split(',')) : null;
  const want = (s: string): boolean => !only || only.has(s);
  const skipPeers = args.includes('--skip-peers');
  const tmp = mkdtempSync(join(tmpdir(), 'resonate-text-bench-'));
  console.log(`## Text benchmark\n\n${machineLine()}\n`);
  const te = tweeteval();
  const air = airline();
  if (want('tokenizer')) await benchTokenizer(te.trainText);
  if (want('sentiment')) await benchSentiment([te, air], skipPeers, tmp, !args.includes('--no-nbsvm'));
  const seedsArg = args.indexOf('--quality-seeds');
  if (want('word2vec')) await benchWord2Vec(te, air, skipPeers, tmp, seedsArg >= 0 ? Number(args[seedsArg + 1]) : 0);
}
