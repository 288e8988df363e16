import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import type { HubSigningKey } from '../../auth/hub-signing-key.ts';
import { adapterAudience, signUpstreamToken, UPSTREAM_TOKEN_TTL_SECONDS } from '../../auth/upstream-token.ts';

/**
 * Tokens the kit presents to an adapter while acting as the hub: a valid one (signed with the hub key,
 * audience `ontschot-adapter:<domain>`, the requested fields), and the forgeries an adapter must refuse.
 */

/** On whose behalf the kit asks: itself, for a purpose that names the check (adapters log these claims). */
const KIT_IDENTITY = { professional: 'adapter-conformance-kit', organisationId: 'ontschot-conformance', roles: ['conformance-kit'], purpose: 'adapter-conformance' };

export interface HubTokens {
  /** What the gateway would send for a query selecting `fields`. */
  valid(fields: string[]): Promise<string>;
  /** Same claims, signed by a key the hub does not have (with the hub's kid, to catch kid-only checks). */
  foreignKey(fields: string[]): Promise<string>;
  /** Signed by the hub, for another adapter. */
  wrongAudience(fields: string[]): Promise<string>;
  /** Signed by the hub, expired five minutes ago (well past any clock tolerance). */
  expired(fields: string[]): Promise<string>;
  /** No signature at all (alg "none"). */
  unsigned(fields: string[]): string;
}

export function hubTokens(hubKey: HubSigningKey, domain: string): HubTokens {
  const audience = adapterAudience(domain);
  const subject = KIT_IDENTITY.professional;
  const payload = (fields: string[]) => ({ org: KIT_IDENTITY.organisationId, roles: KIT_IDENTITY.roles, purpose: KIT_IDENTITY.purpose, fields });
  return {
    valid: (fields) => signUpstreamToken(hubKey, { ...KIT_IDENTITY, domain, fields }),
    async foreignKey(fields) {
      const { privateKey } = await generateKeyPair('ES256');
      return new SignJWT(payload(fields))
        .setProtectedHeader({ alg: 'ES256', kid: hubKey.kid, typ: 'JWT' })
        .setIssuer(hubKey.issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(`${UPSTREAM_TOKEN_TTL_SECONDS}s`)
        .sign(privateKey);
    },
    wrongAudience: (fields) => signUpstreamToken(hubKey, { ...KIT_IDENTITY, domain: `not-${domain}`, fields }),
    expired: (fields) =>
      hubKey.sign({ ...payload(fields), exp: Math.floor(Date.now() / 1000) - 300 }, { audience, subject }),
    unsigned(fields) {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...payload(fields), iss: hubKey.issuer, aud: audience, sub: subject, jti: randomUUID(), iat: now, exp: now + UPSTREAM_TOKEN_TTL_SECONDS })}.`;
    },
  };
}
