/**
 * @module Resonate ids ↔ AT Protocol names. A Bluesky account is the Resonate user whose id is its DID; a
 * Bluesky post is the Resonate post whose id is its AT-URI (`at://<did>/app.bsky.feed.post/<rkey>`), so ingested
 * records keep their identity and need no mapping table. Posts of another origin (the demo network, an import)
 * are shown to Bluesky as records of the publisher's DID: `at://<publisherDid>/app.bsky.feed.post/<rkey>`, where
 * the rkey is the post id when it is a valid record key, else `~` and its base64url (reversible).
 */

export const POST_COLLECTION = 'app.bsky.feed.post';
export const FEED_COLLECTION = 'app.bsky.feed.generator';

const RKEY = /^[A-Za-z0-9._:-][A-Za-z0-9._~:-]{0,511}$/;

export interface AtUri {
  did: string;
  collection: string;
  rkey: string;
}

/** Splits `at://<did>/<collection>/<rkey>`; undefined for anything else (handles as authorities included). */
export function parseAtUri(uri: string): AtUri | undefined {
  const m = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/([A-Za-z0-9.-]+)\/([A-Za-z0-9._~:-]{1,512})$/.exec(uri);
  return m ? { did: m[1]!, collection: m[2]!, rkey: m[3]! } : undefined;
}

export function atUri(did: string, collection: string, rkey: string): string {
  return `at://${did}/${collection}/${rkey}`;
}

/** The AT-URI Bluesky is given for a Resonate post id. */
export function postUri(postId: string, publisherDid: string): string {
  if (postId.startsWith('at://')) return postId;
  const rkey = RKEY.test(postId) && postId !== '.' && postId !== '..' ? postId : `~${Buffer.from(postId, 'utf8').toString('base64url')}`;
  return atUri(publisherDid, POST_COLLECTION, rkey);
}

/** The Resonate post id of an AT-URI Bluesky sends back (the inverse of `postUri`). */
export function postIdOf(uri: string, publisherDid: string): string {
  const at = parseAtUri(uri);
  if (!at || at.did !== publisherDid || at.collection !== POST_COLLECTION) return uri;
  return at.rkey.startsWith('~') ? Buffer.from(at.rkey.slice(1), 'base64url').toString('utf8') : at.rkey;
}

/** A DID without a service fragment (`did:plc:abc#atproto_labeler` → `did:plc:abc`). */
export function bareDid(did: string): string {
  const hash = did.indexOf('#');
  return hash === -1 ? did : did.slice(0, hash);
}
