/**
 * @module The service's own DID document, served at `/.well-known/did.json` when `bluesky.serviceDid` is a
 * did:web: the AppView finds the feed generator's endpoint there (service `#bsky_fg`, type `BskyFeedGenerator`).
 */
import type { ResonateConfig } from '../core/config.js';

export interface ServiceDidDocument {
  '@context': string[];
  id: string;
  service: { id: string; type: string; serviceEndpoint: string }[];
}

/** The host of a did:web (`did:web:feeds.example.com` → `feeds.example.com`, `%3A` is a port's colon). */
export function didWebHost(did: string): string | undefined {
  if (!did.startsWith('did:web:')) return undefined;
  const rest = did.slice('did:web:'.length);
  // A did:web with a path (`did:web:host:path`) is not used by atproto services.
  if (rest.includes(':')) return undefined;
  return decodeURIComponent(rest);
}

/** The document, or undefined when the service DID is not a did:web (a did:plc's is served by the PLC directory). */
export function serviceDidDocument(config: ResonateConfig['bluesky']): ServiceDidDocument | undefined {
  const host = didWebHost(config.serviceDid);
  if (host === undefined) return undefined;
  return {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: config.serviceDid,
    service: [{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: config.serviceEndpoint ?? `https://${host}` }],
  };
}
