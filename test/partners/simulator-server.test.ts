import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, jsonResponse, type RunningSimulator, type SimulatorHandler, type SimulatorRequest } from '../../src/partners/simulator-server.ts';
import { postJson, request } from './http.ts';

describe('startSimulator', () => {
  let sim: RunningSimulator | undefined;
  const seen: { req: SimulatorRequest; body: string }[] = [];

  async function start(handle: SimulatorHandler = async (req: SimulatorRequest, body: string) => {
    seen.push({ req, body });
    if (req.path === '/boom') throw new Error('handler bug 999906318');
    return jsonResponse(200, { ok: true, path: req.path });
  }) {
    sim = await startSimulator({ name: 'test', port: 0, handle });
    return sim;
  }

  afterEach(async () => {
    seen.length = 0;
    await sim?.close();
    sim = undefined;
  });

  it('listens on a random port of 127.0.0.1 and passes method, path and body to the handler', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.url).not.toMatch(/:0$/);
    const res = await postJson(`${s.url}/api/x?ignored=1`, { a: 1 });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, path: '/api/x' });
    expect(seen[0].req.method).toBe('POST');
    expect(seen[0].body).toBe('{"a":1}');
  });

  it('counts partner requests but not control requests, and resets the count', async () => {
    const s = await start();
    await request(`${s.url}/a`);
    await request(`${s.url}/b`);
    await request(`${s.url}/_sim/stats`);
    expect(s.requestCount()).toBe(2);
    expect((await request(`${s.url}/_sim/stats`)).json).toEqual({ requests: 2 });
    s.resetCount();
    expect(s.requestCount()).toBe(0);
  });

  it('answers 503 with a JSON body while down, without calling the handler, and recovers', async () => {
    const s = await start();
    s.setDown(true);
    const down = await request(`${s.url}/a`);
    expect(down.status).toBe(503);
    expect(down.contentType).toContain('application/json');
    expect(down.json).toEqual({ error: 'service unavailable' });
    expect(seen).toHaveLength(0);
    s.setDown(false);
    expect((await request(`${s.url}/a`)).status).toBe(200);
  });

  it('keeps a log of the searches its handler accepted, cleared with the counter', async () => {
    const s = await start(async (req, body, record) => {
      if (req.path === '/search') record({ bsns: JSON.parse(body).bsns, fields: ['veld'] });
      return jsonResponse(200, {});
    });
    await postJson(`${s.url}/search`, { bsns: ['999906318'] });
    await request(`${s.url}/other`);
    const log = s.receivedRequests();
    expect(log).toEqual([{ bsns: ['999906318'], fields: ['veld'] }]);
    log[0].bsns.push('tampered');
    expect(s.receivedRequests()[0].bsns).toEqual(['999906318']);
    expect(s.requestCount()).toBe(2);
    s.resetCount();
    expect(s.receivedRequests()).toEqual([]);
  });

  it('answers 429 with Retry-After in seconds beyond the rate limit, without calling the handler, and lifts it', async () => {
    const s = await start();
    s.setRateLimit(2);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await request(`${s.url}/a`));
    expect(statuses.map((res) => res.status)).toEqual([200, 200, 429]);
    expect(statuses[2].json).toEqual({ error: 'too many requests' });
    const raw = await fetch(`${s.url}/a`);
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(seen).toHaveLength(2);
    expect(s.requestCount()).toBe(4);
    s.setRateLimit(undefined);
    expect((await request(`${s.url}/a`)).status).toBe(200);
    expect(() => s.setRateLimit(0)).toThrow(RangeError);
    await postJson(`${s.url}/_sim/control`, { rateLimitPerSecond: 1 });
    expect((await request(`${s.url}/a`)).status).toBe(200);
    expect((await request(`${s.url}/a`)).status).toBe(429);
  });

  it('delays answers by the configured latency', async () => {
    const s = await start();
    s.setLatency(250);
    const started = performance.now();
    await request(`${s.url}/a`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    s.setLatency(0);
    const again = performance.now();
    await request(`${s.url}/a`);
    expect(performance.now() - again).toBeLessThan(200);
    expect(() => s.setLatency(-1)).toThrow(RangeError);
  });

  it('is controlled over HTTP through /_sim/control', async () => {
    const s = await start();
    await request(`${s.url}/a`);
    const set = await postJson(`${s.url}/_sim/control`, { latencyMs: 200, down: true, resetCount: true });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ requests: 0, latencyMs: 200, down: true, rateLimitPerSecond: null });
    const started = performance.now();
    expect((await request(`${s.url}/a`)).status).toBe(503);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await postJson(`${s.url}/_sim/control`, { latencyMs: 0, down: false });
    expect((await request(`${s.url}/a`)).status).toBe(200);
    expect(s.requestCount()).toBe(2);
  });

  it('rejects bad control bodies with 400 JSON and unknown control routes with 404, and keeps running', async () => {
    const s = await start();
    for (const body of ['{not json', '[]', '{"latencyMs":-5}', '{"down":"yes"}', '{"resetCount":false}', '{"rateLimitPerSecond":0}', '{"rateLimitPerSecond":1.5}']) {
      const res = await postJson(`${s.url}/_sim/control`, body);
      expect(res.status, body).toBe(400);
      expect(typeof res.json.error, body).toBe('string');
    }
    expect((await request(`${s.url}/_sim/nope`)).status).toBe(404);
    expect((await request(`${s.url}/_sim/control`)).status).toBe(405);
    expect((await request(`${s.url}/_sim/stats`)).json).toEqual({ requests: 0 });
  });

  it('turns a handler failure into a 500 JSON error without internals, and keeps serving', async () => {
    const s = await start();
    const res = await request(`${s.url}/boom`);
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: 'internal error' });
    expect(res.text).not.toContain('999906318');
    expect((await request(`${s.url}/a`)).status).toBe(200);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const s = await start();
    const res = await postJson(`${s.url}/a`, 'x'.repeat(1024 * 1024 + 10));
    expect(res.status).toBe(413);
    expect(seen).toHaveLength(0);
  });

  it('closes promptly even while a slow request is pending', async () => {
    const s = await start();
    s.setLatency(10_000);
    const pending = request(`${s.url}/a`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await s.close();
    sim = undefined;
    expect(performance.now() - started).toBeLessThan(1000);
    await pending;
    await expect(request(`${s.url}/a`)).rejects.toThrow();
  });
});
