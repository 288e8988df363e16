import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HUB_ISSUER } from '../../../src/auth/hub-signing-key.ts';
import { signUpstreamToken } from '../../../src/auth/upstream-token.ts';
import { contentDigest } from '../../../src/auth/request-digest.ts';
import { requestBody } from '../../../src/adapters/conformance/adapter-client.ts';
import { readProcessingLog } from '../../../src/adapters/sdk/index.ts';
import { describeWithPostgres } from '../../support/postgres.ts';
import { errorsAt, startTestHub, type TestHub } from '../../support/hub.ts';
import { postGraphQL } from '../graphql-client.ts';

/** End to end: the gateway's upstream requests carry hub-signed tokens; a professional's own token does not do. */
describeWithPostgres('only the hub may ask, end to end', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database());
  });
  afterAll(() => hub.stop());

  const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
  const HOUSEHOLD = 'query H($id: ID!) { household(id: $id) { members { givenName housing { rentArrearsMonths evictionStatus } } } }';

  it('the gateway gets housing data from the adapter, which logs the processing under the hub trace', async () => {
    const response = await hub.query(await hub.token(), HOUSEHOLD, { id: 'hh-1003' }, { traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` });
    expect(errorsAt(response, 'household')).toEqual([]);
    const linda = response.body.data!.household.members.find((member: { givenName: string }) => member.givenName === 'Linda');
    expect(linda.housing).toEqual({ rentArrearsMonths: 5, evictionStatus: 'EVICTION_SCHEDULED' });

    const logFile = path.join(hub.dataDir, 'ldv', 'housing-adapter.jsonl');
    const lines = (await readProcessingLog(logFile)).filter((line) => line.trace_id === TRACE_ID);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.foreign_operation).toMatchObject({ trace_id: TRACE_ID, entity: HUB_ISSUER });
      expect(line.foreign_operation!.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(line.attributes['ontschot.professional']).toBeTruthy();
      expect(line.attributes['ontschot.fields']).toEqual(expect.arrayContaining(['Person.housing', 'Housing.rentArrearsMonths', 'Housing.evictionStatus']));
    }
    expect(await readFile(logFile, 'utf8')).not.toContain('999918369');
  });

  it("refuses a direct request to an adapter with the wijkcoach's own token", async () => {
    const query = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths } } }';
    hub.partners.housing!.resetCount();
    const result = await postGraphQL(hub.adapters.housing!.url, query, { bsns: ['999918369'] }, { authorization: `Bearer ${await hub.token()}` });
    expect(result.status).toBe(401);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(hub.partners.housing!.requestCount()).toBe(0);
  });

  it("a token signed with the running hub's key is good for its own body only, and no key to the gateway", async () => {
    const query = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths } } }';
    const token = await signUpstreamToken(hub.hubKey, {
      domain: 'housing',
      professional: 'wijkcoach-anna',
      organisationId: 'wijkteam-oost',
      roles: ['wijkcoach'],
      purpose: 'wijkteam-ondersteuning',
      fields: ['Query.peopleByBsn', 'Person.bsn', 'Person.housing', 'Housing.rentArrearsMonths'],
      contentDigest: contentDigest(requestBody(query, { bsns: ['999906318'] })),
    });
    hub.partners.housing!.resetCount();
    const otherPerson = await postGraphQL(hub.adapters.housing!.url, query, { bsns: ['999918369'] }, { authorization: `Bearer ${token}` });
    expect(otherPerson.status).toBe(401);
    expect(otherPerson.body.data).toBeUndefined();
    expect(otherPerson.text).not.toContain('999918369');
    expect(hub.partners.housing!.requestCount()).toBe(0);

    // Presented to the gateway as if it were a professional's token: refused there too.
    const atGateway = await hub.query(token, 'query H($id: ID!) { household(id: $id) { id } }', { id: 'hh-1003' });
    expect(atGateway.status).toBe(401);
    expect(atGateway.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(atGateway.body.data ?? undefined).toBeUndefined();
  });
});
