/**
 * @module The slice of the WebAssembly JS API the kernels use, typed locally: the project compiles against
 * lib ES2023 + @types/node, neither of which declares the `WebAssembly` namespace.
 */

/** A compiled module (opaque; it can be posted to worker threads). */
export type WasmModule = object;

export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  /** Grows by `pages` 64 KiB pages; returns the previous size in pages; throws a RangeError past the maximum. */
  grow(pages: number): number;
}

export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The runtime's WebAssembly object, or undefined where there is none. */
export const wasmApi: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
