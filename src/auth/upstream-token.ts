import type { HubSigningKey } from './hub-signing-key.ts';
import { CONTENT_DIGEST_CLAIM } from './request-digest.ts';

/**
 * The short-lived token the gateway signs for every request to an adapter ("only the hub may ask"):
 * for one adapter (audience), on behalf of one professional, for one purpose and exactly the fields
 * requested, and bound to the exact body of that one request (src/auth/request-digest.ts). Adapters
 * verify it against the hub's JWKS (src/adapters/sdk/hub-token-verifier.ts).
 */

export const UPSTREAM_TOKEN_TTL_SECONDS = 60;

/** The audience of the adapter serving `domain`, so a token for one adapter is useless at another. */
export function adapterAudience(domain: string): string {
  return `ontschot-adapter:${domain}`;
}

export interface UpstreamTokenClaims {
  /** The adapter's contract domain (becomes `aud`). */
  domain: string;
  /** The professional on whose behalf the hub asks (`sub`). */
  professional: string;
  organisationId: string;
  roles: readonly string[];
  purpose: string;
  /** Schema coordinates requested in this upstream request, e.g. ['Person.housing', 'Housing.rentArrearsMonths']. */
  fields: readonly string[];
  /** URI of the processing activity in the register, when the gateway knows it. */
  processingActivityId?: string;
  /** The digest of the exact request body this token is for (`contentDigest(body)`). */
  contentDigest: string;
}

/** The claims as they appear in the JWT (besides iss, aud, sub, iat, exp, jti). */
export interface UpstreamTokenPayload {
  org: string;
  roles: string[];
  purpose: string;
  fields: string[];
  processing_activity_id?: string;
  [CONTENT_DIGEST_CLAIM]: string;
}

export function signUpstreamToken(hubKey: HubSigningKey, claims: UpstreamTokenClaims): Promise<string> {
  const payload: UpstreamTokenPayload = {
    org: claims.organisationId,
    roles: [...claims.roles],
    purpose: claims.purpose,
    fields: [...claims.fields],
    ...(claims.processingActivityId ? { processing_activity_id: claims.processingActivityId } : {}),
    [CONTENT_DIGEST_CLAIM]: claims.contentDigest,
  };
  return hubKey.sign({ ...payload }, { audience: adapterAudience(claims.domain), subject: claims.professional, ttlSeconds: UPSTREAM_TOKEN_TTL_SECONDS });
}
