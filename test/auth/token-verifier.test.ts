/**
 * The token verification cache (src/auth/token-verifier.ts): a token verified once is taken on trust
 * until the earliest of its exp and the cache's max TTL, and nothing else is. Every full verification
 * asks the key set for the token's key, so counting those asks shows whether a signature was checked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { DEMO_ISSUER, HUB_AUDIENCE } from '../../src/config/env.ts';
import { AuthenticationError, createTokenVerifier, type TokenVerifierOptions } from '../../src/auth/token-verifier.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
const CLAIMS = { org: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

let trusted: KeyPair;
let untrusted: KeyPair;
let jwks: JWTVerifyGetKey;
const register = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());

beforeAll(async () => {
  [trusted, untrusted] = await Promise.all([generateKeyPair('ES256', { extractable: true }), generateKeyPair('ES256', { extractable: true })]);
  jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(trusted.publicKey)), kid: 'k1', alg: 'ES256' }] });
});

/** A token issued at T0 (plus `issuedAfter` seconds), valid for `ttl` seconds. */
function sign(key: KeyPair, { ttl = 3600, issuedAfter = 0, claims = CLAIMS } = {}) {
  const iat = T0 / 1000 + issuedAfter;
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(DEMO_ISSUER).setAudience(HUB_AUDIENCE)
    .setSubject('sanne.deboer').setIssuedAt(iat).setExpirationTime(iat + ttl).sign(key.privateKey);
}

/** A verifier on a clock the test moves, counting how often it asks the key set (once per signature check). */
function verifierWithClock(options: Partial<TokenVerifierOptions> = {}) {
  const clock = { now: T0 };
  let keyLookups = 0;
  const keys: JWTVerifyGetKey = (header, token) => {
    keyLookups++;
    return jwks(header, token);
  };
  const verify = createTokenVerifier({ keys, issuer: DEMO_ISSUER, audience: HUB_AUDIENCE, register, now: () => new Date(clock.now), ...options });
  return { verify, clock, keyLookups: () => keyLookups };
}

async function failureOf(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof AuthenticationError)) throw new Error('the token was accepted');
  return error.failure;
}

describe('token verification cache', () => {
  it('verifies the signature of a token once, and answers the same token from the cache after that', async () => {
    const { verify, keyLookups } = verifierWithClock();
    const token = await sign(trusted);
    const first = await verify(`Bearer ${token}`);
    expect(await verify(`bearer  ${token}`)).toBe(first);
    expect(keyLookups()).toBe(1);
    expect(first).toEqual({ subject: 'sanne.deboer', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' });
    // One caller serves every request with this token: none of them may change it for the others.
    expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true);
  });

  it('refuses a token that expired, though it was cached a moment before its exp', async () => {
    const { verify, clock, keyLookups } = verifierWithClock({ cacheMaxTtlSeconds: 3600 });
    const token = await sign(trusted, { ttl: 30 });
    clock.now = T0 + 29_999;
    await verify(`Bearer ${token}`);
    clock.now = T0 + 30_000;
    expect(await failureOf(verify(`Bearer ${token}`))).toBe('expired');
    expect(await failureOf(verify(`Bearer ${token}`))).toBe('expired');
    expect(keyLookups()).toBe(3);
  });

  it('checks the signature again once the max TTL has passed, even while the token is valid', async () => {
    const { verify, keyLookups } = verifierWithClock({ cacheMaxTtlSeconds: 0.05 });
    const token = await sign(trusted);
    await verify(`Bearer ${token}`);
    await new Promise((resolve) => setTimeout(resolve, 120)); // the cache's own TTL runs on the real clock
    await verify(`Bearer ${token}`);
    expect(keyLookups()).toBe(2);
  });

  it('verifies a different token with the same claims on its own: one signed by a key the hub does not trust is refused', async () => {
    const { verify, keyLookups } = verifierWithClock();
    await verify(`Bearer ${await sign(trusted)}`);
    expect(await failureOf(verify(`Bearer ${await sign(untrusted)}`))).toBe('invalid');
    // The same claims signed again (ES256 signatures differ each time) is another token: verified anew.
    await verify(`Bearer ${await sign(trusted)}`);
    expect(keyLookups()).toBe(3);
  });

  it('never answers a tampered token from the cache: changed signature, changed claims', async () => {
    const { verify } = verifierWithClock();
    const token = await sign(trusted);
    await verify(`Bearer ${token}`);
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await failureOf(verify(`Bearer ${header}.${payload}.${flipped}`))).toBe('invalid');
    const otherClaims = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['schuldhulpverlener'] })).toString('base64url');
    expect(await failureOf(verify(`Bearer ${header}.${otherClaims}.${signature}`))).toBe('invalid');
  });

  it('keeps at most cacheMaxEntries tokens, the least recently used going first', async () => {
    const { verify, keyLookups } = verifierWithClock({ cacheMaxEntries: 2 });
    const [a, b, c] = await Promise.all([1, 2, 3].map((issuedAfter) => sign(trusted, { issuedAfter })));
    for (const token of [a, b, c]) await verify(`Bearer ${token}`);
    expect(keyLookups()).toBe(3);
    await verify(`Bearer ${c}`);
    await verify(`Bearer ${b}`);
    expect(keyLookups()).toBe(3);
    await verify(`Bearer ${a}`); // pushed out by c
    expect(keyLookups()).toBe(4);
  });

  it('applies its register on every hit: a role the policy no longer knows is refused, cached or not', async () => {
    const policies = { ...register, roles: new Map(register.roles) };
    const { verify } = verifierWithClock({ register: policies });
    const token = await sign(trusted);
    await verify(`Bearer ${token}`);
    policies.roles.delete('wijkcoach');
    expect(await failureOf(verify(`Bearer ${token}`))).toBe('register');
    // Another verifier, another cache: what this one cached is nothing to it.
    expect(await failureOf(verifierWithClock({ register: policies }).verify(`Bearer ${token}`))).toBe('register');
  });

  it('caches no failure: a token refused once (not yet issued) is accepted when its time comes', async () => {
    const { verify, clock } = verifierWithClock();
    const token = await sign(trusted, { issuedAfter: 600 });
    expect(await failureOf(verify(`Bearer ${token}`))).toBe('lifetime');
    clock.now = T0 + 600_000;
    expect((await verify(`Bearer ${token}`)).subject).toBe('sanne.deboer');
  });
});
