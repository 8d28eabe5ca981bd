/**
 * @module The `jsonl:` log format: one JSON object a line,
 * `{"action": "p1", "position": 1, "reward": 0, "propensity": 0.25, "context": {"country": "fr", "age": 31}, "slate": "imp-7"}`.
 * `action` (string or number) and `reward` are required; `position` defaults to 1; `propensity` may be absent
 * (then only the direct method can run); `slate` groups the rows of one impression. Blank lines are skipped.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { readTextFile } from './read-file.js';
import type { LoggedRow } from './types.js';

const RowSchema = z.object({
  action: z.union([z.string().min(1), z.number()]),
  position: z.number().int().min(1).default(1),
  reward: z.number().finite(),
  propensity: z.number().min(0).max(1).optional(),
  context: z.record(z.string(), z.union([z.number().finite(), z.string()])).optional(),
  slate: z.union([z.string(), z.number()]).optional(),
}).strict();

export function readJsonlLog(path: string): LoggedRow[] {
  const rows: LoggedRow[] = [];
  readTextFile(path).split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw createError('INVALID_JSON', { where: `${path} line ${i + 1}`, problem: (e as Error).message });
    }
    const parsed = RowSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw createError('INVALID_INPUT', { field: `${path} line ${i + 1}${issue.path.length ? ` ${issue.path.join('.')}` : ''}`, problem: issue.message });
    }
    const r = parsed.data;
    rows.push({
      action: String(r.action),
      position: r.position,
      reward: r.reward,
      ...(r.propensity === undefined ? {} : { propensity: r.propensity }),
      ...(r.context === undefined ? {} : { context: r.context }),
      ...(r.slate === undefined ? {} : { slateId: String(r.slate) }),
    });
  });
  return rows;
}
