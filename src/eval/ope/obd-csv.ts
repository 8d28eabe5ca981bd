/**
 * @module The Open Bandit Dataset's CSV (`<policy>/<campaign>.csv` of the small release, Saito et al. 2021): one
 * row per shown item, with columns `item_id`, `position` (1–3), `click`, `propensity_score`, `user_feature_0..3`
 * (hashed categories, kept as strings) and `user-item_affinity_*` (numbers; zeros are left out of the context, as a
 * linear model reads an absent number as 0). The unnamed first column (a row index) and `timestamp` are ignored.
 */
import { parse } from 'csv-parse/sync';
import { createError } from '../../core/errors.js';
import { readTextFile } from './read-file.js';
import type { LoggedRow } from './types.js';

const REQUIRED = ['item_id', 'position', 'click'] as const;

/** The rows of an OBD CSV file, in file order. */
export function readObdCsv(path: string): LoggedRow[] {
  const records = parse(readTextFile(path), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const header = records.length ? Object.keys(records[0]!) : [];
  for (const column of REQUIRED) if (!header.includes(column)) throw createError('INVALID_INPUT', { field: `${path}`, problem: `the Open Bandit Dataset column "${column}" is missing (columns: ${header.join(', ')})` });
  const categorical = header.filter((c) => c.startsWith('user_feature_'));
  const numeric = header.filter((c) => c.startsWith('user-item_affinity_'));
  const hasPropensity = header.includes('propensity_score');
  return records.map((rec, i) => {
    const number = (column: string): number => {
      const v = Number(rec[column]);
      if (rec[column] === '' || !Number.isFinite(v)) throw createError('INVALID_INPUT', { field: `${path} row ${i + 1} ${column}`, problem: `expected a number, got "${rec[column]}"` });
      return v;
    };
    const context: Record<string, number | string> = {};
    for (const c of categorical) context[c] = rec[c] ?? '';
    for (const c of numeric) {
      const v = number(c);
      if (v !== 0) context[c] = v;
    }
    const propensity = hasPropensity && rec.propensity_score !== '' ? number('propensity_score') : undefined;
    return { action: String(rec.item_id), position: number('position'), reward: number('click'), ...(propensity === undefined ? {} : { propensity }), context };
  });
}

/** Mean of a log's rewards (an on-policy log's value). */
export function meanReward(rows: readonly LoggedRow[]): number {
  let s = 0;
  for (const r of rows) s += r.reward;
  return rows.length ? s / rows.length : Number.NaN;
}
