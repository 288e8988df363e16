import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
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
  const privateKey = await importJWK(privateJwk, 'ES256');
  const { d: _secret, ...publicJwk } = privateJwk;
  return {
    issuer: HUB_ISSUER,
    kid,
    jwks: { keys: [{ ...publicJwk, kid, use: 'sig', alg: 'ES256' }] },
    sign(payload, options) {
      const jwt = new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid, typ: options.type ?? 'JWT' })
        .setIssuer(HUB_ISSUER)
        .setIssuedAt()
        .setJti(randomUUID());
      if (options.audience) jwt.setAudience(options.audience);
      if (options.subject) jwt.setSubject(options.subject);
      if (options.ttlSeconds) jwt.setExpirationTime(`${options.ttlSeconds}s`);
      return jwt.sign(privateKey);
    },
  };
}

async function generatePrivateJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `hub-demo-${randomUUID().slice(0, 8)}`, alg: 'ES256' };
  return `${JSON.stringify(jwk, null, 2)}\n`;
}
