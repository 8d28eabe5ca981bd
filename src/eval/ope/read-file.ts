/**
 * @module Reads a log or policy file as text, answering FILE_NOT_FOUND for a missing path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createError } from '../../core/errors.js';

export function readTextFile(path: string): string {
  if (!existsSync(path)) throw createError('FILE_NOT_FOUND', { path });
  return readFileSync(path, 'utf8');
}
