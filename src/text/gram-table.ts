/**
 * @module Open-addressing hash table from n-grams to column ids, keyed by two independent 32-bit hashes of the
 * n-gram's UTF-16 code units (FNV-1a and a multiply–xorshift hash), so counting n-grams needs no substring and
 * no string hashing by the engine. Two different n-grams share both hashes with probability 2⁻⁶⁴ per pair
 * (about 10⁻⁷ for the few million n-grams of a tweet corpus).
 */

export const H1_SEED = 0x811c9dc5 | 0;
export const H2_SEED = 0x9747b28c | 0;

/** FNV-1a step. */
export function h1Step(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/** Multiply–xorshift step. */
export function h2Step(h: number, c: number): number {
  h = Math.imul(h ^ c, 0x5bd1e995);
  return h ^ (h >>> 15);
}

/** Both hashes of a whole string (equal to hashing it incrementally, code unit by code unit). */
export function hashString(s: string): [number, number] {
  let a = H1_SEED, b = H2_SEED;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = h1Step(a, c);
    b = h2Step(b, c);
  }
  return [a, b];
}

export class GramTable {
  private k1: Int32Array;
  private k2: Int32Array;
  private val: Int32Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.k1 = new Int32Array(cap);
    this.k2 = new Int32Array(cap);
    this.val = new Int32Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** The id stored for (h1, h2), or −1. */
  get(h1: number, h2: number): number {
    const { k1, k2, used, mask } = this;
    let i = (h1 ^ (h2 >>> 7)) & mask;
    while (used[i] === 1) {
      if (k1[i] === h1 && k2[i] === h2) return this.val[i]!;
      i = (i + 1) & mask;
    }
    return -1;
  }

  /** Stores id for (h1, h2) (overwrites). */
  set(h1: number, h2: number, id: number): void {
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    const { k1, k2, used, mask } = this;
    let i = (h1 ^ (h2 >>> 7)) & mask;
    while (used[i] === 1) {
      if (k1[i] === h1 && k2[i] === h2) {
        this.val[i] = id;
        return;
      }
      i = (i + 1) & mask;
    }
    used[i] = 1;
    k1[i] = h1;
    k2[i] = h2;
    this.val[i] = id;
    this.size++;
  }

  /** Replaces every id by map[id] (−1 hides the entry; its slot stays so probe chains hold). */
  remap(map: Int32Array): void {
    for (let i = 0; i < this.val.length; i++) if (this.used[i] === 1 && this.val[i]! >= 0) this.val[i] = map[this.val[i]!]!;
  }

  private grow(): void {
    const { k1, k2, val, used } = this;
    const cap = used.length * 2;
    this.k1 = new Int32Array(cap);
    this.k2 = new Int32Array(cap);
    this.val = new Int32Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.set(k1[i]!, k2[i]!, val[i]!);
  }
}
