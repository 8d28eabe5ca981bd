/**
 * @module word2vec files: the text format ("V dim" then "word x1 … xd" per line) and the binary format of
 * word2vec.c ("V dim\n" then per word: UTF-8 word, a space, dim little-endian float32, "\n"), as read by gensim's
 * `KeyedVectors.load_word2vec_format(path, binary=…)`.
 */
import { readFileSync } from 'node:fs';
import { createError } from '../../core/errors.js';
import { writeFileAtomic } from '../../nn/safetensors.js';
import { createWordVectors, type WordVectors } from './model.js';

/** Writes the text or binary word2vec format. */
export function saveWord2Vec(path: string, wv: WordVectors, format: 'text' | 'binary' = 'binary'): void {
  const V = wv.words.length, dim = wv.dim;
  if (format === 'text') {
    const lines = [`${V} ${dim}`];
    for (let i = 0; i < V; i++) {
      const row = Array.from(wv.vectors.subarray(i * dim, (i + 1) * dim), (x) => String(x));
      lines.push(`${wv.words[i]} ${row.join(' ')}`);
    }
    writeFileAtomic(path, Buffer.from(lines.join('\n') + '\n', 'utf8'));
    return;
  }
  const parts: Buffer[] = [Buffer.from(`${V} ${dim}\n`, 'utf8')];
  for (let i = 0; i < V; i++) {
    parts.push(Buffer.from(wv.words[i] + ' ', 'utf8'));
    const vec = Buffer.alloc(dim * 4 + 1);
    for (let c = 0; c < dim; c++) vec.writeFloatLE(wv.vectors[i * dim + c]!, c * 4);
    vec[dim * 4] = 10;
    parts.push(vec);
  }
  writeFileAtomic(path, Buffer.concat(parts));
}

/** Reads either format; `binary` is detected from the bytes when not given. */
export function loadWord2Vec(path: string, binary?: boolean): WordVectors {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw createError('FILE_NOT_FOUND', { path });
  }
  const nl = bytes.indexOf(10);
  const header = bytes.subarray(0, nl < 0 ? bytes.length : nl).toString('utf8').trim().split(/\s+/);
  const V = Number(header[0]), dim = Number(header[1]);
  if (!(Number.isInteger(V) && Number.isInteger(dim) && V >= 0 && dim > 0)) {
    throw createError('ARTIFACT_INVALID', { path, problem: `first line should be "<words> <dims>", found "${header.join(' ')}"` });
  }
  const isBinary = binary ?? looksBinary(bytes.subarray(nl + 1, nl + 1 + Math.min(bytes.length, 4096)));
  const words: string[] = [];
  const vectors = new Float32Array(V * dim);
  if (isBinary) {
    let pos = nl + 1;
    for (let i = 0; i < V; i++) {
      while (bytes[pos] === 10 || bytes[pos] === 13) pos++;
      const sp = bytes.indexOf(32, pos);
      if (sp < 0 || sp + 1 + dim * 4 > bytes.length) throw createError('ARTIFACT_INVALID', { path, problem: `word ${i + 1} of ${V} is truncated` });
      words.push(bytes.subarray(pos, sp).toString('utf8'));
      for (let c = 0; c < dim; c++) vectors[i * dim + c] = bytes.readFloatLE(sp + 1 + c * 4);
      pos = sp + 1 + dim * 4;
    }
  } else {
    const lines = bytes.subarray(nl + 1).toString('utf8').split('\n');
    for (let i = 0; i < V; i++) {
      const parts = (lines[i] ?? '').trimEnd().split(' ');
      if (parts.length !== dim + 1) throw createError('ARTIFACT_INVALID', { path, problem: `line ${i + 2} has ${parts.length - 1} values, expected ${dim}` });
      words.push(parts[0]!);
      for (let c = 0; c < dim; c++) vectors[i * dim + c] = Number(parts[c + 1]);
    }
  }
  return createWordVectors(words, dim, vectors);
}

function looksBinary(sample: Uint8Array): boolean {
  // Text files hold only printable UTF-8 and spaces; float bytes almost surely include control bytes.
  for (const b of sample) if (b < 9 || (b > 13 && b < 32)) return true;
  return false;
}
