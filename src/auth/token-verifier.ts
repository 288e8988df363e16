import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Caller } from './caller.ts';

/** Only asymmetric algorithms: a shared-secret (HS*) or `none` token is never accepted. */
export const ALLOWED_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

export type AuthenticationFailure = 'missing' | 'malformed' | 'invalid' | 'expired' | 'claims';

/** Why a request was not authenticated. The message never repeats the token. */
export class AuthenticationError extends Error {
  constructor(readonly failure: AuthenticationFailure, message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export interface TokenVerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}

export type TokenVerifier = (authorizationHeader: string | undefined) => Promise<Caller>;

export function createTokenVerifier({ keys, issuer, audience }: TokenVerifierOptions): TokenVerifier {
  return async (authorizationHeader) => {
    if (!authorizationHeader) throw new AuthenticationError('missing', 'A bearer token is required');
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorizationHeader.trim());
    if (!match) throw new AuthenticationError('malformed', 'The Authorization header must be "Bearer <JWT>"');
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1], keys, { issuer, audience, algorithms: ALLOWED_ALGORITHMS, requiredClaims: ['exp', 'sub'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('expired', 'The token has expired');
      if (error instanceof errors.JOSEError) throw new AuthenticationError('invalid', 'The token is not valid for this hub');
      throw new AuthenticationError('invalid', 'The token could not be verified');
    }
    const { sub, org, roles, purpose } = payload as Record<string, unknown>;
    const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 200;
    if (!isName(sub) || !isName(org) || !isName(purpose) || !Array.isArray(roles) || roles.length === 0 || !roles.every(isName)) {
      throw new AuthenticationError('claims', 'The token must carry sub, org, roles and purpose claims');
    }
    return { subject: sub, organisationId: org, roles, purpose };
  };
}
