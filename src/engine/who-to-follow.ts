/**
 * @module Who-to-follow for the serving snapshot: `follow/default` built from the snapshot's follows and
 * engagement on the first request after a swap (or when the engine warms it after training or loading), not
 * saved with the model version; suggestions leave out erased accounts and whatever `hidden` adds per viewer
 * (the hook for blocks and mutes), and carry their social proof with user ids and in words.
 */
import { createError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Dataset } from '../data/dataset.js';
import { createWhoToFollow, proofText, socialSignalsOf, type SocialProof, type WhoToFollow } from '../social/index.js';
import { CATALOG_AUTHOR } from '../data/importers/types.js';
import { interestProfiles, profileCosine } from '../feed/interest-profiles.js';

/** A proof with user ids instead of indices. */
export type ServedProof =
  | { kind: 'followed-by'; users: string[]; total: number }
  | { kind: 'follows-you' }
  | { kind: 'shared-interest'; posts: number; tag?: string };

export interface FollowSuggestion {
  userId: string;
  /** The ranker's probability that the viewer follows this account. */
  score: number;
  /** The proof in words ("followed by @a and @b you follow"). */
  reasons: string[];
  proof: ServedProof[];
}

export interface WhoToFollowOptions {
  seed: number;
  logger: Logger;
  isErased(userId: string): boolean;
  /** Accounts this viewer must not be shown besides the erased ones (blocked, muted); none by default. */
  hidden?(viewerId: string): (userId: string) => boolean;
}

export interface ServedWhoToFollow {
  /** `hidden`: accounts this request must leave out (the viewer's mutes and blocks), from suggestions and their proof. */
  suggest(data: Dataset, viewerId: string, limit: number, hidden?: (userId: string) => boolean): FollowSuggestion[];
  /** Builds the index of a snapshot now (after a training or load) instead of on its first request. */
  warm(data: Dataset): void;
  /** Sizes of the index of a snapshot, once built. */
  stats(data: Dataset): WhoToFollow['stats'] | undefined;
}

export function createServedWhoToFollow(options: WhoToFollowOptions): ServedWhoToFollow {
  const built = new WeakMap<Dataset, WhoToFollow>();
  const indexOf = (data: Dataset): WhoToFollow => {
    let w = built.get(data);
    if (!w) {
      const profiles = interestProfiles(data);
      // The feed's interest profiles (snapshot history): their cosine is the ranker's profile-similarity feature.
      w = createWhoToFollow({ ...socialSignalsOf(data), profileSimilarity: (u, v) => profileCosine(profiles.profile(u), profiles.profile(v)) }, options.seed);
      built.set(data, w);
      options.logger.info({ ...w.stats }, 'who-to-follow index built');
    }
    return w;
  };
  return {
    suggest(data, viewerId, limit, hiddenNow) {
      const u = data.users.index(viewerId);
      if (u < 0) throw createError('NOT_FOUND', { kind: 'user', id: viewerId });
      const hidden = options.hidden?.(viewerId);
      const id = (v: number): string => data.users.id(v);
      // The catalogue author is no account: never suggested.
      const excluded = (v: number): boolean => id(v) === CATALOG_AUTHOR || options.isErased(id(v)) || (hidden !== undefined && hidden(id(v))) || (hiddenNow !== undefined && hiddenNow(id(v)));
      return indexOf(data).suggest(u, limit, excluded).map((s) => {
        // A muted or blocked account is not named as proof either; a proof left with nobody is dropped.
        const proof = s.proof.flatMap((p) => withoutExcluded(p, excluded));
        return { userId: id(s.user), score: s.score, reasons: proof.map((p) => proofText(p, id)), proof: proof.map((p) => served(p, id)) };
      });
    },
    warm(data) {
      try {
        indexOf(data);
      } catch (e) {
        options.logger.warn({ err: e }, 'who-to-follow index not built; it is tried again on the first request');
      }
    },
    stats: (data) => built.get(data)?.stats,
  };
}

function withoutExcluded(p: SocialProof, excluded: (v: number) => boolean): SocialProof[] {
  if (p.kind !== 'followed-by') return [p];
  const users = p.users.filter((v) => !excluded(v));
  if (users.length === p.users.length) return [p];
  return users.length === 0 ? [] : [{ ...p, users, total: p.total - (p.users.length - users.length) }];
}

function served(p: SocialProof, id: (v: number) => string): ServedProof {
  return p.kind === 'followed-by' ? { kind: p.kind, users: p.users.map(id), total: p.total } : p;
}
