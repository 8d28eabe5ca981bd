/**
 * @module The import report in a few plain lines: per kind, how many rows were created, updated, merged as
 * duplicates and rejected, then the lines that were no row at all.
 */
import type { EntityKind, ImportReport } from './types.js';

const KINDS: readonly EntityKind[] = ['users', 'posts', 'follows', 'events'];

/**
 * @example importSummary(report) →
 * "users: 1,893 created, 0 updated, 0 merged duplicates, 0 rejected\n…"
 */
export function importSummary(report: ImportReport): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const lines = KINDS.map((k) => {
    const c = report.rows[k];
    return `${k}: ${n(c.created)} created, ${n(c.updated)} updated, ${n(c.merged)} merged duplicates, ${n(c.rejected)} rejected`;
  });
  const other = report.rejectedCount - KINDS.reduce((s, k) => s + report.rows[k].rejected, 0);
  if (other > 0) lines.push(`unreadable lines: ${n(other)} rejected`);
  for (const note of report.notes ?? []) lines.push(`note: ${note}`);
  return lines.join('\n');
}
