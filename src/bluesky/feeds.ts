/**
 * @module The feeds a Resonate service offers to Bluesky, from `bluesky.*`: each feed's AT-URI
 * (`at://<publisherDid>/app.bsky.feed.generator/<rkey>`), the look-up of a requested URI (`UnknownFeed` when it is
 * not one of them) and `describeFeedGenerator`'s answer.
 */
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import { atUri, FEED_COLLECTION } from './at-ids.js';

export interface ServedFeed {
  rkey: string;
  uri: string;
  displayName: string;
  description: string;
  /** The variant of the Resonate feed that serves it (`PageOptions.variant`); undefined: the feed as configured. */
  variant: string | undefined;
}

export interface FeedCatalogue {
  serviceDid: string;
  publisherDid: string;
  feeds: readonly ServedFeed[];
  /** The served feed of a requested AT-URI; BLUESKY_UNKNOWN_FEED for any other. */
  find(uri: string): ServedFeed;
  /** `app.bsky.feed.describeFeedGenerator`'s output. */
  describe(): { did: string; feeds: { uri: string }[] };
}

export function feedCatalogue(config: ResonateConfig['bluesky']): FeedCatalogue {
  const publisherDid = config.publisherDid ?? config.serviceDid;
  const feeds = config.feeds.map((f): ServedFeed => ({
    rkey: f.rkey, uri: atUri(publisherDid, FEED_COLLECTION, f.rkey), displayName: f.displayName, description: f.description,
    variant: f.sources ? f.rkey : undefined,
  }));
  const byUri = new Map(feeds.map((f) => [f.uri, f]));
  return {
    serviceDid: config.serviceDid,
    publisherDid,
    feeds,
    find(uri) {
      const feed = byUri.get(uri);
      if (!feed) throw createError('BLUESKY_UNKNOWN_FEED', { feed: uri.slice(0, 300), served: feeds.map((f) => f.uri).join(', ') });
      return feed;
    },
    describe: () => ({ did: config.serviceDid, feeds: feeds.map((f) => ({ uri: f.uri })) }),
  };
}
