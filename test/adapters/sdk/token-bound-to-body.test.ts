import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adapterAudience } from '../../../src/auth/upstream-token.ts';
import { contentDigest } from '../../../src/auth/request-digest.ts';
import { requestBody } from '../../../src/adapters/conformance/adapter-client.ts';
import { startAdapter, type RunningGraphQLService } from '../../../src/adapters/sdk/index.ts';
import { createTestHubKeys, TEST_CALLER, type TestHubKeys } from '../hub-tokens.ts';
import { fixtureAdapter, KNOWN, newFixturePartner, type FixturePartner } from './fixture-adapter.ts';

const [K1, K2] = Object.keys(KNOWN);
const PEOPLE = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths } } }';
const PEOPLE_FIELDS = ['Query.peopleByBsn', 'Person.bsn', 'Person.housing', 'Housing.rentArrearsMonths'];
const MISMATCH = 'The request body does not match the digest signed in the hub token';

/**
 * A hub token is good for the one body it was signed for. These are the attacks of someone who captured
 * a genuine token on the wire (for Linda's BSN) and wants it to read someone else, or to read at all.
 */
describe('a hub token is bound to its request body', () => {
  let hub: TestHubKeys;
  let partner: FixturePartner;
  let adapter: RunningGraphQLService;

  const genuineBody = () => requestBody(PEOPLE, { bsns: [K1] });
  const genuineToken = () => hub.tokenFor('housing', PEOPLE, { bsns: [K1] });

  async function post(body: Uint8Array, token: string, headers: Record<string, string> = {}, url = adapter.url) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}`, ...headers },
      body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })() };
  }

  /** 401, one UNAUTHENTICATED error with `message`, no data, the partner never asked, neither token nor BSN echoed. */
  function expectUnauthenticated(result: Awaited<ReturnType<typeof post>>, message: string, token: string) {
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe('Bearer');
    expect(result.json).toEqual({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(result.text).not.toContain(token.split('.')[1]);
    for (const bsn of [K1, K2]) expect(result.text).not.toContain(bsn);
    expect(partner.calls).toHaveLength(0);
  }

  beforeAll(async () => {
    hub = await createTestHubKeys();
    partner = newFixturePartner();
    adapter = await startAdapter(fixtureAdapter(partner), { hubKeys: hub.hubKeys, dataDir: hub.dataDir });
  });
  afterAll(async () => {
    await adapter.close();
    await hub.cleanup();
  });
  beforeEach(() => {
    partner.calls.length = 0;
  });

  it('answers the body the token was signed for', async () => {
    const result = await post(genuineBody(), await genuineToken());
    expect(result.status).toBe(200);
    expect(result.json.data.peopleByBsn).toEqual([{ bsn: K1, housing: { rentArrearsMonths: KNOWN[K1].rentArrearsMonths } }]);
  });

  it('refuses the token with another person in the body, and the hub may still use it for its own request', async () => {
    const token = await genuineToken();
    expectUnauthenticated(await post(requestBody(PEOPLE, { bsns: [K2] }), token), MISMATCH, token);
    expectUnauthenticated(await post(requestBody(PEOPLE, { bsns: [K1, K2] }), token), MISMATCH, token);
    // The attempts did not use the token up: the request it was made for still goes through, once.
    const own = await post(genuineBody(), token);
    expect(own.status).toBe(200);
    expect(partner.calls.map((call) => call.bsns)).toEqual([[K1]]);
  });

  it.each<[string, (body: Buffer) => Buffer]>([
    ['the same JSON with other whitespace', (body) => Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2))],
    ['a UTF-8 byte order mark in front', (body) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])],
    ['a trailing newline', (body) => Buffer.concat([body, Buffer.from('\n')])],
    ['a digit of the BSN written as a JSON \\u escape', (body) => Buffer.from(body.toString().replace(`"${K1}"`, `"\\u00${K1.charCodeAt(0).toString(16)}${K1.slice(1)}"`))],
    ['the variables first', () => Buffer.from(JSON.stringify({ variables: { bsns: [K1] }, query: PEOPLE }))],
    ['the body gzip-compressed (content-encoding: gzip)', (body) => gzipSync(body)],
  ])('refuses %s: the digest covers the raw bytes', async (what, alter) => {
    const token = await genuineToken();
    const altered = alter(Buffer.from(genuineBody()));
    expect(altered.equals(Buffer.from(genuineBody()))).toBe(false);
    const headers: Record<string, string> = what.includes('gzip') ? { 'content-encoding': 'gzip' } : {};
    expectUnauthenticated(await post(altered, token, headers), MISMATCH, token);
  });

  it('refuses a hub-signed token that is bound to no body, or to a digest in another notation', async () => {
    const claims = { org: TEST_CALLER.organisationId, roles: TEST_CALLER.roles, purpose: TEST_CALLER.purpose, fields: PEOPLE_FIELDS };
    const options = { audience: adapterAudience('housing'), subject: TEST_CALLER.professional, ttlSeconds: 60 };
    const hex = Buffer.from(contentDigest(genuineBody()).slice('sha-256=:'.length, -1), 'base64').toString('hex');
    for (const digest of [undefined, '', hex, `sha-512=:${hex}:`, null]) {
      const token = await hub.hubKey.sign(digest === undefined ? claims : { ...claims, content_digest: digest }, options);
      expectUnauthenticated(await post(genuineBody(), token), MISMATCH, token);
    }
  });

  describe('what else a captured token is tried for', () => {
    it('a GET with the query in the URL is refused, the partner never asked', async () => {
      const token = await genuineToken();
      const url = `${adapter.url}?query=${encodeURIComponent(PEOPLE)}&variables=${encodeURIComponent(JSON.stringify({ bsns: [K2] }))}`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(405);
      expect(await response.text()).not.toContain(K2);
      expect(partner.calls).toHaveLength(0);
    });

    it('another path is not found', async () => {
      const token = await genuineToken();
      for (const path of ['/', '/graphql/', '/GRAPHQL', '/graphqlx']) {
        const result = await post(genuineBody(), token, {}, new URL(path, adapter.url).href);
        expect(result.status).toBe(404);
      }
      expect(partner.calls).toHaveLength(0);
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/graphql'])(
      'the signed body with content-type %s is not executed',
      async (contentType) => {
        const result = await post(genuineBody(), await genuineToken(), { 'content-type': contentType });
        expect(result.status).toBe(415);
        expect(result.text).not.toContain(K1);
        expect(partner.calls).toHaveLength(0);
      },
    );
  });
});
