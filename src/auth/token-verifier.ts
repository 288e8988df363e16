import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
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
}

export type TokenVerifier = (authorizationHeader: string | undefined) => Promise<Caller>;

export function createTokenVerifier({ keys, issuer, audience, maxLifetimeSeconds = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, register, now = () => new Date() }: TokenVerifierOptions): TokenVerifier {
  return async (authorizationHeader) => {
    if (!authorizationHeader) throw new AuthenticationError('missing', 'A bearer token is required');
    // The scheme name is case-insensitive (RFC 9110 section 11.1): "bearer" and "BEARER" are "Bearer".
    const match = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(authorizationHeader.trim());
    if (!match) throw new AuthenticationError('malformed', 'The Authorization header must be "Bearer <JWT>"');
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1], keys, { issuer, audience, algorithms: ALLOWED_ALGORITHMS, requiredClaims: ['exp', 'iat', 'sub'], currentDate: now() }));
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
    const caller: Caller = { subject: sub, organisationId: org, roles, purpose };
    checkCallerAgainstRegister(caller, register);
    return caller;
  };
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
