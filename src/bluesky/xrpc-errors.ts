/**
 * @module Resonate errors in the XRPC error shape (`{ error, message }`, `error` a name from the lexicon or the
 * XRPC protocol), as Bluesky's AppView and clients read them. A 5xx carries only a request id (the log has the rest).
 */
import type { ErrorCode, ResonateError } from '../core/errors.js';

const NAMES: Partial<Record<ErrorCode, string>> = {
  BLUESKY_UNKNOWN_FEED: 'UnknownFeed',
  BLUESKY_AUTH_REQUIRED: 'AuthenticationRequired',
  BLUESKY_JWT_MALFORMED: 'BadJwt',
  BLUESKY_DID_UNRESOLVED: 'BadJwt',
  BLUESKY_DID_NO_KEY: 'BadJwt',
  BLUESKY_JWT_EXPIRED: 'JwtExpired',
  BLUESKY_JWT_AUDIENCE: 'BadJwtAudience',
  BLUESKY_JWT_METHOD: 'BadJwtLexiconMethod',
  BLUESKY_JWT_SIGNATURE: 'BadJwtSignature',
  RATE_LIMITED: 'RateLimitExceeded',
  NOT_FOUND: 'NotFound',
  USER_ERASED: 'NotFound',
  MODEL_NOT_FITTED: 'NotReady',
};

export interface XrpcError {
  error: string;
  message: string;
}

export function xrpcError(e: ResonateError, requestId: string): XrpcError {
  if (e.statusCode >= 500) {
    return { error: e.statusCode === 503 ? 'NotReady' : 'InternalServerError', message: `internal error; the server log has the details under request id ${requestId}` };
  }
  return { error: NAMES[e.code] ?? 'InvalidRequest', message: e.message };
}
