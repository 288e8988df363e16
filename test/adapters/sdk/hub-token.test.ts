import { createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadHubSigningKey } from '../../../src/auth/hub-signing-key.ts';
import { adapterAudience } from '../../../src/auth/upstream-token.ts';
import { contentDigest } from '../../../src/auth/request-digest.ts';
import { requestBody } from '../../../src/adapters/conformance/adapter-client.ts';
import { loadDemoIssuer } from '../../../src/auth/demo-issuer.ts';
import { closeServer, listen } from '../../../src/net/http-server.ts';
import { startAdapter, type RunningGraphQLService } from '../../../src/adapters/sdk/index.ts';
import { InMemoryReplayGuard } from '../../../src/adapters/sdk/replay-guard.ts';
import { postGraphQL, type GraphQLHttpResult } from '../graphql-client.ts';
import { createTestHubKeys, TEST_CALLER, type TestHubKeys } from '../hub-tokens.ts';
import { fixtureAdapter, KNOWN, newFixturePartner, type FixturePartner } from './fixture-adapter.ts';

const [K1] = Object.keys(KNOWN);
const PEOPLE = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths } } }';
const PEOPLE_FIELDS = ['Query.peopleByBsn', 'Person.bsn', 'Person.housing', 'Housing.rentArrearsMonths'];
/** The digest of the body `send` posts for `query`: forgeries carry it, so they are refused for what they forge. */
const digestOf = (query = PEOPLE) => contentDigest(requestBody(query, { bsns: [K1] }));

describe('only the hub may ask: hub token checks', () => {
  let hub: TestHubKeys;
  let partner: FixturePartner;
  let adapter: RunningGraphQLService;

  const send = (authorization?: string, query = PEOPLE, url = adapter.url) =>
    postGraphQL(url, query, { bsns: [K1] }, authorization ? { authorization } : {});

  /** A refusal: the status, one error with the code, no data, no partner call, no token in the answer. */
  function expectRefused(result: GraphQLHttpResult, status: number, code: string, token?: string) {
    expect(result.status).toBe(status);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors![0].extensions?.code).toBe(code);
    if (token) expect(result.text).not.toContain(token.split('.')[1]);
    expect(partner.calls).toHaveLength(0);
  }

  beforeAll(async () => {
    hub = await createTestHubKeys();
    partner = newFixturePartner();
    adapter = await startAdapter(fixtureAdapter(partner), { hubKeys: hub.hubKeys, dataDir: hub.dataDir });
  });
  afterAll(async () => {
    try {
      await adapter?.close();
    } finally {
      await hub?.cleanup(); // the key folder goes also when start-up or close failed
    }
  });
  beforeEach(() => {
    partner.calls.length = 0;
  });

  it('answers a hub-signed token for exactly the requested fields', async () => {
    const result = await send(`Bearer ${await hub.tokenFor('housing', PEOPLE, { bsns: [K1] })}`);
    expect(result.status).toBe(200);
    expect(result.body.data.peopleByBsn).toEqual([{ bsn: K1, housing: { rentArrearsMonths: 3 } }]);
    expect(partner.calls).toHaveLength(1);
  });

  it('refuses a request without a token with 401 and a WWW-Authenticate challenge', async () => {
    const res = await fetch(adapter.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PEOPLE, variables: { bsns: [K1] } }) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({ errors: [{ message: 'A valid hub token is required', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(partner.calls).toHaveLength(0);
  });

  it.each([['not a JWT', 'Bearer abc.def.ghi'], ['another scheme', 'Basic dXNlcjpwYXNz'], ['an empty bearer', 'Bearer ']])('refuses garbage: %s', async (_what, header) => {
    expectRefused(await send(header), 401, 'UNAUTHENTICATED');
  });

  it('refuses a token signed with another key under the hub issuer', async () => {
    const other = await createTestHubKeys();
    try {
      const token = await other.tokenFor('housing', PEOPLE, { bsns: [K1] });
      expectRefused(await send(`Bearer ${token}`), 401, 'UNAUTHENTICATED', token);
    } finally {
      await other.cleanup();
    }
  });

  it("refuses a token for another adapter's audience", async () => {
    const token = await hub.tokenFor('debt', PEOPLE, { bsns: [K1] });
    expectRefused(await send(`Bearer ${token}`), 401, 'UNAUTHENTICATED', token);
  });

  it('refuses an expired token', async () => {
    const token = await hub.hubKey.sign(
      { org: TEST_CALLER.organisationId, roles: TEST_CALLER.roles, purpose: TEST_CALLER.purpose, fields: PEOPLE_FIELDS, content_digest: digestOf(), exp: Math.floor(Date.now() / 1000) - 30 },
      { audience: adapterAudience('housing'), subject: TEST_CALLER.professional },
    );
    expectRefused(await send(`Bearer ${token}`), 401, 'UNAUTHENTICATED', token);
  });

  it('refuses a hub token without an expiry', async () => {
    const query = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn } }';
    const token = await hub.hubKey.sign({ org: 'x', roles: [], purpose: 'y', fields: ['Query.peopleByBsn', 'Person.bsn'], content_digest: digestOf(query) }, { audience: adapterAudience('housing'), subject: 'z' });
    expectRefused(await send(`Bearer ${token}`, query), 401, 'UNAUTHENTICATED', token);
  });

  it('refuses a replayed token', async () => {
    const token = await hub.tokenFor('housing', PEOPLE, { bsns: [K1] });
    expect((await send(`Bearer ${token}`)).status).toBe(200);
    partner.calls.length = 0;
    expectRefused(await send(`Bearer ${token}`), 401, 'UNAUTHENTICATED', token);
  });

  it('refuses a token replayed after its expiry while the clock tolerance still accepts it', async () => {
    // Expired two seconds ago: within the 5 s tolerance, so the verifier still takes it; the guard must still remember it.
    const token = await hub.hubKey.sign(
      { org: TEST_CALLER.organisationId, roles: TEST_CALLER.roles, purpose: TEST_CALLER.purpose, fields: PEOPLE_FIELDS, content_digest: digestOf(), exp: Math.floor(Date.now() / 1000) - 2 },
      { audience: adapterAudience('housing'), subject: TEST_CALLER.professional },
    );
    expect((await send(`Bearer ${token}`)).status).toBe(200);
    partner.calls.length = 0;
    expectRefused(await send(`Bearer ${token}`), 401, 'UNAUTHENTICATED', token);
  });

  it('refuses with 503 when the replay guard is full, without calling the partner', async () => {
    const guard = new InMemoryReplayGuard(1);
    const small = await startAdapter(fixtureAdapter(partner), { hubKeys: hub.hubKeys, dataDir: hub.dataDir, replayGuard: guard });
    try {
      expect((await send(`Bearer ${await hub.tokenFor('housing', PEOPLE, { bsns: [K1] })}`, PEOPLE, small.url)).status).toBe(200);
      partner.calls.length = 0;
      const token = await hub.tokenFor('housing', PEOPLE, { bsns: [K1] });
      const result = await send(`Bearer ${token}`, PEOPLE, small.url);
      expectRefused(result, 503, 'REPLAY_GUARD_UNAVAILABLE', token);
      expect(result.body.errors![0].message).toBe('The adapter cannot check hub tokens for replay now; try again later');
    } finally {
      await small.close();
      await guard.close();
    }
  });

  it("refuses a wijkcoach's own token from the demo identity provider", async () => {
    const issuer = await loadDemoIssuer(hub.dataDir);
    const token = await issuer.issueToken({ subject: TEST_CALLER.professional, organisationId: TEST_CALLER.organisationId, roles: ['wijkcoach'], purpose: TEST_CALLER.purpose });
    expectRefused(await send(`Bearer ${token}`), 401, 'UNAUTHENTICATED', token);
  });

  it('refuses with 403 a request for fields outside the token', async () => {
    const wider = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths monthlyRent } } }';
    const token = await hub.tokenFor('housing', wider, { bsns: [K1] }, { fields: PEOPLE_FIELDS });
    const result = await send(`Bearer ${token}`, wider);
    expectRefused(result, 403, 'FORBIDDEN', token);
    expect(result.body.errors![0].message).toBe('The hub token does not cover the requested fields');
  });

  it('refuses a token whose fields are hidden in a fragment outside the token', async () => {
    const sneaky = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths ...Rent } } } fragment Rent on Housing { rent: monthlyRent }';
    const token = await hub.tokenFor('housing', sneaky, { bsns: [K1] }, { fields: PEOPLE_FIELDS });
    expectRefused(await send(`Bearer ${token}`, sneaky), 403, 'FORBIDDEN', token);
  });

  it('fetches the hub JWKS from a URL (stand-alone adapter) and refuses when it cannot', async () => {
    const jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hub.hubKey.jwks)));
    const base = await listen(jwksServer, '127.0.0.1', 0);
    const remote = await startAdapter(fixtureAdapter(partner), { hubKeys: { jwksUrl: `${base}/.well-known/hub-jwks.json` }, dataDir: hub.dataDir });
    try {
      const ok = await send(`Bearer ${await hub.tokenFor('housing', PEOPLE, { bsns: [K1] })}`, PEOPLE, remote.url);
      expect(ok.body.data.peopleByBsn).toEqual([{ bsn: K1, housing: { rentArrearsMonths: 3 } }]);
      // A fresh key the JWKS does not list (the hub's key rotated away, or a forger's).
      const stranger = await loadHubSigningKey(`${hub.dataDir}/stranger`, {});
      partner.calls.length = 0;
      const forged = await stranger.sign({ org: 'x', roles: [], purpose: 'y', fields: PEOPLE_FIELDS, content_digest: digestOf() }, { audience: adapterAudience('housing'), subject: 'z', ttlSeconds: 60 });
      expectRefused(await send(`Bearer ${forged}`, PEOPLE, remote.url), 401, 'UNAUTHENTICATED', forged);
    } finally {
      await remote.close();
      await closeServer(jwksServer);
    }
  });
});
