/**
 * @module Order-independent table checksums: every row as canonical JSON (keys sorted), hashed (SHA-256, first
 * 64 bits), summed modulo 2^64. Two stores holding the same rows get the same sum whatever the backend and the
 * order they are read in; a row missing, extra or changed changes it (a collision needs two different multisets
 * of rows whose hashes sum alike: about 2^-64 for accidental differences). Rows come through the `Store` reads,
 * so what is compared is what the store serves.
 */
import { createHash } from 'node:crypto';

const MASK = (1n << 64n) - 1n;

/** A running count and checksum of one table. */
export class TableChecksum {
  rows = 0;
  private sum = 0n;

  add(row: unknown): void {
    const digest = createHash('sha256').update(canonicalJson(row)).digest();
    this.sum = (this.sum + digest.readBigUInt64BE(0)) & MASK;
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
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
