/**
 * @module The exploration policy's learned state beside the model versions: `<version>/policy.json`, written
 * (atomically, 0600) into the serving version after each swap, every `SAVE_EVERY_SECONDS` while it learns, and
 * at close. At the first swap of a process the state is read back from the version being served, else from the
 * newest version that has one, when it was saved for the same policy spec, sources and context dimension. It
 * holds per-source statistics only, no user or post ids.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { Explorer } from '../feed/explorer.js';
import { writeFileAtomic } from '../nn/safetensors.js';
import { versionName, versionNumbers } from './model-versions.js';

/** The exploration policy's state in a version folder. */
export const POLICY_FILE = 'policy.json';
/** Seconds between two saves of a policy that is learning. */
export const SAVE_EVERY_SECONDS = 60;

export function savePolicyState(explorer: Explorer, dir: string, version: number, logger: Logger): void {
  try {
    writeFileAtomic(join(dir, versionName(version), POLICY_FILE), new TextEncoder().encode(JSON.stringify(explorer.toJSON()) + '\n'));
  } catch (e) {
    logger.warn({ err: e, version }, 'could not save the exploration policy beside its model version');
  }
}

/**
 * Restores the explorer from `version`'s saved state, else from the newest version holding one that fits;
 * returns the version restored from (undefined: the policy starts afresh). A damaged file is logged and skipped.
 */
export function restorePolicyState(explorer: Explorer, dir: string, version: number, logger: Logger): number | undefined {
  for (const v of [version, ...versionNumbers(dir).filter((n) => n !== version)]) {
    const path = join(dir, versionName(v), POLICY_FILE);
    if (!existsSync(path)) continue;
    try {
      if (explorer.adopt(JSON.parse(readFileSync(path, 'utf8')))) return v;
    } catch (e) {
      logger.warn({ err: e, path }, 'saved exploration policy skipped');
    }
  }
  return undefined;
}
