/**
 * The plain stitching peer of bench/gateway-vs-stitching.ts must keep answering the case-screen query with
 * the same data as ontschot (correctness, not speed), or the bench compares against something broken. It
 * runs against the adapters of a real hub (same data folder, so the adapters trust its hub key, and the
 * same PostgreSQL case registration).
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { loadGatewayConfig, ADAPTER_URL_VARIABLES } from '../../src/config/env.ts';
import { DOMAINS } from '../../src/domain/partner-domains.ts';
import { startPlainGateway, type RunningPlainGateway } from '../../bench/plain-stitching/plain-gateway.ts';
import { ONE_HOUSEHOLD_QUERY } from '../../bench/gateway-vs-stitching/case-screen.ts';
import { compareWithPlain, plainAnswerProblems, type GraphQLAnswer } from '../../bench/gateway-vs-stitching/compare-answers.ts';

async function ask(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<{ status: number; body: GraphQLAnswer & { data?: any } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as GraphQLAnswer };
}

describeWithPostgres('plain stitching peer', (database) => {
  let hub: TestHub;
  let plain: RunningPlainGateway;
  let token: string;

  beforeAll(async () => {
    hub = await startTestHub(database());
    const adapterUrls = Object.fromEntries(DOMAINS.map((domain) => [ADAPTER_URL_VARIABLES[domain], hub.adapters[domain]!.url]));
    plain = await startPlainGateway(loadGatewayConfig({ PORT: '0', ONTSCHOT_DATA_DIR: hub.dataDir, DATABASE_URL: database().url, ...adapterUrls }));
    token = await hub.token();
  });
  afterAll(async () => {
    await plain?.close();
    await hub?.stop();
  });

  it('answers the case screen of hh-1001 with the data ontschot answers, and more where ontschot withholds', async () => {
    const [fromPlain, fromHub] = await Promise.all([ask(plain.graphqlUrl, token, ONE_HOUSEHOLD_QUERY, { id: 'hh-1001' }), ask(hub.gateway.graphqlUrl, token, ONE_HOUSEHOLD_QUERY, { id: 'hh-1001' })]);
    expect(fromPlain.status).toBe(200);
    expect(plainAnswerProblems(fromPlain.body)).toEqual([]);
    expect(compareWithPlain(fromPlain.body, fromHub.body)).toEqual([]);
    // Real partner data came through the signed adapter calls, not only the hub's own fields.
    const mohammed = fromPlain.body.data.household.members[0];
    expect(mohammed.housing.rentArrearsMonths).toBe(3);
    expect(mohammed.debt.caseStatus).toBe('DEBT_SETTLEMENT');
    expect(mohammed.care).toEqual({ inCare: true, trajectoryKind: 'SPECIALIST_GGZ' });
  });

  it('is reported, not measured, when the adapters refuse its calls (signed with another hub key)', async () => {
    // Same demo issuer (the token verifies), but a hub key of its own that the adapters do not trust.
    const otherDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-test-'));
    await copyFile(path.join(hub.dataDir, 'demo-issuer-private-key.jwk.json'), path.join(otherDir, 'demo-issuer-private-key.jwk.json'));
    await copyFile(path.join(hub.dataDir, 'demo-hub-data-key.base64'), path.join(otherDir, 'demo-hub-data-key.base64'));
    const adapterUrls = Object.fromEntries(DOMAINS.map((domain) => [ADAPTER_URL_VARIABLES[domain], hub.adapters[domain]!.url]));
    const unsigned = await startPlainGateway(loadGatewayConfig({ PORT: '0', ONTSCHOT_DATA_DIR: otherDir, DATABASE_URL: database().url, ...adapterUrls }));
    try {
      const answer = await ask(unsigned.graphqlUrl, token, ONE_HOUSEHOLD_QUERY, { id: 'hh-1001' });
      expect(answer.body.data?.household?.address).toBeTruthy();
      expect(plainAnswerProblems(answer.body).length).toBeGreaterThan(0);
    } finally {
      await unsigned.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses a request without a valid token', async () => {
    const response = await ask(plain.graphqlUrl, 'not-a-token', ONE_HOUSEHOLD_QUERY, { id: 'hh-1001' });
    expect(response.status).toBe(401);
    expect(response.body.data ?? null).toBeNull();
  });
});

describe('comparing an ontschot answer with the plain one', () => {
  const plainAnswer = { data: { household: { members: [{ givenName: 'A', care: { inCare: true } }, { givenName: 'B', care: null }] } } };
  const withheldCare = { message: 'x', path: ['household', 'members', 0, 'care'], extensions: { code: 'CONSENT_REQUIRED' } };

  it('accepts a field withheld with a policy error at its path', () => {
    const ontschot = { data: { household: { members: [{ givenName: 'A', care: null }, { givenName: 'B', care: null }] } }, errors: [withheldCare] };
    expect(compareWithPlain(plainAnswer, ontschot)).toEqual([]);
  });

  it('refuses a null without an error, a changed value, a missing member and a non-policy error', () => {
    const silentNull = { data: { household: { members: [{ givenName: 'A', care: null }, { givenName: 'B', care: null }] } } };
    expect(compareWithPlain(plainAnswer, silentNull)).toEqual(['household.members.0.care: differs from plain (null without a policy error)']);
    const changed = { data: { household: { members: [{ givenName: 'Z', care: { inCare: true } }, { givenName: 'B', care: null }] } } };
    expect(compareWithPlain(plainAnswer, changed)).toEqual(['household.members.0.givenName: differs from plain']);
    const shorter = { data: { household: { members: [{ givenName: 'A', care: { inCare: true } }] } } };
    expect(compareWithPlain(plainAnswer, shorter)).toEqual(['household.members: 1 items where plain has 2']);
    const degraded = { data: plainAnswer.data, errors: [{ path: ['household', 'members', 0, 'care'], extensions: { code: 'SOURCE_UNAVAILABLE' } }] };
    expect(compareWithPlain(plainAnswer, degraded)).toEqual(['ontschot: error SOURCE_UNAVAILABLE at household.members.0.care']);
  });

  it('refuses a plain answer with any error or without data', () => {
    expect(plainAnswerProblems({ data: null, errors: [{ path: ['household'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }] })).toEqual(['plain: error INTERNAL_SERVER_ERROR at household', 'plain: no data']);
  });
});
