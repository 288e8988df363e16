import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { DEMO_ISSUER, HUB_AUDIENCE } from '../../src/config/env.ts';
import { AuthenticationError, CLOCK_TOLERANCE_SECONDS, createTokenVerifier, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from '../../src/auth/token-verifier.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';

const CLAIMS = { org: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
const HOUR = 3600;

/** A token signed with `key`, issued at `iat` (epoch seconds, or omitted) and expiring at `exp`. */
function sign(key: SigningKey, { iat, exp }: { iat?: number; exp: number }, kid = 'k1') {
  const jwt = new SignJWT(CLAIMS).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(DEMO_ISSUER).setAudience(HUB_AUDIENCE).setSubject('sanne.deboer').setExpirationTime(exp);
  if (iat !== undefined) jwt.setIssuedAt(iat);
  return jwt.sign(key);
}

describe('token verifier: scheme, issue time and lifetime', () => {
  const now = Math.floor(Date.now() / 1000);
  let privateKey: SigningKey;
  let verify: ReturnType<typeof createTokenVerifier>;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    verify = createTokenVerifier({ keys: createLocalJWKSet({ keys: [jwk] }), issuer: DEMO_ISSUER, audience: HUB_AUDIENCE, maxLifetimeSeconds: 8 * HOUR, register: loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck()) });
  });

  async function failure(header: string) {
    try {
      await verify(header);
    } catch (error) {
      expect(error).toBeInstanceOf(AuthenticationError);
      return error as AuthenticationError;
    }
    throw new Error('the token was accepted');
  }

  it('accepts the bearer scheme in any case, with one or more spaces', async () => {
    const token = await sign(privateKey, { iat: now, exp: now + HOUR });
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) expect((await verify(`${scheme} ${token}`)).subject).toBe('sanne.deboer');
    expect((await verify(`Bearer   ${token}`)).subject).toBe('sanne.deboer');
    expect((await failure(`Bearertoken ${token}`)).failure).toBe('malformed');
    expect((await failure(`Basic ${token}`)).failure).toBe('malformed');
  });

  it('refuses a token issued in the future beyond the clock tolerance, and accepts one within it', async () => {
    const future = await failure(`Bearer ${await sign(privateKey, { iat: now + 3600, exp: now + 2 * HOUR })}`);
    expect(future.failure).toBe('lifetime');
    expect(future.message).toBe('The token was issued in the future (iat)');
    expect((await failure(`Bearer ${await sign(privateKey, { iat: now + CLOCK_TOLERANCE_SECONDS + 5, exp: now + HOUR })}`)).failure).toBe('lifetime');
    expect((await verify(`Bearer ${await sign(privateKey, { iat: now + CLOCK_TOLERANCE_SECONDS - 5, exp: now + HOUR })}`)).subject).toBe('sanne.deboer');
  });

  it('refuses a lifetime (exp - iat) beyond the maximum, also when most of it has passed', async () => {
    const century = await failure(`Bearer ${await sign(privateKey, { iat: now, exp: now + 100 * 365 * 24 * HOUR })}`);
    expect(century.failure).toBe('lifetime');
    expect(century.message).toMatch(/valid for longer than this hub accepts/);
    // Issued 9 hours ago, valid for one more: 10 hours in all, over the 8 configured.
    expect((await failure(`Bearer ${await sign(privateKey, { iat: now - 9 * HOUR, exp: now + HOUR })}`)).failure).toBe('lifetime');
    expect((await verify(`Bearer ${await sign(privateKey, { iat: now, exp: now + 8 * HOUR })}`)).subject).toBe('sanne.deboer');
  });

  it('refuses a token without iat: its lifetime cannot be checked', async () => {
    const error = await failure(`Bearer ${await sign(privateKey, { exp: now + HOUR })}`);
    expect(error.failure).toBe('claims');
    expect(error.message).toBe('The token must carry the iat claim');
  });

  it('defaults to a maximum lifetime of 24 hours', () => {
    expect(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS).toBe(24 * HOUR);
  });
});

describeWithPostgres('token checks over HTTP', (database) => {
  let hub: TestHub;
  let demoKey: SigningKey;
  let kid: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    const jwk = JSON.parse(await readFile(path.join(hub.dataDir, 'demo-issuer-private-key.jwk.json'), 'utf8')) as JWK;
    demoKey = await importJWK(jwk, 'ES256');
    kid = jwk.kid!;
  });
  afterAll(async () => hub?.stop());

  async function post(authorization: string) {
    const response = await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ household(id: "hh-1001") { id } }' }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('serves a lower-case "bearer" header', async () => {
    const response = await post(`bearer ${await hub.token()}`);
    expect(response.status).toBe(200);
    expect(response.body.data.household.id).toBe('hh-1001');
  });

  it('answers 401 with a clear message to a token issued tomorrow, and to one valid for 100 years', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tomorrow = await post(`Bearer ${await sign(demoKey, { iat: now + 24 * HOUR, exp: now + 25 * HOUR }, kid)}`);
    expect(tomorrow.status).toBe(401);
    expect(tomorrow.body.errors[0]).toMatchObject({ message: 'The token was issued in the future (iat)', extensions: { code: 'UNAUTHENTICATED' } });
    expect(tomorrow.body.data).toBeUndefined();
    const century = await post(`Bearer ${await hub.token({ ttlSeconds: 100 * 365 * 24 * HOUR })}`);
    expect(century.status).toBe(401);
    expect(century.body.errors[0].message).toMatch(/^The token is valid for longer than this hub accepts \(exp - iat over 86400 seconds\)$/);
  });
});
