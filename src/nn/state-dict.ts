/**
 * @module Saving and loading a module's parameters as safetensors (names → F32 tensors, plus string metadata).
 */
import { loadSafetensors, saveSafetensors, encodeSafetensors, decodeSafetensors } from './safetensors.js';
import type { Module } from './module.js';

/** Writes `module.stateDict()` to `path` atomically. */
export function saveModule(path: string, module: Module, metadata: Record<string, string> = {}): void {
  saveSafetensors(path, module.stateDict(), metadata);
}

/** Loads parameters saved by `saveModule` into `module` (names and shapes must match); returns the metadata. */
export function loadModule(path: string, module: Module): Record<string, string> {
  const { tensors, metadata } = loadSafetensors(path);
  module.loadStateDict(tensors);
  return metadata;
}

/** In-memory forms of the same. */
export function encodeModule(module: Module, metadata: Record<string, string> = {}): Uint8Array {
  return encodeSafetensors(module.stateDict(), metadata);
}

export function decodeModule(bytes: Uint8Array, module: Module): Record<string, string> {
  const { tensors, metadata } = decodeSafetensors(bytes);
  module.loadStateDict(tensors);
  return metadata;
}
