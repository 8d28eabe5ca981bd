/**
 * @module The moderation signal at ingest: a text classifier (`config.moderation`: a saved file, or trained when
 * the engine starts from labelled texts) gives each post written through the API the probability of its
 * offensive label in `features.offensive`. Off (nothing changes) when no classifier is configured. The feed acts
 * on the stored probability (src/feed/moderation.ts).
 */
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Post } from '../data/schemas.js';
import type { Store } from '../storage/store.js';
import { readFileSync } from 'node:fs';
import { calibrateClassifier, loadClassifier, readClassifierSpec, trainClassifier, type TextClassifier } from '../text/index.js';

/** The feature the probability is stored under. */
export const OFFENSIVE_FEATURE = 'offensive';

export interface ModerationScorer {
  /** Gives posts without `features.offensive` the classifier's probability (waits for a classifier still training). */
  score(posts: Post[]): Promise<void>;
  /** The offensive probability of each text (waits for a classifier still training); undefined when its training failed. */
  probabilities(texts: string[]): Promise<Float64Array | undefined>;
}

/** The probability of label `k` for each text. */
function labelProbabilities(model: TextClassifier, k: number, texts: string[]): Float64Array {
  const K = model.labels.length;
  const P = model.predictProba(texts);
  return Float64Array.from(texts, (_, i) => P[i * K + k]!);
}

/** Which label's probability is the signal: the configured one, else `offensive`, else `1`. */
export function signalLabel(model: TextClassifier, configured: string | undefined): number {
  const wanted = configured ?? (model.labels.includes('offensive') ? 'offensive' : '1');
  const k = model.labels.indexOf(wanted);
  if (k < 0) throw createError('INVALID_CONFIG', { field: 'moderation.label', problem: `the classifier predicts [${model.labels.join(', ')}], not "${wanted}"` });
  return k;
}

/** Adds the probability of label `k` to posts with text and no `features.offensive`, rounded to 4 decimals. */
export function addOffensive(posts: Post[], model: TextClassifier, k: number): void {
  const todo = posts.filter((p) => p.text !== '' && p.features?.[OFFENSIVE_FEATURE] === undefined);
  if (todo.length === 0) return;
  const P = labelProbabilities(model, k, todo.map((p) => p.text));
  todo.forEach((p, i) => {
    p.features = { ...p.features, [OFFENSIVE_FEATURE]: Math.round(P[i]! * 1e4) / 1e4 };
  });
}

const lines = (path: string): string[] => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw createError('FILE_NOT_FOUND', { path });
  }
  const all = text.split(/\r?\n/);
  if (all.at(-1) === '') all.pop();
  return all;
};

async function trainFromConfig(m: ResonateConfig['moderation']): Promise<TextClassifier> {
  const spec = m.spec ? readClassifierSpec(m.spec) : {};
  const texts = lines(m.trainText!), labels = lines(m.trainLabels!).map((l) => l.trim());
  const model = await trainClassifier({ texts, labels, model: spec.model ?? 'linear', ...(spec.options ? { options: spec.options } : {}) });
  if (!m.valText || !m.valLabels) return model;
  return calibrateClassifier(model, lines(m.valText), lines(m.valLabels).map((l) => l.trim()));
}

/**
 * The scorer of `config.moderation`, or undefined when it names no classifier. A saved classifier is read now (a
 * bad file stops the engine from starting); a configured training starts now and posts written meanwhile wait.
 */
export function createModerationScorer(m: ResonateConfig['moderation'], logger: Logger): ModerationScorer | undefined {
  if (m.classifier) {
    const model = loadClassifier(m.classifier);
    const k = signalLabel(model, m.label);
    logger.info({ classifier: m.classifier, kind: model.kind }, 'moderation classifier loaded');
    return { score: async (posts) => addOffensive(posts, model, k), probabilities: async (texts) => labelProbabilities(model, k, texts) };
  }
  if (!m.trainText || !m.trainLabels) return undefined;
  const started = performance.now();
  const ready = trainFromConfig(m).then(
    (model) => {
      const k = signalLabel(model, m.label);
      logger.info({ kind: model.kind, seconds: Math.round((performance.now() - started) / 100) / 10 }, 'moderation classifier trained');
      return { model, k };
    },
    (e: unknown) => {
      logger.error({ err: e }, 'moderation classifier training failed: posts get no offensive probability');
      return undefined;
    },
  );
  return {
    score: async (posts) => {
      const trained = await ready;
      if (trained) addOffensive(posts, trained.model, trained.k);
    },
    probabilities: async (texts) => {
      const trained = await ready;
      return trained ? labelProbabilities(trained.model, trained.k, texts) : undefined;
    },
  };
}

/** Most posts one flagged listing reads (newest first); older ones are left for a narrower window. */
export const FLAGGED_SCAN_LIMIT = 20_000;

export interface FlaggedPosts {
  /** The threshold (`moderation.reviewAbove`); null when review is off (then nothing is listed). */
  reviewAbove: number | null;
  /** Window start (epoch ms). */
  since: number;
  /** Posts read in the window, and whether the window held more than were read. */
  scanned: number;
  truncated: boolean;
  /** Posts above the threshold, most probable first. */
  items: { post: Post; offensive: number }[];
}

/**
 * Posts written in [since, now) whose stored `features.offensive` is above `reviewAbove`, for admin review (a
 * reports queue can take them from here).
 */
export async function flaggedPosts(store: Pick<Store, 'postsBetween'>, reviewAbove: number | undefined, o: { since: number; now: number; limit: number }): Promise<FlaggedPosts> {
  if (reviewAbove === undefined) return { reviewAbove: null, since: o.since, scanned: 0, truncated: false, items: [] };
  const posts = await store.postsBetween(o.since, o.now, FLAGGED_SCAN_LIMIT + 1);
  const truncated = posts.length > FLAGGED_SCAN_LIMIT;
  const items: FlaggedPosts['items'] = [];
  for (const post of posts.slice(0, FLAGGED_SCAN_LIMIT)) {
    const p = post.features?.[OFFENSIVE_FEATURE];
    if (typeof p === 'number' && p > reviewAbove) items.push({ post, offensive: p });
  }
  items.sort((a, b) => b.offensive - a.offensive || b.post.created_at - a.post.created_at || (a.post.id < b.post.id ? -1 : 1));
  return { reviewAbove, since: o.since, scanned: Math.min(posts.length, FLAGGED_SCAN_LIMIT), truncated, items: items.slice(0, o.limit) };
}
