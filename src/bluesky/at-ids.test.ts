import { describe, expect, it } from 'vitest';
import { bareDid, parseAtUri, postIdOf, postUri } from './at-ids.js';

const PUB = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa';

describe('AT-URIs of Resonate posts', () => {
  it('returns AT-URIs as they are and maps other ids under the publisher, reversibly', () => {
    const native = 'at://did:plc:bbbbbbbbbbbbbbbbbbbbbbbb/app.bsky.feed.post/3kabc';
    expect(postUri(native, PUB)).toBe(native);
    expect(postIdOf(native, PUB)).toBe(native);
    expect(postUri('p42', PUB)).toBe(`at://${PUB}/app.bsky.feed.post/p42`);
    for (const id of ['p42', 'a b/c', 'ñandú', '~x', '.', '..', 'x'.repeat(256), 'post:1']) {
      const uri = postUri(id, PUB);
      expect(parseAtUri(uri), id).toMatchObject({ did: PUB, collection: 'app.bsky.feed.post' });
      expect(postIdOf(uri, PUB)).toBe(id);
    }
  });

  it('parses only well-formed AT-URIs and strips DID fragments', () => {
    expect(parseAtUri('at://handle.bsky.social/app.bsky.feed.post/x')).toBeUndefined();
    expect(parseAtUri('https://example.com')).toBeUndefined();
    expect(bareDid('did:plc:abc#atproto_labeler')).toBe('did:plc:abc');
  });
});
