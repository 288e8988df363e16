import http from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdmissionControl, type AdmissionControl } from '../../src/edge/admission.ts';
import type { AdmissionSettings } from '../../src/edge/admission-settings.ts';
import { closeServer, listen } from '../../src/net/http-server.ts';

/** An app behind admission control whose handler holds each request until the test lets it go. */
async function startApp(settings: AdmissionSettings) {
  const admission = createAdmissionControl(settings);
  const held: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const app = express();
  app.post('/graphql', admission.middleware, (_req, res) => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    held.push(() => {
      running -= 1;
      res.json({ data: { ok: true } });
    });
  });
  const server = http.createServer(app);
  const url = await listen(server, '127.0.0.1', 0);
  return {
    admission,
    post: () => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    url,
    releaseAll: () => held.splice(0).forEach((release) => release()),
    held: () => held.length,
    maxRunning: () => maxRunning,
    close: () => closeServer(server),
  };
}

const until = async (condition: () => boolean, timeoutMs = 2_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('edge admission control', () => {
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  afterEach(async () => {
    app?.releaseAll();
    await app?.close();
  });

  it('works on at most maxConcurrent requests, lets the queued ones through in turn, and refuses the rest at once with 503 and Retry-After', async () => {
    app = await startApp({ maxConcurrent: 2, maxQueued: 3, queueTimeoutMs: 5_000 });
    const admitted = Array.from({ length: 5 }, () => app!.post());
    await until(() => app!.held() === 2 && app!.admission.load().queued === 3);

    const started = performance.now();
    const refused = await app.post();
    expect(performance.now() - started).toBeLessThan(500);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toEqual({ errors: [{ message: 'The hub is busy; retry after 5 s', extensions: { code: 'OVERLOADED' } }] });

    // Releasing the running ones admits the queued ones, never more than two at a time.
    while (app.admission.load().active + app.admission.load().queued > 0) {
      await until(() => app!.held() > 0);
      app.releaseAll();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const answers = await Promise.all(admitted);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(app.maxRunning()).toBe(2);
  });

  it('answers a request that waited longer than the queue timeout with 503, in time, and never runs it', async () => {
    app = await startApp({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 200 });
    const first = app.post();
    await until(() => app!.held() === 1);
    const started = performance.now();
    const waited = await app.post();
    const ms = performance.now() - started;
    expect(waited.status).toBe(503);
    expect(waited.headers.get('retry-after')).toBe('1');
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(1_000);
    expect(app.admission.load()).toEqual({ active: 1, queued: 0 });
    app.releaseAll();
    expect((await first).status).toBe(200);
    // The timed-out request never reached the handler.
    expect(app.held()).toBe(0);
    expect(app.maxRunning()).toBe(1);
  });

  it('with a queue of 0 refuses a second request at once', async () => {
    app = await startApp({ maxConcurrent: 1, maxQueued: 0, queueTimeoutMs: 1_000 });
    const first = app.post();
    await until(() => app!.held() === 1);
    expect((await app.post()).status).toBe(503);
    app.releaseAll();
    expect((await first).status).toBe(200);
  });

  it('gives the slot back when a running caller hangs up, and frees a queue place when a waiting one does', async () => {
    app = await startApp({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 10_000 });
    const post = (signal: AbortSignal) => fetch(`${app!.url}/graphql`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, signal }).catch(() => 'aborted');
    const running = new AbortController();
    const first = post(running.signal);
    await until(() => app!.held() === 1);
    const waiting = new AbortController();
    const queued = post(waiting.signal);
    await until(() => app!.admission.load().queued === 1);
    waiting.abort();
    expect(await queued).toBe('aborted');
    await until(() => app!.admission.load().queued === 0);
    // The running caller hangs up before the handler answers: its slot is free without any answer.
    running.abort();
    expect(await first).toBe('aborted');
    await until(() => app!.admission.load().active === 0);
    app.releaseAll();
    // The freed slot serves the next caller.
    const next = app.post();
    await until(() => app!.held() === 1);
    app.releaseAll();
    expect((await next).status).toBe(200);
  });
});
