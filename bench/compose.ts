/**
 * @module Hashtag suggestion on real tweets, the task built without labels: take the tweets that carry a hashtag,
 * hold out 20 % of them (seed 42), remove their hashtags from the text, and ask for 5 tags; recall@5 = hidden tags
 * found / hidden tags, averaged over held-out tweets. The suggester (naive Bayes over co-occurrence, and with the
 * author's history where the data names authors) against the popularity baseline (the 5 most used tags), on
 * TweetEval sentiment train and the airline tweets.
 *
 * Then the compose language model (completions): trained as served (the `compose.*` defaults) on 5,000 training
 * tweets, its validation perplexity (TweetEval: the validation split; airline: a seeded 20 % held out) beside a
 * unigram and a Kneser–Ney bigram over the same ids (its vocabulary, `<unk>`, `<eos>`, the first 24 words), and the
 * speed of sampling completions (tokens per CPU second).
 *
 * Usage: `npm run bench -- compose [--lm-only] [--lm-posts N]`
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { createRng } from '../src/core/rng.js';
import { HashtagSuggester, hashtagsIn, type ComposeDoc } from '../src/compose/hashtag-suggester.js';
import { completeDraft } from '../src/compose/completions.js';
import { ComposeLanguageModel, UNK } from '../src/compose/language-model.js';
import { KneserNeyBigram, UnigramModel, type NgramScore } from '../src/compose/ngram.js';
import { configSchema } from '../src/core/config.js';
import { dataDir, hasData, machineLine, table } from './_machine.js';

const K = 5;

function tweeteval(): ComposeDoc[] {
  const path = join(resolve(dataDir(), 'tweeteval-sentiment'), 'derived/train_text.stripped.txt');
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((text) => ({ text, tags: hashtagsIn(text) }));
}

function airline(): ComposeDoc[] {
  const rows = parse(readFileSync(join(resolve(dataDir(), 'twitter-airline-sentiment'), 'Tweets.csv')), { columns: true, skip_empty_lines: true }) as { text: string; name: string }[];
  return rows.map((r) => ({ text: r.text, tags: hashtagsIn(r.text), author: r.name }));
}

/** The text without its hashtags (what a writer has before choosing them). */
const untagged = (text: string): string => text.replace(/#[\p{L}\p{N}_]+/gu, ' ');

function evaluate(docs: ComposeDoc[]): (string | number)[][] {
  const rng = createRng(42);
  const tagged = docs.filter((d) => d.tags.length > 0);
  const order = rng.shuffle(tagged.map((_, i) => i));
  const cut = Math.floor(order.length * 0.8);
  const heldOut = new Set(order.slice(cut));
  // Training sees every other tweet, tagged or not (untagged ones teach nothing to naive Bayes but cost nothing).
  const heldOutDocs = new Set([...heldOut].map((i) => tagged[i]!));
  const train = docs.filter((d) => !heldOutDocs.has(d));
  const test = order.slice(cut).map((i) => tagged[i]!);
  const counts = new Map<string, number>();
  for (const d of train) for (const t of new Set(d.tags.map((x) => x.toLowerCase()))) counts.set(t, (counts.get(t) ?? 0) + 1);
  const popular = [...counts].sort((a, b) => b[1] - a[1]).slice(0, K).map(([t]) => t);
  const t0 = process.cpuUsage();
  const suggester = HashtagSuggester.fit(train);
  const fitMs = cpuSince(t0);
  const hasAuthors = docs.some((d) => d.author !== undefined);
  const recall = (pick: (d: ComposeDoc) => string[]): number => {
    let sum = 0;
    for (const d of test) {
      const hidden = new Set(d.tags.map((t) => t.toLowerCase()));
      const got = pick(d).filter((t) => hidden.has(t)).length;
      sum += got / hidden.size;
    }
    return sum / test.length;
  };
  const t1 = process.cpuUsage();
  const nb = recall((d) => suggester.suggest(untagged(d.text), { limit: K }).map((s) => s.tag));
  const suggestMs = cpuSince(t1) / test.length;
  const rows: (string | number)[][] = [
    ['popularity', recall(() => popular).toFixed(3), '', ''],
    ['naive Bayes (co-occurrence)', nb.toFixed(3), fitMs.toFixed(0), suggestMs.toFixed(2)],
  ];
  if (hasAuthors) rows.push(['naive Bayes + author history', recall((d) => suggester.suggest(untagged(d.text), { limit: K, ...(d.author ? { author: d.author } : {}) }).map((s) => s.tag)).toFixed(3), '', '']);
  return rows.map((r) => [`${train.length.toLocaleString('en-US')} / ${test.length.toLocaleString('en-US')}`, suggester.tagCount, ...r]);
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

const ppl = (s: NgramScore): string => Math.exp(s.nll / s.tokens).toFixed(1);

/** Perplexities of the language model and the count baselines on one split, and the sampling speed. */
async function languageModelRows(train: string[], val: string[], posts: number): Promise<(string | number)[][]> {
  const rng = createRng(42);
  const sample = rng.shuffle(train.map((_, i) => i)).slice(0, posts).map((i) => train[i]!);
  const c = configSchema.parse({}).compose;
  const t0 = process.cpuUsage(), w0 = performance.now();
  const lm = await ComposeLanguageModel.fit(sample, { vocabSize: c.vocabSize, embeddingDim: c.embeddingDim, hidden: c.hidden, epochs: c.epochs, seed: 42 });
  const fitCpu = cpuSince(t0) / 1000, fitWall = (performance.now() - w0) / 1000;
  const enc = (texts: string[]): number[][] => texts.map((t) => lm.encode(t)).filter((s) => s.length > 0);
  const trainIds = enc(sample), allIds = enc(train), valIds = enc(val);
  const oov = valIds.flat().filter((w) => w === UNK).length / valIds.flat().length;
  const lmScore = lm.negLogLikelihood(val);
  const split = `${sample.length.toLocaleString('en-US')} / ${valIds.length.toLocaleString('en-US')}`;
  const rows: (string | number)[][] = [
    [split, 'unigram (add-one)', ppl(new UnigramModel(trainIds, lm.vocabSize).score(valIds)), ''],
    [split, 'bigram, interpolated Kneser–Ney (d 0.75)', ppl(new KneserNeyBigram(trainIds, lm.vocabSize).score(valIds)), ''],
    [`${allIds.length.toLocaleString('en-US')} / ${valIds.length.toLocaleString('en-US')}`, 'bigram KN on the whole train split (same vocabulary)', ppl(new KneserNeyBigram(allIds, lm.vocabSize).score(valIds)), ''],
    [split, `GRU language model (${c.embeddingDim}-d embeddings, ${c.hidden} hidden, ${c.epochs} epochs)`, ppl(lmScore), `${fitCpu.toFixed(1)} / ${fitWall.toFixed(1)}`],
  ];
  // Sampling speed: 100 validation prefixes (their first 4 words), 3 completions each, as the route's defaults.
  const drafts = val.slice(0, 100).map((t) => t.split(/\s+/).slice(0, 4).join(' '));
  let tokens = 0;
  const t1 = process.cpuUsage(), w1 = performance.now();
  for (const d of drafts) {
    const r = await completeDraft(lm, d, { n: c.completions, temperature: c.temperature, topP: c.topP, maxTokens: c.maxTokens }, rng);
    tokens += r.completions.reduce((s, x) => s + x.text.split(' ').length, 0);
  }
  const genCpu = cpuSince(t1) / 1000, genWall = (performance.now() - w1) / 1000;
  console.log(`vocabulary ${lm.vocabSize} (with 4 special tokens), validation OOV rate ${(100 * oov).toFixed(1)} %, ${lmScore.tokens.toLocaleString('en-US')} validation tokens`);
  console.log(`sampling: ${drafts.length} drafts × ${c.completions} completions (T ${c.temperature}, top-p ${c.topP}, ≤ ${c.maxTokens} words): ${tokens} words returned, ` +
    `${(tokens / genCpu).toFixed(0)} words per CPU s, ${(tokens / genWall).toFixed(0)} per wall s (${(1000 * genWall / drafts.length).toFixed(0)} ms per request)\n`);
  return rows;
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

async function runLanguageModel(posts: number): Promise<void> {
  console.log(`\n## Compose language model (${machineLine()}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})\n`);
  const header = ['train / validation tweets', 'model', 'validation perplexity', 'fit CPU s / wall s'];
  if (hasData('tweeteval-sentiment')) {
    const d = resolve(dataDir(), 'tweeteval-sentiment');
    console.log('### TweetEval sentiment (train → validation)\n');
    const rows = await languageModelRows(lines(join(d, 'derived/train_text.stripped.txt')), lines(join(d, 'val_text.txt')), posts);
    console.log(table(header, rows), '\n');
  }
  if (hasData('twitter-airline-sentiment')) {
    const texts = airline().map((x) => x.text);
    const order = createRng(42).shuffle(texts.map((_, i) => i));
    const cut = Math.floor(order.length * 0.8);
    console.log('### airline tweets (seeded 80 / 20)\n');
    const rows = await languageModelRows(order.slice(0, cut).map((i) => texts[i]!), order.slice(cut).map((i) => texts[i]!), posts);
    console.log(table(header, rows), '\n');
  }
}

export async function run(args: string[] = []): Promise<void> {
  const at = args.indexOf('--lm-posts');
  const posts = at >= 0 ? Number(args[at + 1]) : 5000;
  if (!args.includes('--lm-only')) await runHashtags();
  await runLanguageModel(posts);
}

async function runHashtags(): Promise<void> {
  console.log(`\n## Hashtag suggestion (${machineLine()}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})\n`);
  for (const [name, dir, load] of [['TweetEval sentiment train', 'tweeteval-sentiment', tweeteval], ['airline tweets', 'twitter-airline-sentiment', airline]] as const) {
    if (!hasData(dir)) {
      console.log(`${name}: ${dir} not found in ${dataDir()}; skipped`);
      continue;
    }
    console.log(`### ${name}\n`);
    console.log(table(['train / held-out tweets', 'tags learned', 'method', `recall@${K}`, 'fit CPU ms', 'CPU ms per draft'], evaluate(load())));
    console.log();
  }
}
