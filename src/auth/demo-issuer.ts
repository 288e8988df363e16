import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { DEMO_ISSUER, HUB_AUDIENCE } from '../config/env.ts';
import { readOrCreateKeyFile } from '../crypto/key-files.ts';

/**
 * The embedded default's identity provider: an ES256 key pair generated on first start and kept in the
 * data folder (a DEMO key, never for production), whose public half the gateway serves as a JWKS.
 * Production deployments point AUTH_JWKS_URL at the municipality's identity provider instead.
 */
export interface DemoIssuer {
  issuer: string;
  audience: string;
  jwks: { keys: JWK[] };
  issueToken(claims: DemoTokenClaims, ttlSeconds?: number): Promise<string>;
}

export interface DemoTokenClaims {
  subject: string;
  organisationId: string;
  roles: readonly string[];
  purpose: string;
}

const KEY_FILE = 'demo-issuer-private-key.jwk.json';

export async function loadDemoIssuer(dataDir: string, issuer = DEMO_ISSUER, audience = HUB_AUDIENCE): Promise<DemoIssuer> {
  const privateJwk = JSON.parse(await readOrCreateKeyFile(dataDir, KEY_FILE, generatePrivateJwk)) as JWK;
  const privateKey = await importJWK(privateJwk, 'ES256');
  const { d: _secret, ...publicJwk } = privateJwk;
  return {
    issuer,
    audience,
    jwks: { keys: [{ ...publicJwk, use: 'sig', alg: 'ES256' }] },
    issueToken: (claims, ttlSeconds = 3600) =>
      new SignJWT({ org: claims.organisationId, roles: [...claims.roles], purpose: claims.purpose })
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(claims.subject)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
  };
}

async function generatePrivateJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `demo-${randomUUID().slice(0, 8)}`, alg: 'ES256' };
  return `${JSON.stringify(jwk, null, 2)}\n`;
}
