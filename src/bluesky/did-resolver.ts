/**
 * @module Resolution of a requester's DID to its atproto signing key (`did:key:…`): did:plc through the PLC
 * directory (`bluesky.auth.plcUrl`), did:web through `https://<host>/.well-known/did.json`. Each resolution has a
 * deadline (`resolveTimeoutMs`: a slow or silent host is BLUESKY_DID_UNRESOLVED, never a hang); resolved keys are
 * cached for `cacheSeconds`, and concurrent look-ups of one DID share one fetch. `refresh` forgets a key, so a
 * rotated key is fetched again once before a signature is refused.
 */
import { formatDidKey, multibaseToBytes, P256_JWT_ALG, parseDidKey, SECP256K1_JWT_ALG } from '@atproto/crypto';
import { createError } from '../core/errors.js';
import { didWebHost } from './did-document.js';

export interface DidResolverOptions {
  plcUrl: string;
  resolveTimeoutMs: number;
  cacheSeconds: number;
  /** Where a did:web host's document is fetched (default `https://<host>/.well-known/did.json`; tests serve it over HTTP). */
  webDocumentUrl?: (host: string) => string;
  now?: () => number;
}

export interface DidResolver {
  /** The `did:key` of the DID's atproto signing key; BLUESKY_DID_UNRESOLVED or BLUESKY_DID_NO_KEY otherwise. */
  signingKey(did: string): Promise<string>;
  /** Forgets what is cached of the DID. */
  refresh(did: string): void;
}

/** A DID document larger than this is refused (a real one is about 1 KB). */
const MAX_DOCUMENT_BYTES = 64 * 1024;

interface VerificationMethod {
  id?: unknown;
  type?: unknown;
  publicKeyMultibase?: unknown;
}

/** The atproto key of a DID document as a did:key; undefined when it has none this service can verify. */
export function atprotoKey(doc: unknown, did: string): string | undefined {
  if (doc === null || typeof doc !== 'object') return undefined;
  const methods = (doc as { verificationMethod?: unknown }).verificationMethod;
  if (!Array.isArray(methods)) return undefined;
  const method = (methods as VerificationMethod[]).find((m) => m !== null && typeof m === 'object' && (m.id === '#atproto' || m.id === `${did}#atproto`));
  if (!method || typeof method.publicKeyMultibase !== 'string') return undefined;
  try {
    const didKey =
      method.type === 'Multikey' ? `did:key:${method.publicKeyMultibase}`
      : method.type === 'EcdsaSecp256r1VerificationKey2019' ? formatDidKey(P256_JWT_ALG, multibaseToBytes(method.publicKeyMultibase))
      : method.type === 'EcdsaSecp256k1VerificationKey2019' ? formatDidKey(SECP256K1_JWT_ALG, multibaseToBytes(method.publicKeyMultibase))
      : undefined;
    if (didKey === undefined) return undefined;
    parseDidKey(didKey);
    return didKey;
  } catch {
    return undefined;
  }
}

export function createDidResolver(o: DidResolverOptions): DidResolver {
  const now = o.now ?? Date.now;
  const cache = new Map<string, { key: string; until: number }>();
  const inFlight = new Map<string, Promise<string>>();
  const plc = o.plcUrl.replace(/\/+$/, '');

  const documentUrl = (did: string): string => {
    if (/^did:plc:[a-z2-7]{24}$/.test(did)) return `${plc}/${did}`;
    const host = didWebHost(did);
    if (host !== undefined && /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) return o.webDocumentUrl ? o.webDocumentUrl(host) : `https://${host}/.well-known/did.json`;
    throw createError('BLUESKY_DID_UNRESOLVED', { did: did.slice(0, 200), problem: 'only did:plc and did:web (a host name) are resolved' });
  };

  const fetchKey = async (did: string): Promise<string> => {
    const url = documentUrl(did);
    let doc: unknown;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(o.resolveTimeoutMs), redirect: 'error', headers: { accept: 'application/did+ld+json, application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      if (text.length > MAX_DOCUMENT_BYTES) throw new Error('the document is too large');
      doc = JSON.parse(text) as unknown;
    } catch (e) {
      const err = e as Error;
      const problem = err.name === 'TimeoutError' ? `no answer within ${o.resolveTimeoutMs} ms` : err.message.slice(0, 200);
      throw createError('BLUESKY_DID_UNRESOLVED', { did, problem }, e);
    }
    if (doc === null || typeof doc !== 'object' || (doc as { id?: unknown }).id !== did) {
      throw createError('BLUESKY_DID_UNRESOLVED', { did, problem: 'the document is not about this DID' });
    }
    const key = atprotoKey(doc, did);
    if (key === undefined) throw createError('BLUESKY_DID_NO_KEY', { did });
    return key;
  };

  return {
    async signingKey(did) {
      const hit = cache.get(did);
      if (hit && hit.until > now()) return hit.key;
      let pending = inFlight.get(did);
      if (!pending) {
        pending = fetchKey(did).finally(() => inFlight.delete(did));
        inFlight.set(did, pending);
      }
      const key = await pending;
      if (o.cacheSeconds > 0) cache.set(did, { key, until: now() + o.cacheSeconds * 1000 });
      return key;
    },
    refresh(did) {
      cache.delete(did);
    },
  };
}
