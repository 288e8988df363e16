import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { HUB_ISSUER } from '../../../src/auth/hub-signing-key.ts';
import { dataSubjectId, loadAdapterLogKey, readProcessingLog, startAdapter, type RunningGraphQLService } from '../../../src/adapters/sdk/index.ts';
import { postGraphQL } from '../graphql-client.ts';
import { createTestHubKeys, TEST_CALLER, type TestHubKeys } from '../hub-tokens.ts';
import { fixtureAdapter, KNOWN, newFixturePartner, UNKNOWN, type FixturePartner } from './fixture-adapter.ts';

const [K1, K2] = Object.keys(KNOWN);
const [U1, U2] = UNKNOWN;
const PEOPLE = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths evictionStatus } } }';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

describe('startAdapter', () => {
  let hub: TestHubKeys;
  let partner: FixturePartner;
  let adapter: RunningGraphQLService;
  let logFile: string;

  const ask = async (query: string, bsns: string[], headers: Record<string, string> = {}, url = adapter.url) =>
    postGraphQL(url, query, { bsns }, { ...(await hub.headersFor('housing', query, { bsns })), ...headers });

  beforeAll(async () => {
    hub = await createTestHubKeys();
    partner = newFixturePartner();
    logFile = path.join(hub.dataDir, 'ldv', 'fixture.jsonl');
    adapter = await startAdapter(fixtureAdapter(partner), { hubKeys: hub.hubKeys, dataDir: hub.dataDir, processingLogFile: logFile, timeBudgetMs: 1000 });
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
    partner.behaviour = async () => undefined;
  });

  it('asks the partner once for the distinct keys and answers in key order, null for unknown, duplicates filled', async () => {
    const result = await ask(PEOPLE, [U1, K2, K1, U2, K2]);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data.peopleByBsn).toEqual([
      null,
      { bsn: K2, housing: KNOWN[K2] },
      { bsn: K1, housing: KNOWN[K1] },
      null,
      { bsn: K2, housing: KNOWN[K2] },
    ]);
    expect(partner.calls.map((call) => call.bsns)).toEqual([[U1, K2, K1, U2]]);
  });

  it('asks the partner for what each field selects, the same query text again included', async () => {
    const aliases = 'query Two($bsns: [String!]!) { a: peopleByBsn(bsns: $bsns) { housing { rentArrearsMonths } } b: peopleByBsn(bsns: $bsns) { housing { evictionStatus } } }';
    // With $both the two selections merge into one field (two field nodes); without, the first stands alone.
    const merged = 'query Merged($bsns: [String!]!, $both: Boolean!) { peopleByBsn(bsns: $bsns) { housing { rentArrearsMonths } } peopleByBsn(bsns: $bsns) @include(if: $both) { housing { evictionStatus } } }';
    const askWith = async (query: string, variables: Record<string, unknown>) =>
      postGraphQL(adapter.url, query, variables, await hub.headersFor('housing', query, variables));
    for (let round = 0; round < 2; round++) expect((await askWith(aliases, { bsns: [K1] })).status).toBe(200);
    for (const both of [false, true, false, true]) expect((await askWith(merged, { bsns: [K1], both })).body.errors).toBeUndefined();
    expect(partner.calls.map((call) => call.fields)).toEqual([
      ['rentArrearsMonths'], ['evictionStatus'], ['rentArrearsMonths'], ['evictionStatus'],
      ['rentArrearsMonths'], ['evictionStatus', 'rentArrearsMonths'], ['rentArrearsMonths'], ['evictionStatus', 'rentArrearsMonths'],
    ]);
  });

  it('does not call the partner when only the key is selected', async () => {
    const result = await ask('query Keys($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn } }', [K1, U1]);
    expect(result.body.data.peopleByBsn).toEqual([{ bsn: K1 }, { bsn: U1 }]);
    expect(partner.calls).toHaveLength(0);
  });

  it('passes the requested domain fields to fetch, through aliases and fragments', async () => {
    const query = `query People($bsns: [String!]!) {
      peopleByBsn(bsns: $bsns) { bsn ... on Person { woning: housing { months: rentArrearsMonths ...Eviction } } }
    }
    fragment Eviction on Housing { evictionStatus alsoMonths: rentArrearsMonths __typename }`;
    const result = await ask(query, [K1]);
    expect(result.body.data.peopleByBsn).toEqual([{ bsn: K1, woning: { months: 3, evictionStatus: 'SUMMONED', alsoMonths: 3, __typename: 'Housing' } }]);
    expect(partner.calls[0].fields).toEqual(['evictionStatus', 'rentArrearsMonths']);
  });

  it('gives up at the time budget with SOURCE_UNAVAILABLE and aborts the partner call', async () => {
    let aborted = false;
    partner.behaviour = (call) => new Promise((resolve) => {
      call.signal.addEventListener('abort', () => { aborted = true; });
      setTimeout(resolve, 3000);
    });
    const started = performance.now();
    const result = await ask(PEOPLE, [K1]);
    const elapsed = performance.now() - started;
    expect(result.body.data).toBeNull();
    expect(result.body.errors).toMatchObject([{ message: 'Housing source unavailable', path: ['peopleByBsn'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'housing' } }]);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(2000);
    expect(aborted).toBe(true);
  });

  it.each([
    ['an Error', () => new Error(`connect ECONNREFUSED https://crm.partner.internal:8443/huurders?bsn=${K1}`)],
    ['a GraphQLError', () => new GraphQLError(`Partner said: no such table huurder for ${K1}`, { extensions: { code: 'PARTNER_SQL' } })],
  ])('maps %s from the partner to SOURCE_UNAVAILABLE without its internals', async (_what, failure) => {
    partner.behaviour = async () => { throw failure(); };
    const result = await ask(PEOPLE, [K1, U1]);
    expect(result.body.data).toBeNull();
    expect(result.body.errors).toMatchObject([{ message: 'Housing source unavailable', path: ['peopleByBsn'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'housing' } }]);
    expect(result.text).not.toMatch(/ECONNREFUSED|partner\.internal|huurder|PARTNER_SQL|999906318|999915460/);
  });

  it('refuses a BSN failing the elfproef with its index and not its value, without a partner call or log line', async () => {
    const before = (await readProcessingLog(logFile)).length;
    const invalid = '999906319';
    const result = await ask(PEOPLE, [K1, invalid]);
    expect(result.body.data).toBeNull();
    expect(result.body.errors).toMatchObject([
      { message: 'Invalid BSN: does not pass the elfproef', path: ['peopleByBsn'], extensions: { code: 'BAD_USER_INPUT', argument: 'bsns', index: 1 } },
    ]);
    expect(result.text).not.toContain(invalid);
    expect(partner.calls).toHaveLength(0);
    expect(await readProcessingLog(logFile)).toHaveLength(before);
  });

  it('refuses more than 200 keys', async () => {
    const result = await ask(PEOPLE, Array.from({ length: 201 }, () => K1));
    expect(result.body.errors?.[0]).toMatchObject({ message: 'Too many BSNs: at most 200 per query', extensions: { code: 'BAD_USER_INPUT' } });
    expect(partner.calls).toHaveLength(0);
  });

  it('writes one processing-log line per data subject under the hub trace, without a BSN', async () => {
    const before = (await readProcessingLog(logFile)).length;
    const result = await ask(PEOPLE, [K1, U1, K1], { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
    expect(result.body.errors).toBeUndefined();
    const lines = (await readProcessingLog(logFile)).slice(before);
    expect(lines).toHaveLength(2);
    const key = await loadAdapterLogKey(hub.dataDir, {});
    expect(lines.map((line) => line.attributes['dpl.core.data_subject_id'])).toEqual([dataSubjectId(key, K1), dataSubjectId(key, U1)]);
    for (const line of lines) {
      expect(line).toMatchObject({
        trace_id: TRACE_ID,
        parent_span_id: PARENT_SPAN,
        name: 'peopleByBsn',
        status_code: 'OK',
        foreign_operation: { trace_id: TRACE_ID, span_id: PARENT_SPAN, entity: HUB_ISSUER },
        resource: { 'service.name': 'fixture-adapter' },
        attributes: {
          'dpl.core.processing_activity_id': null,
          'ontschot.professional': TEST_CALLER.professional,
          'ontschot.organisation': TEST_CALLER.organisationId,
          'ontschot.purpose': TEST_CALLER.purpose,
          'ontschot.fields': ['Housing.evictionStatus', 'Housing.rentArrearsMonths', 'Person.bsn', 'Person.housing'],
        },
      });
      expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(line.span_id).not.toBe(PARENT_SPAN);
      expect(line.resource['service.version']).toMatch(/^\d+\.\d+\.\d+/);
      expect(Date.parse(line.end_time)).toBeGreaterThanOrEqual(Date.parse(line.start_time));
    }
    const text = await readFile(logFile, 'utf8');
    for (const bsn of [K1, K2, U1, U2]) expect(text).not.toContain(bsn);
  });

  it('logs a failed partner call as ERROR, with the processing activity from the token, and starts its own trace without traceparent', async () => {
    partner.behaviour = async () => { throw new Error('down'); };
    const before = (await readProcessingLog(logFile)).length;
    const activity = 'https://hub.ontschot.local/processing-activities/wijkteam-ondersteuning/1';
    await postGraphQL(adapter.url, PEOPLE, { bsns: [K2] }, await hub.headersFor('housing', PEOPLE, { bsns: [K2] }, { processingActivityId: activity }));
    const [line] = (await readProcessingLog(logFile)).slice(before);
    expect(line.status_code).toBe('ERROR');
    expect(line.attributes['dpl.core.processing_activity_id']).toBe(activity);
    expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(line.trace_id).not.toBe(TRACE_ID);
    expect(line.parent_span_id).toBeNull();
    expect(line.foreign_operation).toBeNull();
  });

  it('returns no data when the processing log cannot be written', async () => {
    const unwritable = await startAdapter(fixtureAdapter(partner), { hubKeys: hub.hubKeys, dataDir: hub.dataDir, processingLogFile: '/dev/null/ldv.jsonl' });
    try {
      const result = await ask(PEOPLE, [K1], {}, unwritable.url);
      expect(result.body.data).toBeNull();
      expect(result.body.errors?.[0].extensions?.code).toBe('PROCESSING_LOG_UNAVAILABLE');
      expect(result.text).not.toContain(K1);
    } finally {
      await unwritable.close();
    }
  });

  it('answers GET /healthz without a token', async () => {
    const res = await fetch(new URL('/healthz', adapter.url));
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
  });
});
