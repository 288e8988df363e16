import { createHash } from 'node:crypto';
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Caller } from './caller.ts';
import { AuthenticationError } from './authentication-error.ts';
import { checkCallerAgainstRegister, type RegisterPolicies } from './organisation-register.ts';

export { AuthenticationError, type AuthenticationFailure } from './authentication-error.ts';

/** Only asymmetric algorithms: a shared-secret (HS*) or `none` token is never accepted. */
export const ALLOWED_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

/** Clocks of identity provider and hub may differ this much; a token "issued" later than that is refused. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Default for AUTH_MAX_TOKEN_LIFETIME_SECONDS: a working day and then some; `npm run token` issues at most this. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/**
 * How long a verified token is taken on trust without checking its signature again (never past its
 * `exp`): short, because a key the identity provider withdraws from its key set (jose refetches it at
 * most every 10 minutes) should stop working soon after, for tokens already seen too.
 */
export const DEFAULT_CACHE_MAX_TTL_SECONDS = 60;
/** Verified tokens kept at most (least recently used go first): about 300 bytes each. */
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;

export interface TokenVerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** The longest lifetime (`exp - iat`) a token may have; a token valid for 100 years is refused. */
  maxLifetimeSeconds?: number;
  /**
   * The policy file's roles and organisationKinds: the token's org must be in the hub's organisation
   * register and its roles ones that kind may hold (src/auth/organisation-register.ts). Required, so that
   * no verifier forgets the check.
   */
  register: RegisterPolicies;
  /** For tests: the hub's clock. */
  now?: () => Date;
  /** Verification cache bounds (see DEFAULT_CACHE_*); 0 entries: no cache. */
  cacheMaxEntries?: number;
  cacheMaxTtlSeconds?: number;
}

/** A verified token's caller and when the token expires (epoch seconds). */
interface VerifiedToken {
  caller: Caller;
  exp: number;
}

export type TokenVerifier = (authorizationHeader: string | undefined) => Promise<Caller>;

/**
 * Verifies bearer tokens, and remembers each verified token (by its SHA-256, never the token itself) for
 * at most `cacheMaxTtlSeconds` and never past its `exp`, so a front end's burst of requests costs one
 * signature check. What a hit skips is only what cannot change for the same bytes: signature, issuer,
 * audience, iat and lifetime. Expiry is checked on the verifier's own clock at every hit, and the register
 * check runs again (it is a few map look-ups). Failures are never cached: most are cheaper to repeat than
 * to remember (a malformed header), an attacker varies a bad token at will, and a transient one (the
 * identity provider's key set unreachable, a new key not yet fetched) must not lock a valid token out.
 * The cache belongs to this verifier, made with one register and one key set.
 */
export function createTokenVerifier({
  keys, issuer, audience, maxLifetimeSeconds = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, register, now = () => new Date(),
  cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES, cacheMaxTtlSeconds = DEFAULT_CACHE_MAX_TTL_SECONDS,
}: TokenVerifierOptions): TokenVerifier {
  const verified = cacheMaxEntries > 0 ? new LRUCache<string, VerifiedToken>({ max: cacheMaxEntries }) : undefined;
  return async (authorizationHeader) => {
    if (!authorizationHeader) throw new AuthenticationError('missing', 'A bearer token is required');
    // The scheme name is case-insensitive (RFC 9110 section 11.1): "bearer" and "BEARER" are "Bearer".
    const match = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(authorizationHeader.trim());
    if (!match) throw new AuthenticationError('malformed', 'The Authorization header must be "Bearer <JWT>"');
    const token = match[1];
    const cacheKey = verified ? createHash('sha256').update(token).digest('base64url') : '';
    const hit = verified?.get(cacheKey);
    // As jose counts it: valid while exp is after the current whole second.
    if (hit) {
      if (hit.exp > epochSeconds(now())) {
        checkCallerAgainstRegister(hit.caller, register);
        return hit.caller;
      }
      verified!.delete(cacheKey); // expired on the hub's clock: verified afresh below, and refused
    }
    const { caller, exp } = await verifyToken(token);
    const ttlMs = Math.floor(Math.min(cacheMaxTtlSeconds, exp - epochSeconds(now())) * 1000);
    if (verified && ttlMs > 0) verified.set(cacheKey, { caller, exp }, { ttl: ttlMs });
    return caller;
  };

  async function verifyToken(token: string): Promise<VerifiedToken> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer, audience, algorithms: ALLOWED_ALGORITHMS, requiredClaims: ['exp', 'iat', 'sub'], currentDate: now() }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('expired', 'The token has expired');
      if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'missing' && ['exp', 'iat', 'sub'].includes(error.claim)) {
        throw new AuthenticationError('claims', `The token must carry the ${error.claim} claim`);
      }
      if (error instanceof errors.JOSEError) throw new AuthenticationError('invalid', 'The token is not valid for this hub');
      throw new AuthenticationError('invalid', 'The token could not be verified');
    }
    checkIssuedAtAndLifetime(payload.iat!, payload.exp!, maxLifetimeSeconds, now());
    const { sub, org, roles, purpose } = payload as Record<string, unknown>;
    const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 200;
    if (!isName(sub) || !isName(org) || !isName(purpose) || !Array.isArray(roles) || roles.length === 0 || !roles.every(isName)) {
      throw new AuthenticationError('claims', 'The token must carry sub, org, roles and purpose claims');
    }
    // Frozen: one cached caller serves many requests, none may change it for the others.
    const caller: Caller = Object.freeze({ subject: sub, organisationId: org, roles: Object.freeze([...roles]), purpose });
    checkCallerAgainstRegister(caller, register);
    return { caller, exp: payload.exp! };
  }
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * jose checks `exp` (and that `iat` is a number) but not when a token was issued or for how long it is
 * valid: a token "issued" tomorrow or valid for 100 years is refused here, so that a leaked or misissued
 * token cannot be used indefinitely.
 */
function checkIssuedAtAndLifetime(iat: number, exp: number, maxLifetimeSeconds: number, at: Date): void {
  const nowSeconds = at.getTime() / 1000;
  if (iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) throw new AuthenticationError('lifetime', 'The token was issued in the future (iat)');
  if (exp - iat > maxLifetimeSeconds) {
    throw new AuthenticationError('lifetime', `The token is valid for longer than this hub accepts (exp - iat over ${maxLifetimeSeconds} seconds)`);
  }
}
