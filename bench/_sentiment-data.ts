/**
 * @module The two sentiment datasets the text benchmarks read from ../shared/data: TweetEval sentiment (train →
 * validation) and the airline tweets (stratified 80/20 split, seed 42).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { createRng } from '../src/core/rng.js';
import { labelSet } from '../src/text/sentiment/labels.js';
import { dataDir } from './_machine.js';

export interface SentimentSplit {
  /** Short key, used in file names and caches. */
  name: 'tweeteval' | 'airline';
  /** For headings. */
  title: string;
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

/** TweetEval sentiment; derived/train_text.stripped.txt stands in for the original train_text.txt (the dataset's SOURCE.md). */
export function tweeteval(): SentimentSplit {
  const d = resolve(dataDir(), 'tweeteval-sentiment');
  return {
    name: 'tweeteval',
    title: 'TweetEval',
    trainText: lines(join(d, 'derived/train_text.stripped.txt')),
    trainLabels: lines(join(d, 'train_labels.txt')).map((l) => l.trim()),
    valText: lines(join(d, 'val_text.txt')).map((l) => l.trim()),
    valLabels: lines(join(d, 'val_labels.txt')).map((l) => l.trim()),
  };
}

/** Airline tweets, stratified 80/20 split with seed 42 (per class: shuffle, first 20 % to validation). */
export function airline(): SentimentSplit {
  const rows = parse(readFileSync(resolve(dataDir(), 'twitter-airline-sentiment/Tweets.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  // One line per tweet: embedded line breaks become spaces (the peers read line files).
  const text = rows.map((r) => r.text!.replace(/[\r\n]+/g, ' ').trim());
  const label = rows.map((r) => r.airline_sentiment!);
  const rng = createRng(42);
  const val = new Set<number>();
  for (const c of labelSet(label)) {
    const idx = rng.shuffle(label.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0));
    for (const i of idx.slice(0, Math.round(idx.length * 0.2))) val.add(i);
  }
  const s: SentimentSplit = { name: 'airline', title: 'Airline', trainText: [], trainLabels: [], valText: [], valLabels: [] };
  text.forEach((t, i) => {
    const [texts, labels] = val.has(i) ? [s.valText, s.valLabels] : [s.trainText, s.trainLabels];
    texts.push(t);
    labels.push(label[i]!);
  });
  return s;
}
