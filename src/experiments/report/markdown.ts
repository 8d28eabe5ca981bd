/**
 * @module An experiment report as Markdown: the arms' metrics with 95 % intervals, the differences from the
 * control (raw and CUPED-adjusted) and the sample-ratio check.
 */
import type { Estimate } from './intervals.js';
import { METRIC_NAMES, type ExperimentReport } from './summarize.js';

const num = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const interval = (e: Estimate, digits = 4): string => `${num(e.value, digits)} [${num(e.low, digits)}, ${num(e.high, digits)}]`;
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '–');

export function reportMarkdown(r: ExperimentReport): string {
  const lines = [`# Experiment ${r.experiment}`, '', `Window ${r.start} – ${r.stop}; control: ${r.control}. Intervals are 95 %, clustered by user (delta method).`, ''];
  lines.push(`| metric | ${r.arms.map((a) => a.name).join(' | ')} |`, `|---|${r.arms.map(() => '---').join('|')}|`);
  lines.push(`| users (share) | ${r.arms.map((a) => `${a.users} (${a.share})`).join(' | ')} |`);
  lines.push(`| impressions | ${r.arms.map((a) => a.impressions).join(' | ')} |`);
  for (const m of METRIC_NAMES) lines.push(`| ${m} | ${r.arms.map((a) => interval(a.metrics[m])).join(' | ')} |`);
  lines.push(`| catalogue coverage | ${r.arms.map((a) => pct(a.catalogueCoverage)).join(' | ')} |`);
  lines.push(`| author coverage | ${r.arms.map((a) => pct(a.authorCoverage)).join(' | ')} |`, '');
  if (r.comparisons.length > 0) {
    lines.push('| arm | metric | difference | relative | CUPED difference | variance reduction |', '|---|---|---|---|---|---|');
    for (const c of r.comparisons) lines.push(`| ${c.arm} | ${c.metric} | ${interval(c.difference)} | ${pct(c.relative)} | ${interval(c.cuped.difference)} | ${pct(c.cuped.varianceReduction)} |`);
    lines.push('');
  }
  const s = r.sampleRatio;
  lines.push(`Sample ratio: χ² = ${num(s.chiSquare, 3)} (${s.degreesOfFreedom} df), p = ${s.pValue.toPrecision(3)}${s.mismatch ? ' — **MISMATCH: the arms are not comparable**' : ' (no mismatch)'}.`);
  if (r.crossovers > 0) lines.push(`${r.crossovers} users were served by more than one arm; their later pages are left out.`);
  return lines.join('\n') + '\n';
}
