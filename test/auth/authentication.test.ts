import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeyPair, SignJWT } from 'jose';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { DEMO_ISSUER, HUB_AUDIENCE } from '../../src/config/env.ts';
import { loadDemoIssuer } from '../../src/auth/demo-issuer.ts';

const QUERY = '{ household(id: "hh-1001") { id address { street } } }';

describeWithPostgres('authentication at the gateway', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database());
  });
  afterAll(async () => hub?.stop());

  const claims = { org: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };

  async function expectRejected(authorization: string | undefined) {
    const response = await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as any;
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toMatch(/Kanaalstraat|stack|at .*\.ts/);
    return body.errors[0].message as string;
  }

  it('accepts a valid demo token', async () => {
    const response = await hub.query(await hub.token(), QUERY);
    expect(response.status).toBe(200);
    expect(response.body.data!.household.address.street).toBe('Kanaalstraat');
  });

  it('rejects a request without a token', async () => {
    expect(await expectRejected(undefined)).toBe('A bearer token is required');
  });

  it('rejects a malformed header or token', async () => {
    await expectRejected('Basic dXNlcjpwYXNz');
    await expectRejected('Bearer not-a-jwt');
  });

  it('rejects a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: hub.demoIssuer!.jwks.keys[0].kid })
      .setIssuer(DEMO_ISSUER).setAudience(HUB_AUDIENCE).setSubject('mallory').setExpirationTime('5m').sign(privateKey);
    await expectRejected(`Bearer ${forged}`);
  });

  it('rejects a token whose signature was tampered with', async () => {
    const token = await hub.token();
    const [header, payload, signature] = token.split('.');
    const changedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['privacy-officer'] })).toString('base64url');
    await expectRejected(`Bearer ${header}.${changedPayload}.${signature}`);
  });

  it('rejects an expired token', async () => {
    const token = await hub.token({ ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await expectRejected(`Bearer ${token}`)).toBe('The token has expired');
  });

  it('rejects a symmetric (HS256) token, even one keyed with the public key', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(hub.demoIssuer!.jwks.keys[0]));
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(DEMO_ISSUER).setAudience(HUB_AUDIENCE)
      .setSubject('mallory').setExpirationTime('5m').sign(secret);
    await expectRejected(`Bearer ${token}`);
  });

  it('rejects a token for another audience or issuer, signed with the right key', async () => {
    const profile = { subject: 'x', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
    const otherAudience = await loadDemoIssuer(hub.dataDir, DEMO_ISSUER, 'another-service');
    await expectRejected(`Bearer ${await otherAudience.issueToken(profile)}`);
    const otherIssuer = await loadDemoIssuer(hub.dataDir, 'https://elsewhere.example', HUB_AUDIENCE);
    await expectRejected(`Bearer ${await otherIssuer.issueToken(profile)}`);
  });

  it('rejects a token without the hub claims', async () => {
    const noPurpose = await hub.demoIssuer!.issueToken({ subject: 'x', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: '' });
    expect(await expectRejected(`Bearer ${noPurpose}`)).toBe('The token must carry sub, org, roles and purpose claims');
    const noRoles = await hub.demoIssuer!.issueToken({ subject: 'x', organisationId: 'wijkteam-oost', roles: [], purpose: 'wijkteam-ondersteuning' });
    await expectRejected(`Bearer ${noRoles}`);
  });

  it('serves the demo issuer JWKS without private key material, and a health check', async () => {
    const jwks = (await (await fetch(`${hub.gateway.url}/.well-known/jwks.json`)).json()) as any;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    const health = await fetch(`${hub.gateway.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
