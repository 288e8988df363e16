/**
 * Admission control on a whole hub, over HTTP on PostgreSQL: more callers than the gateway admits get
 * either a complete case screen or 503 OVERLOADED with Retry-After, never partner data withheld
 * because the gateway was busy; and the time a request waits in the edge's queue does not count
 * against an adapter's time budget.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { DOMAINS } from '../../src/domain/partner-domains.ts';

const QUERY = /* GraphQL */ `
  query CaseScreen($id: ID!) {
    household(id: $id) { address { street } members { givenName housing { rentArrearsMonths } debt { caseStatus } care { inCare } } }
  }
`;
const PARTNER_LATENCY_MS = 250;
/** Less than the three queued requests wait in all: had the queue counted, the last would time out. */
const ADAPTER_BUDGET_MS = 700;
const ADMISSION = { maxConcurrent: 1, maxQueued: 3, queueTimeoutMs: 5_000 };

describeWithPostgres('edge admission control on the hub', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database(), (config) => ({
      ...config,
      admission: ADMISSION,
      adapters: Object.fromEntries(DOMAINS.map((d) => [d, { ...config.adapters[d], timeBudgetMs: ADAPTER_BUDGET_MS }])) as typeof config.adapters,
    }));
  }, 30_000);
  afterAll(async () => hub?.stop());

  it('serves complete case screens to those it admits, tells the rest to retry, and answers probes meanwhile', async () => {
    const token = await hub.token();
    const complete = await hub.query(token, QUERY, { id: 'hh-1001' });
    expect(complete.status).toBe(200);
    for (const partner of Object.values(hub.partners)) partner!.setLatency(PARTNER_LATENCY_MS);
    try {
      const post = () =>
        fetch(hub.gateway.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: QUERY, variables: { id: 'hh-1001' } }),
        });
      const pending = Array.from({ length: 8 }, post);
      // Probes are not behind the edge's queue.
      const ready = await fetch(`${hub.gateway.url}/readyz`);
      const live = await fetch(`${hub.gateway.url}/livez`);
      expect([ready.status, live.status]).toEqual([200, 200]);

      const answers = await Promise.all(
        pending.map(async (response) => {
          const answer = await response;
          return { status: answer.status, retryAfter: answer.headers.get('retry-after'), body: (await answer.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
        }),
      );
      const served = answers.filter((answer) => answer.status === 200);
      const refused = answers.filter((answer) => answer.status !== 200);
      // One running and three queued were admitted, each queued one waiting up to ~3 × 250 ms, more than
      // the adapter budget: all four are complete, exactly as without load.
      expect(served).toHaveLength(1 + ADMISSION.maxQueued);
      for (const answer of served) expect({ ...answer.body, extensions: undefined }).toEqual({ ...complete.body, extensions: undefined });
      expect(refused).toHaveLength(8 - 1 - ADMISSION.maxQueued);
      for (const answer of refused) {
        expect(answer.status).toBe(503);
        expect(answer.retryAfter).toBe('5');
        expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['OVERLOADED']);
        expect(answer.body.data).toBeUndefined();
      }
    } finally {
      for (const partner of Object.values(hub.partners)) partner!.setLatency(0);
    }
  });
});
