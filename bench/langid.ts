/**
 * @module Language identification: accuracy and posts/s of ELD (the three database sizes), franc-min and tinyld on
 * the labelled sample of `test/fixtures/langid/sample.tsv` (144 posts, 12 languages), each post repeated so a run
 * lasts long enough to time. "accuracy (short)" is on the first three words of each post (6 characters for Chinese and
 * Japanese). CPU time is printed beside wall time (the machine is shared).
 *
 * `npm run bench -- langid [--repeat N]` (default 50 passes over the sample)
 */
import { loadavg } from 'node:os';
import { langidSample } from '../test/fixtures/langid/sample.js';
import { tokenizeToStrings } from '../src/text/tokenize.js';
import { machineLine, table } from './_machine.js';

type Detect = (text: string) => string;

// franc answers ISO 639-3; the sample is labelled in ISO 639-1.
const FRANC_TO_ISO1: Record<string, string> = {
  eng: 'en', spa: 'es', fra: 'fr', deu: 'de', ita: 'it', por: 'pt', nld: 'nl', rus: 'ru', cmn: 'zh', jpn: 'ja', kor: 'ko', arb: 'ar',
};

/** The harder case of a very short post: the first three words, or the first 6 characters of a text without spaces. */
function shortened(text: string): string {
  const words = text.split(' ');
  return words.length >= 3 ? words.slice(0, 3).join(' ') : text.slice(0, 6);
}

async function detectors(): Promise<[string, Detect][]> {
  const out: [string, Detect][] = [];
  for (const size of ['large', 'medium', 'small', 'extrasmall'] as const) {
    const t0 = performance.now();
    const { eld } = (await import(`eld/${size}`)) as typeof import('eld/medium');
    out.push([`eld/${size} (load ${(performance.now() - t0).toFixed(0)} ms)`, (t) => eld.detect(t).language]);
  }
  const { franc } = await import('franc-min');
  out.push(['franc-min', (t) => { const c = franc(t); return FRANC_TO_ISO1[c] ?? c; }]);
  const tinyld = await import('tinyld');
  out.push(['tinyld', (t) => tinyld.detect(t)]);
  return out;
}

export async function run(args: string[]): Promise<void> {
  const repeatAt = args.indexOf('--repeat');
  const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 50;
  const sample = langidSample();
  console.log(machineLine());
  console.log(`load ${loadavg()[0]!.toFixed(2)}; sample ${sample.length} posts in ${new Set(sample.map((s) => s.lang)).size} languages; ${repeat} passes timed\n`);
  const rows: (string | number)[][] = [];
  for (const [name, detect] of await detectors()) {
    let correct = 0, correctShort = 0;
    const wrong: string[] = [];
    for (const s of sample) {
      const got = detect(s.text);
      if (got === s.lang) correct++;
      else wrong.push(`${s.lang}→${got || '∅'}`);
      if (detect(shortened(s.text)) === s.lang) correctShort++;
    }
    const c0 = process.cpuUsage(), t0 = performance.now();
    for (let r = 0; r < repeat; r++) for (const s of sample) detect(s.text);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const n = repeat * sample.length;
    rows.push([name, `${correct}/${sample.length}`, correct / sample.length, correctShort / sample.length, Math.round(n / wall), Math.round(n / cpuSeconds), wrong.slice(0, 6).join(' ') || '—']);
  }
  console.log(table(['detector', 'correct', 'accuracy', 'accuracy (short)', 'posts/s (wall)', 'posts/s (CPU)', 'errors (first 6)'], rows));
  console.log('\nTokenizer (Chinese and Japanese runs segmented by Intl.Segmenter) on the same posts, by script:\n');
  const tok: (string | number)[][] = [];
  for (const [label, langs] of [['zh, ja', ['zh', 'ja']], ['other languages', sample.map((s) => s.lang).filter((l) => l !== 'zh' && l !== 'ja')]] as const) {
    const texts = sample.filter((s) => (langs as readonly string[]).includes(s.lang)).map((s) => s.text);
    const c0 = process.cpuUsage(), t0 = performance.now();
    let tokens = 0;
    for (let r = 0; r < repeat * 4; r++) for (const t of texts) tokens += tokenizeToStrings(t).length;
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const n = repeat * 4 * texts.length;
    tok.push([label, texts.length, Math.round(n / wall), Math.round(n / ((cpu.user + cpu.system) / 1e6)), (tokens / n).toFixed(1)]);
  }
  console.log(table(['posts', 'sample', 'posts/s (wall)', 'posts/s (CPU)', 'tokens/post'], tok));
}
