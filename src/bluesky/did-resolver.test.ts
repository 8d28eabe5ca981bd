import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isResonateError } from '../core/errors.js';
import { didDocument, startDidServer, testIdentity, type DidServer } from '../../test/fixtures/atproto.js';
import { atprotoKey, createDidResolver } from './did-resolver.js';

let server: DidServer;
beforeAll(async () => {
  server = await startDidServer();
});
afterAll(() => server.close());

describe('DID resolution', () => {
  it('resolves a did:web through its host, and caches it until cacheSeconds pass', async () => {
    const host = server.url.slice('http://'.length);
    const id = await testIdentity(`did:web:${encodeURIComponent(host)}`);
    server.documents.set(id.did, didDocument(id));
    let now = 0;
    const resolver = createDidResolver({ plcUrl: server.url, resolveTimeoutMs: 10_000, cacheSeconds: 10, webDocumentUrl: (h) => `http://${h}/.well-known/did.json`, now: () => now });
    const before = server.requests;
    expect(await resolver.signingKey(id.did)).toBe(id.key.did());
    expect(await resolver.signingKey(id.did)).toBe(id.key.did());
    expect(server.requests - before).toBe(1);
    now = 11_000;
    await resolver.signingKey(id.did);
    expect(server.requests - before).toBe(2);
  });

  it('refuses a document about another DID and DID methods it does not resolve', async () => {
    const id = await testIdentity();
    const other = await testIdentity();
    server.documents.set(id.did, didDocument(other));
    const resolver = createDidResolver({ plcUrl: server.url, resolveTimeoutMs: 10_000, cacheSeconds: 10 });
    await expect(resolver.signingKey(id.did)).rejects.toSatisfy((e) => isResonateError(e, 'BLUESKY_DID_UNRESOLVED'));
    await expect(resolver.signingKey('did:key:zQ3sh')).rejects.toSatisfy((e) => isResonateError(e, 'BLUESKY_DID_UNRESOLVED'));
  });

  it('reads the #atproto Multikey only', async () => {
    const id = await testIdentity();
    expect(atprotoKey(didDocument(id), id.did)).toBe(id.key.did());
    expect(atprotoKey({ verificationMethod: [{ id: '#other', type: 'Multikey', publicKeyMultibase: id.key.did().slice(8) }] }, id.did)).toBeUndefined();
    expect(atprotoKey({ verificationMethod: [{ id: '#atproto', type: 'Multikey', publicKeyMultibase: 'zgarbage' }] }, id.did)).toBeUndefined();
    expect(atprotoKey(null, id.did)).toBeUndefined();
  });
});
