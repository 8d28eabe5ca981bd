/**
 * @module Hashtag suggestion on real tweets, the task built without labels: take the tweets that carry a hashtag,
 * hold out 20 % of them (seed 42), remove their hashtags from the text, and ask for 5 tags; recall@5 = hidden tags
 * found / hidden tags, averaged over held-out tweets. The suggester (naive Bayes over co-occurrence, and with the
 * author's history where the data names authors) against the popularity baseline (the 5 most used tags), on
 * TweetEval sentiment train and the airline tweets.
 *
 * Usage: `npm run bench -- compose`
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { createRng } from '../src/core/rng.js';
import { HashtagSuggester, hashtagsIn, type ComposeDoc } from '../src/compose/hashtag-suggester.js';
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

export async function run(): Promise<void> {
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
