/**
 * @module Model versions on disk. Every training writes one version folder under `models.dir`:
 *
 *     v000003/manifest.json      specs, data fingerprint, sizes, timings, validation metrics, file list
 *     v000003/dataset.safetensors the snapshot the models were fitted on (their dense ids refer to it)
 *     v000003/<key>.safetensors   one file per model
 *     v000003/ranker.safetensors  the engagement ranker, saved once it has trained (optional)
 *     v000003/interest-vectorizer.safetensors  the fresh source's TF-IDF vocabulary (when the feed has it)
 *     v000003/topics.json         the trending topics of the snapshot
 *     v000003/policy.json         the exploration policy's state, written by the serving process (exploration-state.ts)
 *     CURRENT                     the version to serve (written by training and by `rollback`)
 *
 * A version is written into a hidden temporary folder and renamed into place once complete, and CURRENT is
 * replaced atomically after that, so a process killed while training or swapping leaves the previous version
 * serving. Loading checks each file; a damaged or mismatched version is reported and skipped.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { loadDataset, saveDataset } from '../data/dataset-io.js';
import { loadModelFile, saveModel } from '../models/registry.js';
import type { Recommender } from '../models/recommender.js';
import { canonicalJson, specKey, type ModelSpec } from '../models/model-spec.js';
import { writeFileAtomic } from '../nn/safetensors.js';
import { interestProfiles } from '../feed/interest-profiles.js';
import { topicsFromJson, type PostTopics } from '../feed/trending-topics.js';
import { loadVectorizer } from '../text/vectorizer.js';

/** What the store looked like when a version was trained; a different one means the data changed. */
export interface DataFingerprint {
  users: number;
  posts: number;
  follows: number;
  events: number;
}

export interface VersionManifest {
  format: 'resonate-model-version';
  formatVersion: 1;
  version: number;
  createdAt: string;
  specs: ModelSpec[];
  data: { fingerprint: DataFingerprint; users: number; items: number; interactions: number; now: number };
  models: { key: string; id: string; file: string; fitSeconds: number }[];
  timings: { datasetSeconds: number; fitSeconds: number; saveSeconds: number };
  /** nDCG@10 etc. of each model on a carve of the training data, when measured. */
  validation?: Record<string, Record<string, number>>;
  /** The key of the queued training job that wrote it (a second delivery of that job writes nothing). */
  jobKey?: string;
}

export interface LoadedVersion {
  manifest: VersionManifest;
  dataset: Dataset;
  models: Map<string, Recommender>;
  /** Trending topics saved with the version, when there are. */
  topics?: PostTopics;
}

export interface SkippedVersion {
  version: number;
  problem: string;
}

const FORMAT = 'resonate-model-version';
/** The second-stage ranker of a version, written after the version when it has trained in the background. */
export const RANKER_FILE = 'ranker.safetensors';
/** The compose language model, saved beside its version once trained in the background. */
export const COMPOSE_LM_FILE = 'compose-lm.safetensors';
/** The fresh source's TF-IDF vocabulary of the snapshot, fitted at training (when the feed has that source). */
export const PROFILES_FILE = 'interest-vectorizer.safetensors';
/** The trending topics of the snapshot (NMF over the posts with momentum), fitted at training. */
export const TOPICS_FILE = 'topics.json';
const NAME = /^v(\d{6,})$/;

export function versionName(version: number): string {
  return `v${String(version).padStart(6, '0')}`;
}

function fileOf(key: string): string {
  return `${key.replace(/[^A-Za-z0-9._-]+/g, '__')}.safetensors`;
}

/** Version numbers on disk, newest first (complete folders only). */
export function versionNumbers(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => NAME.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && statSync(join(dir, m[0])).isDirectory())
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
}

export function readManifest(dir: string, version: number): VersionManifest {
  const path = join(dir, versionName(version), 'manifest.json');
  if (!existsSync(path)) throw createError('ARTIFACT_INVALID', { path, problem: 'no manifest.json' });
  let m: VersionManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as VersionManifest;
  } catch {
    throw createError('ARTIFACT_INVALID', { path, problem: 'manifest.json is not valid JSON' });
  }
  if (m.format !== FORMAT || m.formatVersion !== 1 || m.version !== version || !Array.isArray(m.models) || !Array.isArray(m.specs)) {
    throw createError('ARTIFACT_INVALID', { path, problem: 'not a version manifest this Resonate reads' });
  }
  return m;
}

/** Every readable manifest, newest first; unreadable ones are listed under `skipped`. */
export function listVersions(dir: string): { versions: VersionManifest[]; skipped: SkippedVersion[]; current: number | undefined } {
  const versions: VersionManifest[] = [];
  const skipped: SkippedVersion[] = [];
  for (const v of versionNumbers(dir)) {
    try {
      versions.push(readManifest(dir, v));
    } catch (e) {
      skipped.push({ version: v, problem: (e as Error).message });
    }
  }
  return { versions, skipped, current: currentVersion(dir) };
}

/** The version CURRENT names, if any. */
export function currentVersion(dir: string): number | undefined {
  const path = join(dir, 'CURRENT');
  if (!existsSync(path)) return undefined;
  const v = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(v) && v > 0 ? v : undefined;
}

export function setCurrentVersion(dir: string, version: number): void {
  if (!versionNumbers(dir).includes(version)) throw createError('MODEL_VERSION_NOT_FOUND', { version: String(version), dir });
  writeFileAtomic(join(dir, 'CURRENT'), new TextEncoder().encode(`${version}\n`));
}

export interface SaveVersionInput {
  specs: readonly ModelSpec[];
  dataset: Dataset;
  models: ReadonlyMap<string, Recommender>;
  fingerprint: DataFingerprint;
  fitSeconds: Record<string, number>;
  datasetSeconds: number;
  validation?: VersionManifest['validation'];
  /** Further files of the version: each writes itself to the path it is given. */
  extras?: readonly { file: string; save(path: string): void }[];
  jobKey?: string;
}

/** Writes a complete version, makes it CURRENT, and returns its manifest. */
export function saveVersion(dir: string, input: SaveVersionInput): VersionManifest {
  const t0 = performance.now();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const version = (versionNumbers(dir)[0] ?? 0) + 1;
  const tmp = join(dir, `.${versionName(version)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { mode: 0o700 });
  try {
    saveDataset(input.dataset, join(tmp, 'dataset.safetensors'));
    const models: VersionManifest['models'] = [];
    for (const [key, model] of input.models) {
      const file = fileOf(key);
      saveModel(model, join(tmp, file));
      models.push({ key, id: model.id, file, fitSeconds: input.fitSeconds[key] ?? 0 });
    }
    for (const extra of input.extras ?? []) extra.save(join(tmp, extra.file));
    const d = input.dataset;
    const manifest: VersionManifest = {
      format: FORMAT,
      formatVersion: 1,
      version,
      createdAt: new Date().toISOString(),
      specs: [...input.specs],
      data: { fingerprint: input.fingerprint, users: d.users.size, items: d.items.size, interactions: d.interactions.indptr[d.interactions.rows]!, now: d.now },
      models,
      timings: { datasetSeconds: input.datasetSeconds, fitSeconds: Object.values(input.fitSeconds).reduce((a, b) => a + b, 0), saveSeconds: 0 },
      ...(input.validation ? { validation: input.validation } : {}),
      ...(input.jobKey ? { jobKey: input.jobKey } : {}),
    };
    manifest.timings.saveSeconds = (performance.now() - t0) / 1000;
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, join(dir, versionName(version)));
    setCurrentVersion(dir, version);
    return manifest;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The version a queued training job with this key wrote, if any is on disk. */
export function versionOfJob(dir: string, jobKey: string): number | undefined {
  for (const v of versionNumbers(dir)) {
    try {
      if (readManifest(dir, v).jobKey === jobKey) return v;
    } catch {
      // unreadable: not this job's
    }
  }
  return undefined;
}

/** Loads one version's dataset and models; throws ARTIFACT_INVALID (or FILE_NOT_FOUND) naming what is wrong. */
export function loadVersion(dir: string, version: number): LoadedVersion {
  const manifest = readManifest(dir, version);
  const folder = join(dir, versionName(version));
  const dataset = loadDataset(join(folder, 'dataset.safetensors'));
  const models = new Map<string, Recommender>();
  for (const m of manifest.models) models.set(m.key, loadModelFile(join(folder, m.file)));
  for (const spec of manifest.specs) {
    if (!models.has(specKey(spec))) throw createError('ARTIFACT_INVALID', { path: folder, problem: `no model file for ${specKey(spec)}` });
  }
  const profiles = join(folder, PROFILES_FILE);
  if (existsSync(profiles)) interestProfiles(dataset).adopt(loadVectorizer(profiles));
  const topicsPath = join(folder, TOPICS_FILE);
  const topics = existsSync(topicsPath) ? topicsFromJson(readFileSync(topicsPath, 'utf8')) : undefined;
  return { manifest, dataset, models, ...(topics ? { topics } : {}) };
}

/**
 * The version to serve for these specs: CURRENT when its specs match, else the newest matching version.
 * Versions that fail to load are reported in `skipped` and passed over.
 */
export function loadServingVersion(dir: string, specs: readonly ModelSpec[]): { loaded?: LoadedVersion; skipped: SkippedVersion[] } {
  const wanted = canonicalJson(specs);
  const current = currentVersion(dir);
  const order = versionNumbers(dir);
  if (current !== undefined && order.includes(current)) {
    order.splice(order.indexOf(current), 1);
    order.unshift(current);
  }
  const skipped: SkippedVersion[] = [];
  for (const v of order) {
    try {
      const manifest = readManifest(dir, v);
      if (canonicalJson(manifest.specs) !== wanted) continue;
      return { loaded: loadVersion(dir, v), skipped };
    } catch (e) {
      skipped.push({ version: v, problem: (e as Error).message });
    }
  }
  return { skipped };
}

/** Deletes all but the newest `keep` versions (the CURRENT one is always kept) and stale temporary folders. */
export function pruneVersions(dir: string, keep: number): number[] {
  if (!(Number.isInteger(keep) && keep >= 1)) throw createError('INVALID_INPUT', { field: 'keep', problem: `expected an integer ≥ 1, got ${keep}` });
  if (!existsSync(dir)) return [];
  const current = currentVersion(dir);
  const removed = versionNumbers(dir).slice(keep).filter((v) => v !== current);
  for (const v of removed) rmSync(join(dir, versionName(v)), { recursive: true, force: true });
  for (const n of readdirSync(dir)) {
    const m = /^\.v\d+\.tmp-(\d+)-/.exec(n);
    if (m && !processAlive(Number(m[1]))) rmSync(join(dir, n), { recursive: true, force: true });
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Deletes every version trained before `time` (epoch ms) except `keep` (the one serving, when its successor
 * failed to train): after an erasure, older versions still hold the erased user's data.
 */
export function dropVersionsBefore(dir: string, time: number, keep?: number): number[] {
  const dropped: number[] = [];
  for (const v of versionNumbers(dir)) {
    if (v === keep) continue;
    let created: number;
    try {
      created = Date.parse(readManifest(dir, v).createdAt);
    } catch {
      created = -Infinity; // unreadable: it may hold anything
    }
    if (created < time) {
      rmSync(join(dir, versionName(v)), { recursive: true, force: true });
      dropped.push(v);
    }
  }
  return dropped;
}
