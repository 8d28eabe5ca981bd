/**
 * @module Order-independent table checksums: every row as canonical JSON (keys sorted), hashed (SHA-256, first
 * 64 bits), summed modulo 2^64. Two stores holding the same rows get the same sum whatever the backend and the
 * order they are read in; a row missing, extra or changed changes it (a collision needs two different multisets
 * of rows whose hashes sum alike: about 2^-64 for accidental differences). Rows come through the `Store` reads,
 * so what is compared is what the store serves.
 */
import * as crypto from 'node:crypto';

const MASK = (1n << 64n) - 1n;

/** Hex SHA-256 of a string: the one-shot `crypto.hash` (Node ≥ 20.12) when present, no hash object per row. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** A running count and checksum of one table. */
export class TableChecksum {
  rows = 0;
  private sum = 0n;

  add(row: unknown): void {
    this.sum = (this.sum + BigInt(`0x${sha256Hex(canonicalJson(row)).slice(0, 16)}`)) & MASK;
    this.rows++;
  }

  /** 16 hex digits. */
  get checksum(): string {
    return this.sum.toString(16).padStart(16, '0');
  }
}

/** JSON with object keys sorted at every depth (arrays keep their order); undefined fields are left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Plain loops, no intermediate arrays of entries: this runs once per row of every table of a copy.
  let out = '{', first = true;
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}
