/**
 * @module Retraction: a post deleted or edited by its author, an event undone by its actor.
 *
 * - **Delete** (`deletePost`): one store write (`deletePosts`: the post with every event on it goes, a record of the
 *   deletion stays), the same path the Jetstream ingester takes for a deleted record. From that write on, every
 *   served list drops the post (`Store.takenDown` reports deleted posts as it reports takedowns), and the pages that
 *   may show it are invalidated (hydrated pages everywhere, the first pages of the author and their followers). The
 *   serving models then unlearn it: the deletions are gathered and handed to `Lifecycle.unlearn` (the exact
 *   unlearning erasure uses: count-based models `forget` the post, the set is published again over the snapshot
 *   without it; models that cannot forget are retrained, from a store that no longer holds it).
 * - **Edit** (`editPost`): the post merged with the patch and written through the ingest path (validation, tags
 *   from the text, sentiment, language, moderation, search index, invalidation); the author never changes.
 * - **Undo** (`undoEvent`): the event is deleted (`deleteEvents`; an undone `follow` also removes the follow edge)
 *   and its actor's first page is invalidated. Safety rules (mute, block, hide) are folded from the store on every
 *   request, so they follow at once; models that learned the event online keep it until their next retraining,
 *   whose snapshot is read from the store without it.
 *
 * A user token may retract only its own rows (`Requester.user`); a service key any.
 */
import { z } from 'zod';
import { createError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { hashtags } from '../data/post-entities.js';
import { firstProblem, type Event, type Post } from '../data/schemas.js';
import type { RowKind } from '../data/validate.js';
import type { Store, WriteBatch, WriteSummary } from '../storage/store.js';
import type { FeedInvalidation } from './feed-invalidation.js';
import type { Lifecycle } from './lifecycle.js';

/** Who asks: a user token's subject, or undefined for a service key (which may retract any row). */
export interface Requester {
  user?: string;
}

/** The fields an edit may change. */
export const postPatchSchema = z.strictObject({
  text: z.string().optional(),
  tags: z.array(z.string()).optional(),
  features: z.record(z.string(), z.unknown()).optional(),
  lang: z.string().nullable().optional(),
  /** Accepted only when it names the post's author (an author never changes: POST_AUTHOR_IMMUTABLE). */
  author: z.string().optional(),
});
export type PostPatch = z.infer<typeof postPatchSchema>;

export interface DeletedPostResult {
  post: string;
  author: string;
  /** Epoch ms. */
  deletedAt: number;
}

export interface UndoneEvent {
  event: string;
  user: string;
  type: Event['type'];
  /** An undone follow also removed the follow edge. */
  unfollowed?: string;
}

export interface RetractionDeps {
  store: Store;
  lifecycle: Lifecycle;
  invalidation: FeedInvalidation;
  logger: Logger;
  /** The engine's ingest path (an edit is written through it). */
  ingest: (kind: RowKind, rows: unknown) => Promise<WriteSummary>;
  clock: () => number;
  /** Whether posts get their language identified at ingest (an edited text is identified again). */
  identifyLanguage: boolean;
}

/** Features derived from the text at ingest: an edited text gets them computed again. */
const DERIVED_FEATURES = ['sentiment', 'sentiment_score', 'offensive'];

export class Retraction {
  private pending = new Set<string>();
  private unlearning: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(private readonly deps: RetractionDeps) {}

  async deletePost(postId: string, by: Requester): Promise<DeletedPostResult> {
    const { store, invalidation } = this.deps;
    const post = await this.ownPost(postId, by, 'deleted');
    await store.write({ deletePosts: [postId] });
    invalidation.postsChanged();
    invalidation.users([post.author, ...(await store.followers(post.author))]);
    this.unlearnSoon(postId);
    return { post: postId, author: post.author, deletedAt: this.deps.clock() };
  }

  async editPost(postId: string, patchInput: unknown, by: Requester): Promise<Post> {
    const parsed = postPatchSchema.safeParse(patchInput ?? {});
    if (!parsed.success) {
      const { field, problem } = firstProblem(parsed.error, 'body');
      throw createError('INVALID_INPUT', { field, problem });
    }
    const patch = parsed.data;
    if (Object.keys(patch).length === 0) throw createError('INVALID_INPUT', { field: 'body', problem: 'expected at least one of text, tags, features, lang' });
    const post = await this.ownPost(postId, by, 'edited');
    if (patch.author !== undefined && patch.author !== post.author) {
      throw createError('POST_AUTHOR_IMMUTABLE', { field: 'body.author', id: postId, author: post.author, attempted: patch.author });
    }
    await this.deps.ingest('posts', [editedPost(post, patch, this.deps.identifyLanguage)]);
    return (await this.deps.store.getPost(postId))!;
  }

  async undoEvent(eventId: string, by: Requester): Promise<UndoneEvent> {
    const { store, invalidation } = this.deps;
    const event = await store.getEvent(eventId);
    if (!event) throw createError('NOT_FOUND', { kind: 'event', id: eventId });
    if (by.user !== undefined && by.user !== event.user) throw createError('FORBIDDEN_USER', { action: 'undo', field: `event ${eventId}'s user` });
    const batch: WriteBatch = { deleteEvents: [eventId] };
    const unfollowed = event.type === 'follow' ? event.target_user : undefined;
    await store.write(unfollowed !== undefined ? { ...batch, unfollows: [{ follower: event.user, followee: unfollowed }] } : batch);
    invalidation.users([event.user]);
    return { event: eventId, user: event.user, type: event.type, ...(unfollowed !== undefined ? { unfollowed } : {}) };
  }

  /** Resolves once the deletions asked so far are unlearned by the serving models. */
  settled(): Promise<void> {
    return this.unlearning;
  }

  /** The post, when it exists and the requester may change it. */
  private async ownPost(postId: string, by: Requester, action: 'deleted' | 'edited'): Promise<Post> {
    const post = await this.deps.store.getPost(postId);
    if (!post) {
      if ((await this.deps.store.deletedPosts([postId])).size > 0) throw createError('POST_DELETED', { id: postId, action });
      throw createError('NOT_FOUND', { kind: 'post', id: postId });
    }
    if (by.user !== undefined && by.user !== post.author) {
      throw createError('FORBIDDEN_USER', { action: action === 'deleted' ? 'delete' : 'edit', field: `post ${postId}'s author` });
    }
    return post;
  }

  /**
   * Unlearns deleted posts the serving snapshot holds, gathered: deletions that arrive while one unlearning runs
   * wait for it and are unlearned together (each unlearning publishes the set again).
   */
  private unlearnSoon(postId: string): void {
    const live = this.deps.lifecycle.serving.current;
    if (!live || live.dataset.items.index(postId) < 0) return;
    this.pending.add(postId);
    if (this.scheduled) return;
    this.scheduled = true;
    this.unlearning = this.unlearning.then(async () => {
      this.scheduled = false;
      const posts = [...this.pending];
      this.pending.clear();
      try {
        await this.deps.lifecycle.unlearn([], posts);
      } catch (e) {
        this.deps.logger.error({ err: e, posts: posts.length }, 'could not unlearn deleted posts; the next retraining leaves them out');
      }
    });
  }
}

/**
 * The post with the patch applied. When the text changes: tags that were the old text's hashtags are taken from
 * the new text, the features derived from the text are computed again, and (with language identification on) the
 * language too, unless the patch gives them.
 */
export function editedPost(post: Post, patch: PostPatch, identifyLanguage: boolean): Record<string, unknown> {
  const text = patch.text ?? post.text;
  const textChanged = text !== post.text;
  const derivedTags = post.tags.length > 0 && sameList(post.tags, hashtags(post.text));
  const tags = patch.tags ?? (textChanged && derivedTags ? [] : post.tags);
  let features: Record<string, unknown> | undefined = patch.features ?? post.features;
  if (textChanged && patch.features === undefined && features) {
    features = Object.fromEntries(Object.entries(features).filter(([k]) => !DERIVED_FEATURES.includes(k)));
  }
  const lang = patch.lang !== undefined ? patch.lang : textChanged && identifyLanguage ? null : post.lang;
  // An edited text gets its mention edges again from the ingest path.
  const { features: _features, lang: _lang, mentions: _mentions, ...rest } = post;
  const mentions = textChanged ? undefined : post.mentions;
  return {
    ...rest,
    text,
    tags,
    ...(features !== undefined && Object.keys(features).length > 0 ? { features } : {}),
    ...(lang != null ? { lang } : {}),
    ...(mentions !== undefined ? { mentions } : {}),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
