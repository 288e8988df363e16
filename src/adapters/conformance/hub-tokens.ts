import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import type { HubSigningKey } from '../../auth/hub-signing-key.ts';
import { adapterAudience, signUpstreamToken, UPSTREAM_TOKEN_TTL_SECONDS } from '../../auth/upstream-token.ts';
import { CONTENT_DIGEST_CLAIM, contentDigest } from '../../auth/request-digest.ts';
import type { TokenForBody } from './adapter-client.ts';

/**
 * Tokens the kit presents to an adapter while acting as the hub: a valid one (signed with the hub key,
 * audience `ontschot-adapter:<domain>`, the requested fields, the digest of the body sent), and the
 * forgeries an adapter must refuse. Each is signed for the body it goes with, so a forgery is refused
 * for what is wrong with it, not for a missing digest.
 */

/** On whose behalf the kit asks: itself, for a purpose that names the check (adapters log these claims). */
const KIT_IDENTITY = { professional: 'adapter-conformance-kit', organisationId: 'ontschot-conformance', roles: ['conformance-kit'], purpose: 'adapter-conformance' };

export interface HubTokens {
  /** What the gateway would send for a query selecting `fields`. */
  valid(fields: string[]): TokenForBody;
  /** Same claims, signed by a key the hub does not have (with the hub's kid, to catch kid-only checks). */
  foreignKey(fields: string[]): TokenForBody;
  /** Signed by the hub, for another adapter. */
  wrongAudience(fields: string[]): TokenForBody;
  /** Signed by the hub, expired five minutes ago (well past any clock tolerance). */
  expired(fields: string[]): TokenForBody;
  /** No signature at all (alg "none"). */
  unsigned(fields: string[]): TokenForBody;
  /** Signed by the hub, valid in every way, but bound to no body (no `content_digest`). */
  withoutDigest(fields: string[]): TokenForBody;
}

export function hubTokens(hubKey: HubSigningKey, domain: string): HubTokens {
  const audience = adapterAudience(domain);
  const subject = KIT_IDENTITY.professional;
  const claims = (fields: string[]) => ({ org: KIT_IDENTITY.organisationId, roles: KIT_IDENTITY.roles, purpose: KIT_IDENTITY.purpose, fields });
  const payload = (fields: string[], body: Uint8Array) => ({ ...claims(fields), [CONTENT_DIGEST_CLAIM]: contentDigest(body) });
  return {
    valid: (fields) => (body) => signUpstreamToken(hubKey, { ...KIT_IDENTITY, domain, fields, contentDigest: contentDigest(body) }),
    foreignKey: (fields) => async (body) => {
      const { privateKey } = await generateKeyPair('ES256');
      return new SignJWT(payload(fields, body))
        .setProtectedHeader({ alg: 'ES256', kid: hubKey.kid, typ: 'JWT' })
        .setIssuer(hubKey.issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(`${UPSTREAM_TOKEN_TTL_SECONDS}s`)
        .sign(privateKey);
    },
    wrongAudience: (fields) => (body) => signUpstreamToken(hubKey, { ...KIT_IDENTITY, domain: `not-${domain}`, fields, contentDigest: contentDigest(body) }),
    expired: (fields) => (body) => hubKey.sign({ ...payload(fields, body), exp: Math.floor(Date.now() / 1000) - 300 }, { audience, subject }),
    unsigned: (fields) => (body) => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...payload(fields, body), iss: hubKey.issuer, aud: audience, sub: subject, jti: randomUUID(), iat: now, exp: now + UPSTREAM_TOKEN_TTL_SECONDS })}.`;
    },
    withoutDigest: (fields) => () => hubKey.sign(claims(fields), { audience, subject, ttlSeconds: UPSTREAM_TOKEN_TTL_SECONDS }),
  };
}
