/**
 * @module What every benchmark prints first: the machine, Node, date and commit, so results can be compared.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    /* not a checkout */
  }
  return `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, commit ${commit}`;
}

/** The shared datasets folder (`../shared/data` beside the repo, or RESONATE_DATA_DIR). */
export function dataDir(): string {
  return process.env.RESONATE_DATA_DIR ?? resolve(process.cwd(), '../shared/data');
}

export function hasData(sub: string): boolean {
  return existsSync(resolve(dataDir(), sub));
}

/** Debian's Python with torch/sklearn/gensim, when present. */
export function python(): string | undefined {
  for (const p of ['/usr/bin/python3']) if (existsSync(p)) return p;
  return undefined;
}

/** Renders rows as a markdown table. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const fmt = (v: string | number): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v);
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`)].join('\n');
}
