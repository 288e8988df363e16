import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GraphQLError } from 'graphql';
import { callPartner, joinUrl, PartnerPayloadError, type PartnerRequest } from '../../src/adapters/partner-call.ts';
import { logger } from '../../src/observability/logger.ts';
import { jsonResponse, startSimulator, type RunningSimulator } from '../../src/partners/simulator-server.ts';

const BSN = '999906318';

describe('callPartner', () => {
  let partner: RunningSimulator;
  const warnings: unknown[][] = [];

  beforeAll(async () => {
    partner = await startSimulator({
      name: 'odd-partner',
      handle: async (req) => {
        switch (req.path) {
          case '/ok': return jsonResponse(200, { items: [1, 2] });
          case '/not-json': return { status: 200, headers: { 'content-type': 'text/html' }, body: `<html>error for ${BSN}</html>` };
          case '/teapot': return jsonResponse(418, { detail: `no tea for ${BSN}` });
          default: return jsonResponse(404, {});
        }
      },
    });
  });
  afterAll(() => partner.close());
  afterEach(() => {
    vi.restoreAllMocks();
    warnings.length = 0;
  });

  function captureLogs() {
    const child = { debug: vi.fn(), warn: vi.fn((...args: unknown[]) => warnings.push(args)) };
    vi.spyOn(logger, 'child').mockReturnValue(child as never);
  }

  const request = (path: string, overrides: Partial<PartnerRequest<number[]>> = {}): PartnerRequest<number[]> => ({
    domain: 'debt',
    url: `${partner.url}${path}`,
    body: JSON.stringify({ bsns: [BSN] }),
    headers: { 'content-type': 'application/json' },
    timeBudgetMs: 1000,
    decode: (json) => {
      const items = (json as { items?: unknown }).items;
      if (!Array.isArray(items)) throw new PartnerPayloadError('no items');
      return items as number[];
    },
    ...overrides,
  });

  async function failure(promise: Promise<unknown>): Promise<GraphQLError> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }

  it('returns the decoded payload', async () => {
    await expect(callPartner(request('/ok'))).resolves.toEqual([1, 2]);
  });

  it.each([
    ['/teapot', 'http_status'],
    ['/not-json', 'bad_json'],
    ['/missing', 'http_status'],
  ])('maps %s to SOURCE_UNAVAILABLE and logs the reason class %s without personal data', async (path, reason) => {
    captureLogs();
    const error = await failure(callPartner(request(path)));
    expect(error.message).toBe('Debt source unavailable');
    expect(error.extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'debt' });
    expect(warnings).toHaveLength(1);
    const [fields] = warnings[0] as [Record<string, unknown>];
    expect(fields.reason).toBe(reason);
    expect(fields.durationMs).toBeTypeOf('number');
    const logged = JSON.stringify(warnings);
    expect(logged).not.toContain(BSN);
    expect(logged).not.toContain(partner.url);
  });

  it('maps a payload the decoder refuses to SOURCE_UNAVAILABLE (bad_payload)', async () => {
    captureLogs();
    const error = await failure(callPartner(request('/ok', { decode: () => { throw new PartnerPayloadError('x'); } })));
    expect(error.extensions.code).toBe('SOURCE_UNAVAILABLE');
    expect((warnings[0][0] as { reason: string }).reason).toBe('bad_payload');
  });

  it('maps a refused connection to SOURCE_UNAVAILABLE (connection)', async () => {
    captureLogs();
    const gone = await startSimulator({ name: 'gone', handle: async () => jsonResponse(200, {}) });
    await gone.close();
    const error = await failure(callPartner(request('/ok', { url: `${gone.url}/ok`, domain: 'housing' })));
    expect(error.message).toBe('Housing source unavailable');
    expect((warnings[0][0] as { reason: string }).reason).toBe('connection');
  });

  it('stops at the time budget (timeout)', async () => {
    captureLogs();
    partner.setLatency(2000);
    try {
      const started = performance.now();
      const error = await failure(callPartner(request('/ok', { timeBudgetMs: 150, domain: 'care' })));
      expect(performance.now() - started).toBeLessThan(800);
      expect(error.message).toBe('Care source unavailable');
      expect((warnings[0][0] as { reason: string }).reason).toBe('timeout');
    } finally {
      partner.setLatency(0);
    }
  });

  it('joins base URLs without losing a path prefix', () => {
    expect(joinUrl('http://h:1/fhir/', 'Patient/_search')).toBe('http://h:1/fhir/Patient/_search');
    expect(joinUrl('http://h:1/huur', '/api/v1/x')).toBe('http://h:1/huur/api/v1/x');
  });
});
