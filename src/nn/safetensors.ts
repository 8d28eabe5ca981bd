/**
 * @module safetensors I/O: the tensor file format of Hugging Face, readable by other tools.
 *
 * Layout: 8-byte little-endian u64 N, then N bytes of JSON header
 * `{"__metadata__": {string: string}, name: {dtype, shape, data_offsets: [begin, end]}}` padded with spaces to
 * a multiple of 8, then the raw little-endian tensor bytes. Offsets are relative to the end of the header.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createError } from '../core/errors.js';

export type TensorArray = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array;

export interface TensorEntry {
  data: TensorArray;
  shape: readonly number[];
}

export type TensorMap = Record<string, TensorEntry>;

const DTYPES: ReadonlyArray<[string, new (buf: ArrayBuffer, off: number, len: number) => TensorArray, number]> = [
  ['F32', Float32Array, 4],
  ['F64', Float64Array, 8],
  ['I32', Int32Array, 4],
  ['U8', Uint8Array, 1],
  ['I8', Int8Array, 1],
  ['I16', Int16Array, 2],
  ['U16', Uint16Array, 2],
  ['U32', Uint32Array, 4],
];

function dtypeOf(a: TensorArray): string {
  for (const [name, ctor] of DTYPES) if (a instanceof ctor) return name;
  throw new TypeError('safetensors: unsupported array type');
}

/** Encodes tensors and string metadata to safetensors bytes. */
export function encodeSafetensors(tensors: TensorMap, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name]!;
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length) {
      throw createError('SHAPE_MISMATCH', { op: 'safetensors', problem: `tensor ${name} has ${t.data.length} values but shape [${t.shape.join(', ')}]` });
    }
    header[name] = { dtype: dtypeOf(t.data), shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  const pad = (8 - (Buffer.byteLength(json) % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

/** Decodes safetensors bytes; `where` names the source in errors. */
export function decodeSafetensors(bytes: Uint8Array, where = 'safetensors'): { tensors: TensorMap; metadata: Record<string, string> } {
  const fail = (problem: string): never => {
    throw createError('ARTIFACT_INVALID', { path: where, problem });
  };
  if (bytes.length < 8) fail('file is shorter than the 8-byte header length');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (n > bytes.length - 8) fail(`header length ${n} exceeds the file size`);
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, n).toString('utf8')) as Record<string, unknown>;
  } catch {
    fail('header is not valid JSON');
  }
  const base = 8 + n;
  const tensors: TensorMap = {};
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    const info = raw as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const dt = DTYPES.find(([d]) => d === info.dtype);
    if (!dt) return fail(`tensor ${name} has unsupported dtype ${info.dtype}`);
    const [begin, end] = info.data_offsets;
    if (base + end > bytes.length || begin > end) fail(`tensor ${name} lies outside the file`);
    const count = (end - begin) / dt[2];
    if (count !== info.shape.reduce((a, b) => a * b, 1)) fail(`tensor ${name} has a size that does not match its shape`);
    // Copy so the tensor is aligned and independent of the file buffer.
    const copy = new ArrayBuffer(end - begin);
    new Uint8Array(copy).set(bytes.subarray(base + begin, base + end));
    tensors[name] = { data: new dt[1](copy, 0, count), shape: info.shape };
  }
  return { tensors, metadata };
}

/**
 * Writes a file atomically: to a fresh temporary name, fsync, then rename over the target, so readers never
 * see half a file. The file is created
 * owner-only (0600 by default): model weights and checkpoints can encode the data they were trained on.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, mode = 0o600): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function saveSafetensors(path: string, tensors: TensorMap, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function loadSafetensors(path: string): { tensors: TensorMap; metadata: Record<string, string> } {
  if (!existsSync(path)) throw createError('FILE_NOT_FOUND', { path });
  return decodeSafetensors(readFileSync(path), path);
}
