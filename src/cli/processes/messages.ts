/**
 * @module The messages between the primary of `resonate serve --processes N` and its API processes (node:cluster
 * IPC), and the environment variable naming a process's slot.
 */

/** Environment variable holding the slot (0 … N-1) of an API process; slot 0 trains and applies retention. */
export const SLOT_ENV = 'RESONATE_PROCESS_SLOT';

export type ToPrimary =
  | { type: 'resonate:ready'; address: string }
  | { type: 'resonate:metrics-request'; id: number }
  | { type: 'resonate:retrain' };

export type ToProcess =
  | { type: 'resonate:metrics'; id: number; text?: string; error?: string }
  | { type: 'resonate:retrain' };

export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return value !== null && typeof value === 'object' && (value as { type?: unknown }).type === type;
}
