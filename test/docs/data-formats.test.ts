import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventSchema, followSchema, postSchema, userSchema, EVENT_TYPES } from '../../src/data/schemas.js';
import { importData } from '../../src/data/importers/index.js';
import { openStore } from '../../src/storage/open-store.js';

const doc = readFileSync(new URL('../../docs/data-formats.md', import.meta.url), 'utf8');

/** The text of the section `## \`name\`` up to the next `## `. */
function section(name: string): string {
  const start = doc.indexOf(`## \`${name}\``);
  expect(start, `section ${name}`).toBeGreaterThan(-1);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

describe('docs/data-formats.md', () => {
  it('documents every field of every row kind, and every event type', () => {
    const shapes = { user: userSchema.shape, post: postSchema.shape, follow: followSchema.shape, event: eventSchema.shape };
    for (const [kind, shape] of Object.entries(shapes)) {
      const text = section(kind);
      for (const field of Object.keys(shape)) expect(text, `${kind}.${field}`).toContain(`| \`${field}\` |`);
    }
    const events = section('event');
    for (const type of EVENT_TYPES) expect(events, type).toMatch(new RegExp(`\`${type}\``));
  });

  it('its jsonl example imports without a rejected row', async () => {
    const rows = /```jsonl\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(rows).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'resonate-data-formats-'));
    const store = await openStore('sqlite://:memory:');
    try {
      writeFileSync(join(dir, 'example.jsonl'), rows!);
      const report = await importData(store, 'jsonl', join(dir, 'example.jsonl'));
      expect(report.rejected).toEqual([]);
      expect(report.accepted).toEqual({ users: 2, posts: 2, follows: 1, events: 4 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
