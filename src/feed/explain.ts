/**
 * @module Explanations: one human sentence per feed item, from the reason of its best source.
 */
import type { PostInfo, Reason } from './types.js';
import { CATALOG_AUTHOR } from '../data/importers/types.js';

/** Words of a quoted post in "Because you liked …". */
const QUOTE_WORDS = 6;

/** The first words of a text, with an ellipsis when cut. */
export function firstWords(text: string, n = QUOTE_WORDS): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length <= n ? words.join(' ') : `${words.slice(0, n).join(' ')}…`;
}

export function handle(userId: string): string {
  return `@${userId}`;
}

export function hashtag(tag: string): string {
  return `#${tag.replace(/^#/, '')}`;
}

export interface ExplainContext {
  /** Looks up a post (for the quoted one of "Because you liked"). */
  post(id: string): PostInfo | undefined;
  /** The tag of this post that trends most, if any. */
  trendingTag(post: PostInfo): string | undefined;
}

export function explain(reason: Reason, post: PostInfo, ctx: ExplainContext): string {
  switch (reason.kind) {
    case 'follow':
      return `You follow ${handle(reason.author)}`;
    case 'mention':
      return `${handle(reason.author)} mentioned you`;
    case 'because': {
      const liked = ctx.post(reason.postId);
      if (!liked) return 'Because of posts you liked';
      const quote = firstWords(liked.text);
      if (quote) return `Because you liked “${quote}”`;
      return liked.author === CATALOG_AUTHOR ? 'Because of items you liked' : `Because you liked a post by ${handle(liked.author)}`;
    }
    case 'trending': {
      const tag = ctx.trendingTag(post);
      return tag ? `Trending in ${hashtag(tag)}` : 'Popular right now';
    }
    case 'recommended':
      return 'Picked for you from what people like you enjoy';
    case 'community':
      return communitySentence(reason.tags, reason.accounts);
  }
}

/** "Popular in your community around #jazz and #blues (with @ana, @bo)". */
export function communitySentence(tags: readonly string[], accounts: readonly string[]): string {
  const topic = tags.length > 0 ? ` around ${tags.slice(0, 2).map(hashtag).join(' and ')}` : '';
  const people = accounts.length > 0 ? ` (with ${accounts.slice(0, 2).map(handle).join(', ')})` : '';
  return `Popular in your community${topic}${people}`;
}
