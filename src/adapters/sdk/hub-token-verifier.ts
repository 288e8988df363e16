import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { HUB_ISSUER } from '../../auth/hub-signing-key.ts';
import { adapterAudience } from '../../auth/upstream-token.ts';
import { bodyMatchesDigest, CONTENT_DIGEST_CLAIM } from '../../auth/request-digest.ts';
import { InMemoryReplayGuard, type ReplayGuard } from './replay-guard.ts';
import { RequestRefusal } from './graphql-service.ts';

/**
 * Checks the hub's token on an adapter request ("only the hub may ask"): signed by the hub key (ES256),
 * issued by the hub, for this adapter, not expired, at most two minutes old, signed for exactly this
 * request body (its `content_digest` is the SHA-256 of the raw bytes received), and never seen before.
 * Anything else, including a professional's own token from an identity provider, is refused.
 * A replay guard that cannot tell throws `ReplayGuardUnavailable` through: the caller refuses (fail closed).
 */

/** Where the hub's public keys come from: its JWKS URL (stand-alone) or the set itself (embedded). */
export type HubKeys = { jwksUrl: string } | { jwks: JSONWebKeySet };

/** The verified claims an adapter acts on. */
export interface HubTokenClaims {
  issuer: string;
  professional: string;
  organisationId: string;
  roles: string[];
  purpose: string;
  fields: string[];
  processingActivityId: string | null;
}

/** Checks the authorization header against the raw request body, before the body is parsed. */
export type HubTokenVerifier = (authorization: string | undefined, body: Uint8Array) => Promise<HubTokenClaims>;

/** Why a token was refused, for the operator's log; never shown to the caller. */
export class HubTokenRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A genuine hub token presented with a body it was not signed for (a replay with another body, or a body altered on the way). */
export class BodyDigestMismatch extends HubTokenRefused {
  constructor() {
    super('body-digest');
  }
}

/** The caller's answer to a refused hub token (401): which check failed stays in the operator's log. */
export function hubTokenRefusal(error: unknown): RequestRefusal {
  const message = error instanceof BodyDigestMismatch ? 'The request body does not match the digest signed in the hub token' : 'A valid hub token is required';
  return new RequestRefusal(401, 'UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer' });
}

const MAX_TOKEN_AGE_SECONDS = 120;
const CLOCK_TOLERANCE_SECONDS = 5;

export function createHubTokenVerifier(domain: string, keys: HubKeys, replays: ReplayGuard = new InMemoryReplayGuard()): HubTokenVerifier {
  const keySet: JWTVerifyGetKey = 'jwks' in keys ? createLocalJWKSet(keys.jwks) : createRemoteJWKSet(new URL(keys.jwksUrl));
  const audience = adapterAudience(domain);

  return async (authorization, body) => {
    const match = authorization ? /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization.trim()) : null;
    if (!match) throw new HubTokenRefused('missing');
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1], keySet, {
        issuer: HUB_ISSUER,
        audience,
        algorithms: ['ES256'],
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        // Hub and adapter run on different machines: a few seconds of clock difference is not an attack.
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw new HubTokenRefused((error as { code?: string }).code ?? 'invalid');
    }
    const claims = readClaims(payload);
    // Before the replay guard: a captured token tried with another body must not use up the hub's own request.
    if (!bodyMatchesDigest(body, payload[CONTENT_DIGEST_CLAIM])) throw new BodyDigestMismatch();
    if (!(await replays.firstUse(payload.jti!, acceptedUntilMs(payload.exp!, payload.iat!)))) throw new HubTokenRefused('replayed');
    return claims;
  };
}

/**
 * The moment from which jwtVerify above refuses a token whatever the replay guard says: at its expiry or
 * when it is older than the maximum age, each plus the clock tolerance (jose compares whole seconds).
 * Derived from signed claims only, so a replay brings the same value.
 */
function acceptedUntilMs(exp: number, iat: number): number {
  return Math.min(exp + CLOCK_TOLERANCE_SECONDS, iat + MAX_TOKEN_AGE_SECONDS + CLOCK_TOLERANCE_SECONDS + 1) * 1000;
}

function readClaims(payload: Record<string, unknown>): HubTokenClaims {
  const { iss, sub, org, roles, purpose, fields, processing_activity_id: activity } = payload;
  const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (typeof sub !== 'string' || typeof org !== 'string' || typeof purpose !== 'string' || !strings(roles) || !strings(fields)) {
    throw new HubTokenRefused('claims');
  }
  if (activity !== undefined && typeof activity !== 'string') throw new HubTokenRefused('claims');
  return { issuer: iss as string, professional: sub, organisationId: org, roles, purpose, fields, processingActivityId: activity ?? null };
}
