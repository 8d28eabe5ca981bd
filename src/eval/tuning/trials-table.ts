/**
 * @module The trials of a search as a markdown table, best final-rung score first within each rung, for the
 * CLI and reports.
 */
import type { Trial } from './successive-halving.js';

export function trialsMarkdown(trials: readonly Trial[], metric = 'score'): string {
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const rows = [...trials].sort((a, b) => b.rung - a.rung || (Number.isNaN(a.score) ? 1 : Number.isNaN(b.score) ? -1 : b.score - a.score) || a.config - b.config);
  const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));
  const head = ['config', 'rung', 'resource', ...names, metric, 'seconds'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const t of rows) {
    const score = Number.isNaN(t.score) ? `failed: ${t.error ?? 'NaN'}` : t.score.toFixed(4);
    lines.push(`| ${[t.config, t.rung, t.resource.toPrecision(3), ...names.map((n) => fmt(t.params[n])), score, t.seconds.toFixed(2)].join(' | ')} |`);
  }
  return lines.join('\n');
}
