/**
 * @module MurmurHash3 x86 32-bit (Austin Appleby) over the UTF-8 bytes of a string: the hash of scikit-learn's
 * HashingVectorizer (`murmurhash3_32(term, seed=0)`), so hashed features line up with it.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const ENCODER = new TextEncoder();

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** MurmurHash3_x86_32 of bytes; returns a signed 32-bit integer (as scikit-learn with positive=False). */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const n = bytes.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= mixK(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = bytes[blocks]!;
    if (tail > 1) k |= bytes[blocks + 1]! << 8;
    if (tail > 2) k |= bytes[blocks + 2]! << 16;
    h ^= mixK(k);
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const SCRATCH = new Uint8Array(1024);

/** MurmurHash3_x86_32 of the UTF-8 encoding of s (signed 32-bit). ASCII strings skip the encoder. */
export function murmur3(s: string, seed = 0): number {
  const len = s.length;
  if (len <= SCRATCH.length) {
    let ascii = true;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) {
        ascii = false;
        break;
      }
      SCRATCH[i] = c;
    }
    if (ascii) return murmur3Bytes(SCRATCH.subarray(0, len), seed);
  }
  return murmur3Bytes(ENCODER.encode(s), seed);
}
