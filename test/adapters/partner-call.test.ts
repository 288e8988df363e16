import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GraphQLError } from 'graphql';
import { callPartner, callPartnerPaged, joinUrl, MAX_PAGES_PER_CALL, PartnerPayloadError, retryAfterMs, sameOriginLink, type PartnerRequest } from '../../src/adapters/partner-call.ts';
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
          case '/moved': return { status: 302, headers: { location: '/ok' }, body: {} };
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

  it('never follows a redirect, not even to the partner\'s own origin (http_status)', async () => {
    captureLogs();
    partner.resetCount();
    const error = await failure(callPartner(request('/moved')));
    expect(error.extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'debt' });
    expect(warnings[0][0]).toMatchObject({ reason: 'http_status', status: 302 });
    expect(partner.requestCount()).toBe(1);
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

  it('stops with the caller\'s budget when given one, however long its own (timeout)', async () => {
    captureLogs();
    partner.setLatency(1000);
    try {
      const caller = new AbortController();
      setTimeout(() => caller.abort(new DOMException('spent', 'TimeoutError')), 100);
      const error = await failure(callPartner(request('/ok', { timeBudgetMs: 10_000, signal: caller.signal })));
      expect(error.extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'debt' });
      expect((warnings[0][0] as { reason: string }).reason).toBe('timeout');
    } finally {
      partner.setLatency(0);
    }
  });

  describe('paging and rate limits', () => {
    let pager: RunningSimulator;
    let busy: { retryAfter?: string; remaining429: number };
    const pagedRequest = (path: string, timeBudgetMs = 3000) => ({
      domain: 'housing' as const,
      timeBudgetMs,
      first: { url: `${pager.url}${path}`, body: JSON.stringify({ bsns: [BSN] }) },
      decodePage: (json: unknown) => {
        const { items, next } = json as { items: number[]; next?: string };
        return { items, next: next ? { url: `${pager.url}${next}`, body: JSON.stringify({ bsns: [BSN], page: next }) } : undefined };
      },
    });

    beforeAll(async () => {
      pager = await startSimulator({
        name: 'pager',
        handle: async (req) => {
          if (req.path === '/busy' && busy.remaining429 > 0) {
            busy.remaining429 -= 1;
            return { status: 429, headers: busy.retryAfter === undefined ? {} : { 'retry-after': busy.retryAfter }, body: {} };
          }
          const page = Number(req.path.match(/\/p(\d+)$/)?.[1] ?? 1);
          if (req.path.startsWith('/loop')) return jsonResponse(200, { items: [page], next: '/loop/p1' });
          return jsonResponse(200, { items: [page * 10, page * 10 + 1], next: page < 3 ? `/pages/p${page + 1}` : undefined });
        },
      });
    });
    afterAll(() => pager.close());

    it('follows next pages and returns every item of one logical call', async () => {
      pager.resetCount();
      await expect(callPartnerPaged(pagedRequest('/pages/p1'))).resolves.toEqual([10, 11, 20, 21, 30, 31]);
      expect(pager.requestCount()).toBe(3);
    });

    it('stops a partner that never stops paging (too_many_pages)', async () => {
      captureLogs();
      const error = await failure(callPartnerPaged(pagedRequest('/loop/p1', 10_000)));
      expect(error.extensions.code).toBe('SOURCE_UNAVAILABLE');
      expect(warnings[0][0]).toMatchObject({ reason: 'too_many_pages', pages: MAX_PAGES_PER_CALL });
    });

    it('waits as long as Retry-After says, then retries the same request', async () => {
      busy = { retryAfter: '1', remaining429: 1 };
      pager.resetCount();
      const started = performance.now();
      await expect(callPartnerPaged(pagedRequest('/busy'))).resolves.toEqual([10, 11, 20, 21, 30, 31]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(950);
      expect(pager.requestCount()).toBe(4);
    });

    it('gives up at once (rate_limited) when the wait would not fit in the budget', async () => {
      captureLogs();
      busy = { retryAfter: '2', remaining429: 1 };
      const started = performance.now();
      const error = await failure(callPartnerPaged(pagedRequest('/busy', 1500)));
      expect(performance.now() - started).toBeLessThan(500);
      expect(error.extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'housing' });
      expect(warnings[0][0]).toMatchObject({ reason: 'rate_limited', status: 429 });
      expect(JSON.stringify(warnings)).not.toContain(BSN);
    });

    it('reads Retry-After as seconds or an HTTP date, and waits a second when it is missing or unreadable', () => {
      const now = Date.parse('2026-03-01T10:00:00Z');
      expect(retryAfterMs('3', now)).toBe(3000);
      expect(retryAfterMs(' 0 ', now)).toBe(0);
      expect(retryAfterMs('Sun, 01 Mar 2026 10:00:05 GMT', now)).toBe(5000);
      expect(retryAfterMs('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
      expect(retryAfterMs(null, now)).toBe(1000);
      expect(retryAfterMs('soon', now)).toBe(1000);
    });
  });

  it('follows next links only to the partner\'s own origin', () => {
    expect(sameOriginLink('http://h:1/fhir?_getpages=x', 'http://h:1/fhir')).toBe('http://h:1/fhir?_getpages=x');
    expect(sameOriginLink('/fhir?_getpages=x', 'http://h:1/fhir')).toBe('http://h:1/fhir?_getpages=x');
    expect(() => sameOriginLink('http://evil.example/fhir?_getpages=x', 'http://h:1/fhir')).toThrow(PartnerPayloadError);
    expect(() => sameOriginLink('http://h:2/fhir', 'http://h:1/fhir')).toThrow(PartnerPayloadError);
  });

  it('joins base URLs without losing a path prefix', () => {
    expect(joinUrl('http://h:1/fhir/', 'Patient/_search')).toBe('http://h:1/fhir/Patient/_search');
    expect(joinUrl('http://h:1/huur', '/api/v1/x')).toBe('http://h:1/huur/api/v1/x');
  });
});
