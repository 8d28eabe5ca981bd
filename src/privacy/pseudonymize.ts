/**
 * @module Keyed pseudonymization of external user ids: HMAC-SHA-256(key, id), so a store never holds the raw id.
 *
 * The same id always maps to the same pseudonym under one key, so feeds, follows and models work unchanged. The
 * mapping cannot be reversed: without the key a pseudonym says nothing of the id, and even with the key the only way
 * back is to hash candidate ids and compare. Who holds the key can compute raw → pseudonym (that is what the API's
 * admin look-up does), never pseudonym → raw.
 */
import { createHmac } from 'node:crypto';
import { idSchema } from '../data/schemas.js';

/** Prefix of every pseudonym: tells a pseudonym from a raw id when reading the store. */
export const PSEUDONYM_PREFIX = 'psn_';

/** Fields holding user ids, per row kind. Post and event ids are not user ids and stay as sent. */
export const USER_ID_FIELDS = {
  users: ['id'],
  posts: ['author'],
  follows: ['follower', 'followee'],
  events: ['user', 'target_user'],
} as const satisfies Record<string, readonly string[]>;

/** Fields holding arrays of user ids, per row kind (a post's mention edges). */
const USER_ID_LIST_FIELDS: Readonly<Partial<Record<PseudonymizedKind, readonly string[]>>> = { posts: ['mentions'] };

export type PseudonymizedKind = keyof typeof USER_ID_FIELDS;

/** `psn_` + the base64url HMAC-SHA-256 of the id under `key` (47 characters, a valid id itself). */
export function pseudonymizeId(id: string, key: string | Uint8Array): string {
  return PSEUDONYM_PREFIX + createHmac('sha256', key).update(id, 'utf8').digest('base64url');
}

/**
 * A copy of `rows` with every user-id field of `kind` pseudonymized. Anything that is not a valid id (wrong type,
 * empty, too long, control characters) is left as it is, so validation still refuses it with its usual message:
 * hashing would turn any garbage into a valid-looking id. A value that is not an array of objects is returned
 * unchanged for the same reason.
 * @example pseudonymizeRows('follows', [{ follower: 'ana', followee: 'ben' }], key) // both fields become psn_…
 */
export function pseudonymizeRows(kind: PseudonymizedKind, rows: unknown, key: string | Uint8Array): unknown {
  if (!Array.isArray(rows)) return rows;
  const fields: readonly string[] = USER_ID_FIELDS[kind];
  return rows.map((row: unknown) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return row;
    const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
    for (const f of fields) {
      const v = out[f];
      if (typeof v === 'string' && idSchema.safeParse(v).success) out[f] = pseudonymizeId(v, key);
    }
    for (const f of USER_ID_LIST_FIELDS[kind] ?? []) {
      const v = out[f];
      if (Array.isArray(v)) out[f] = v.map((x: unknown) => (typeof x === 'string' && idSchema.safeParse(x).success ? pseudonymizeId(x, key) : x));
    }
    return out;
  });
}
