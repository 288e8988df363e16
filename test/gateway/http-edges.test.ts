import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

describeWithPostgres('the gateway at the HTTP edge', (database) => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    token = await hub.token();
  });
  afterAll(async () => hub?.stop());

  async function post(body: string) {
    const response = await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', cacheControl: response.headers.get('cache-control'), text };
  }

  it('lets no cache keep an answer: personal data, a refusal and an input error all say no-store', async () => {
    const answered = await post(JSON.stringify({ query: '{ household(id: "hh-1001") { members { givenName } } }' }));
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text).data.household.members.length).toBeGreaterThan(0);
    expect(answered.cacheControl).toBe('no-store');
    expect((await post('{"query": ')).cacheControl).toBe('no-store');
    const refused = await fetch(hub.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('answers malformed JSON with a JSON 400, no stack trace', async () => {
    const response = await post('{"query": ');
    expect(response.status).toBe(400);
    expect(response.type).toContain('application/json');
    expect(JSON.parse(response.text).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(response.text).not.toMatch(/at .*\(|node_modules|SyntaxError/);
  });

  it('answers an oversized body with a JSON 413', async () => {
    const response = await post(JSON.stringify({ query: `{ household(id: "${'x'.repeat(200_000)}") { id } }` }));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).errors[0].message).toBe('Request body too large');
  });

  it('does not echo a badly typed variable, which may be a BSN', async () => {
    const response = await post(JSON.stringify({ query: 'query ($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }', variables: { bsn: 999906318 } }));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).errors[0].message).toBe('Variable "$bsn" got an invalid value: expected a value of type "String".');
    expect(response.text).not.toContain('999906318');
  });

  it('answers an invalid query with a validation error, and an unknown path with a JSON 404', async () => {
    const invalid = await post(JSON.stringify({ query: '{ household(id: "hh-1001") { nonsense } }' }));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unknown = await fetch(`${hub.gateway.url}/admin`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
