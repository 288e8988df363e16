import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { createRateLimit } from '../../src/edge/rate-limit.ts';

const LIMIT = 5;
const QUERY = '{ household(id: "hh-1001") { id } }';

describeWithPostgres('rate limit per professional', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database(), (config) => ({ ...config, edge: { ...config.edge!, rateLimitPerMinute: LIMIT } }));
  });
  afterAll(async () => hub?.stop());

  async function post(token: string) {
    const response = await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
  }

  it('answers 429 with Retry-After once a professional exceeds the limit, and serves nothing', async () => {
    const token = await hub.token({ subject: 'flooder' });
    for (let i = 0; i < LIMIT; i++) expect((await post(token)).status).toBe(200);
    const refused = await post(token);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: Number(refused.retryAfter) });
    expect(refused.body.errors[0].message).toBe(`Too many requests: at most ${LIMIT} a minute per professional. Retry after ${refused.retryAfter} s.`);
  });

  it('counts per professional: a fresh token of the same professional is still limited, a colleague is served', async () => {
    const first = await hub.token({ subject: 'busy' });
    for (let i = 0; i < LIMIT; i++) await post(first);
    expect((await post(await hub.token({ subject: 'busy' }))).status).toBe(429);
    expect((await post(await hub.token({ subject: 'colleague' }))).status).toBe(200);
  });

  it('does not count requests without a valid token against anyone', async () => {
    const response = await fetch(hub.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    expect(response.status).toBe(401);
  });
});

describe('createRateLimit', () => {
  const caller = { subject: 's', organisationId: 'o', roles: ['wijkcoach'], purpose: 'p' };
  it('is off at 0', async () => {
    const limit = createRateLimit(0);
    for (let i = 0; i < 100; i++) await limit(caller);
  });

  it('keeps organisations apart: the same sub at another organisation is another professional', async () => {
    const limit = createRateLimit(1);
    await limit(caller);
    await expect(limit(caller)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    await limit({ ...caller, organisationId: 'other' });
  });
});
