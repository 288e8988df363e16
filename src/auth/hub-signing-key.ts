import { createPrivateKey, type JsonWebKey, randomUUID, sign as signBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { readOrCreateKeyFile } from '../crypto/key-files.ts';

/**
 * The hub's own signing key (ES256). It signs what the hub itself vouches for: the short-lived token on
 * every gateway→adapter request and the consent receipts given to residents. Its public half is served
 * at /.well-known/hub-jwks.json, so adapters and residents can verify without trusting the transport.
 * The key comes from HUB_SIGNING_KEY (a private JWK as JSON); the embedded default generates a DEMO key in
 * the data folder.
 */
export interface HubSigningKey {
  issuer: string;
  kid: string;
  /** The public key set (no private parts). */
  jwks: { keys: JWK[] };
  /** Signs a JWT (a compact JWS) with the hub key: iss, iat, jti and exp are set here. */
  sign(payload: JWTPayload, options: { audience?: string; subject?: string; ttlSeconds?: number; type?: string }): Promise<string>;
}

export const HUB_ISSUER = 'https://hub.ontschot.local';
export const HUB_JWKS_PATH = '/.well-known/hub-jwks.json';
const KEY_FILE = 'hub-signing-key.DEMO.jwk.json';

export async function loadHubSigningKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<HubSigningKey> {
  const text = env.HUB_SIGNING_KEY || (await readOrCreateKeyFile(dataDir, KEY_FILE, generatePrivateJwk));
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error('HUB_SIGNING_KEY is not a JSON Web Key');
  }
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || !privateJwk.d) throw new Error('HUB_SIGNING_KEY must be a private EC P-256 JWK');
  const kid = privateJwk.kid ?? 'hub';
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw new Error('HUB_SIGNING_KEY must be a private EC P-256 JWK');
  }
  const { d: _secret, ...publicJwk } = privateJwk;
  return {
    issuer: HUB_ISSUER,
    kid,
    jwks: { keys: [{ ...publicJwk, kid, use: 'sig', alg: 'ES256' }] },
    async sign(payload, options) {
      // A compact JWS as jose's SignJWT makes it (its claims set the same way: iss, iat and jti always,
      // aud, sub and exp when given), signed with node:crypto at once: jose 6 signs through WebCrypto,
      // which costs about three times the CPU, and this runs for every adapter call.
      const iat = Math.floor(Date.now() / 1000);
      const claims: JWTPayload = {
        ...payload,
        iss: HUB_ISSUER,
        iat,
        jti: randomUUID(),
        ...(options.audience ? { aud: options.audience } : {}),
        ...(options.subject ? { sub: options.subject } : {}),
        ...(options.ttlSeconds ? { exp: iat + options.ttlSeconds } : {}),
      };
      const signingInput = `${base64url({ alg: 'ES256', kid, typ: options.type ?? 'JWT' })}.${base64url(claims)}`;
      // ES256 wants the signature as r || s (IEEE P1363), not DER.
      const signature = signBytes('sha256', Buffer.from(signingInput, 'utf8'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${signingInput}.${signature.toString('base64url')}`;
    },
  };
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

async function generatePrivateJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `hub-demo-${randomUUID().slice(0, 8)}`, alg: 'ES256' };
  return `${JSON.stringify(jwk, null, 2)}\n`;
}
