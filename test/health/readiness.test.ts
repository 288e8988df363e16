import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createReadiness, type ReadinessDependencies } from '../../src/health/readiness.ts';
import { closeServer, listen } from '../../src/net/http-server.ts';
import type { HubSigningKey } from '../../src/auth/hub-signing-key.ts';

const TIMEOUT_MS = 300;
const hubKey = { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'hub' }] } } as unknown as HubSigningKey;

/** A server whose every answer the test decides: a status and body, or never answering at all. */
async function startServer(answer: (path: string) => { status: number; body: unknown } | 'hang') {
  const server = http.createServer((req, res) => {
    const reply = answer(new URL(req.url ?? '/', 'http://x').pathname);
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  const url = await listen(server, '127.0.0.1', 0);
  return { url, close: () => closeServer(server) };
}

describe('readiness', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  async function dependencies(overrides: Partial<ReadinessDependencies> & { jwks?: () => { status: number; body: unknown } | 'hang' } = {}): Promise<ReadinessDependencies> {
    const idp = await startServer((path) => (path === '/jwks.json' ? (overrides.jwks?.() ?? { status: 200, body: { keys: [{ kid: 'k' }] } }) : { status: 404, body: {} }));
    const adapter = await startServer((path) => (path === '/healthz' ? { status: 200, body: { status: 'ok' } } : { status: 404, body: {} }));
    servers.push(idp, adapter);
    return {
      sql: { query: async () => [{ '?column?': 1 }] as never[], exec: async () => undefined },
      adapterUrls: { housing: `${adapter.url}/graphql`, debt: `${adapter.url}/graphql`, care: `${adapter.url}/graphql` },
      identityProviderJwksUrl: () => `${idp.url}/jwks.json`,
      hubKey,
      timeoutMs: TIMEOUT_MS,
      ...overrides,
    };
  }

  it('is ready when database, key sets and adapters answer', async () => {
    const report = await createReadiness(await dependencies())();
    expect(report.status).toBe('ready');
    expect(Object.fromEntries(Object.entries(report.checks).map(([name, check]) => [name, [check.status, check.required]]))).toEqual({
      database: ['up', true],
      identityProviderKeys: ['up', true],
      hubKey: ['up', true],
      'adapter:housing': ['up', false],
      'adapter:debt': ['up', false],
      'adapter:care': ['up', false],
    });
  });

  it('is not ready, within its time limit, when the database hangs', async () => {
    const started = performance.now();
    const report = await createReadiness(await dependencies({ sql: { query: () => new Promise(() => undefined), exec: async () => undefined } }))();
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    expect(report.status).toBe('not ready');
    expect(report.checks.database).toMatchObject({ status: 'down', reason: `no answer within ${TIMEOUT_MS} ms` });
  });

  it('is not ready when the database refuses, and says so without the error text', async () => {
    const report = await createReadiness(await dependencies({ sql: { query: async () => { throw new Error('password authentication failed for user "secret"'); }, exec: async () => undefined } }))();
    expect(report.status).toBe('not ready');
    expect(report.checks.database).toMatchObject({ status: 'down', reason: 'unreachable' });
    expect(JSON.stringify(report)).not.toContain('secret');
  });

  it.each([
    ['hangs', () => 'hang' as const, `no answer within ${TIMEOUT_MS} ms`],
    ['answers 500', () => ({ status: 500, body: {} }), 'HTTP 500'],
    ['has no keys', () => ({ status: 200, body: { keys: [] } }), 'no keys in the key set'],
    ['answers something else', () => ({ status: 200, body: ['not', 'a', 'key', 'set'] }), 'no keys in the key set'],
  ])('is not ready when the identity provider key set %s', async (_name, jwks, reason) => {
    const report = await createReadiness(await dependencies({ jwks }))();
    expect(report.status).toBe('not ready');
    expect(report.checks.identityProviderKeys).toMatchObject({ status: 'down', reason });
  });

  it('is not ready without a hub key', async () => {
    const report = await createReadiness(await dependencies({ hubKey: { jwks: { keys: [] } } as unknown as HubSigningKey }))();
    expect(report.status).toBe('not ready');
    expect(report.checks.hubKey.status).toBe('down');
  });

  it('is degraded but still ready (200) when an adapter is down', async () => {
    const deps = await dependencies();
    const report = await createReadiness({ ...deps, adapterUrls: { ...deps.adapterUrls, debt: 'http://127.0.0.1:9/graphql' } })();
    expect(report.status).toBe('degraded');
    expect(report.checks['adapter:debt']).toMatchObject({ status: 'down', required: false });
    expect(report.checks['adapter:housing'].status).toBe('up');
  });
});
