import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { logger } from '../../src/observability/logger.ts';

const BSN = '999906318';

describeWithPostgres('operations over GET', (database) => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    token = await hub.token();
  });
  afterAll(async () => hub?.stop());
  afterEach(() => vi.restoreAllMocks());

  /** Every log call the gateway makes while `action` runs, as text (the logger is silent under tests). */
  async function logsDuring(action: () => Promise<void>): Promise<string> {
    const calls: unknown[] = [];
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      vi.spyOn(logger, level).mockImplementation(((...args: unknown[]) => void calls.push(args)) as never);
    }
    await action();
    // The request log is written when the response has gone out.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return JSON.stringify(calls);
  }

  const query = encodeURIComponent('query ($bsn: String!) { personByBsn(bsn: $bsn) { givenName } }');
  const variables = encodeURIComponent(JSON.stringify({ bsn: BSN }));
  const url = () => `${hub.gateway.graphqlUrl}?query=${query}&variables=${variables}`;

  it('refuses a GET with a BSN in the URL, with or without a CSRF preflight header, and never logs the query string', async () => {
    const logs = await logsDuring(async () => {
      const variants: Record<string, string>[] = [{}, { 'apollo-require-preflight': 'true' }, { 'x-apollo-operation-name': 'q', 'content-type': 'application/json' }];
      for (const headers of variants) {
        const response = await fetch(url(), { headers: { authorization: `Bearer ${token}`, ...headers } });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
        const body = (await response.json()) as any;
        expect(body.data).toBeUndefined();
        expect(body.errors[0]).toEqual({ message: 'GraphQL operations are only accepted over POST, not GET', extensions: { code: 'METHOD_NOT_ALLOWED' } });
        expect(JSON.stringify(body)).not.toContain(BSN);
      }
    });
    expect(logs).toContain('"method":"GET"');
    expect(logs).toContain('"status":405');
    expect(logs).not.toContain(BSN);
    expect(logs).not.toContain('personByBsn');
  });

  it('refuses a GET without a token the same way, and other methods too', async () => {
    expect((await fetch(url())).status).toBe(405);
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(hub.gateway.graphqlUrl, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
      expect(response.status).toBe(405);
    }
  });

  it('leaves /healthz and POST as they were', async () => {
    expect((await fetch(`${hub.gateway.url}/healthz`)).status).toBe(200);
    const response = await hub.query(token, 'query ($bsn: String!) { personByBsn(bsn: $bsn) { givenName } }', { bsn: BSN });
    expect(response.status).toBe(200);
    expect(response.body.data!.personByBsn.givenName).toBe('Mohammed');
  });
});
