import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import type { ExecutionResult } from '@graphql-tools/utils';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUpstreamExecutor } from '../../src/gateway/upstream-executor.ts';
import { loadHubSigningKey, type HubSigningKey } from '../../src/auth/hub-signing-key.ts';
import { closeServer, listen } from '../../src/net/http-server.ts';

const BUDGET_MS = 300;

/** An adapter stand-in that answers every POST after `delayMs`, counting what reached it. */
async function startAdapter() {
  const state = { delayMs: 0, received: 0 };
  const server = http.createServer((req, res) => {
    state.received += 1;
    req.resume();
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { __typename: 'Query' } }));
    }, state.delayMs);
  });
  const url = await listen(server, '127.0.0.1', 0);
  return { state, server, url: `${url}/graphql`, close: () => closeServer(server) };
}

function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: what a gateway with too much work does to every timer and socket in the process
  }
}

/** One call of `{ __typename }` for a wijkcoach, as the gateway makes it. */
function callAs(executor: ReturnType<typeof createUpstreamExecutor>, hubKey: HubSigningKey): Promise<ExecutionResult> {
  return executor({
    document: parse('{ __typename }'),
    context: { caller: { subject: 'tester', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' }, hubKey, traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) },
  }) as Promise<ExecutionResult>;
}

/** The signal of every fetch the executor makes from now on (global fetch stubbed; vi.unstubAllGlobals undoes it). */
function recordFetchSignals(): (AbortSignal | null | undefined)[] {
  const signals: (AbortSignal | null | undefined)[] = [];
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    signals.push(init.signal);
    return realFetch(url, init);
  });
  return signals;
}

// One hub key (in a throw-away data folder) signs every call of this file.
let dataDir: string;
let hubKey: HubSigningKey;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-executor-'));
  hubKey = await loadHubSigningKey(dataDir, {});
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

describe('upstream executor: the circuit breaker counts only what the adapter caused', () => {
  let adapter: Awaited<ReturnType<typeof startAdapter>>;
  afterEach(async () => adapter?.close());

  const call = (executor: ReturnType<typeof createUpstreamExecutor>) => callAs(executor, hubKey);
  const codes = (result: ExecutionResult) => (result.errors ?? []).map((error) => error.extensions?.code);

  it('opens after five adapter timeouts: the sixth call is refused without reaching the adapter', async () => {
    adapter = await startAdapter();
    // The loop is reported quiet: every timeout here is the adapter's. (With the process's own monitor, a
    // test machine loaded by other work makes some of them local overload, which rightly does not count.)
    const quietLoop = { maxSince: () => 0 };
    const executor = createUpstreamExecutor('housing', { url: adapter.url, timeBudgetMs: BUDGET_MS }, { lag: quietLoop });
    adapter.state.delayMs = 1_000;
    for (let i = 0; i < 5; i++) expect(codes(await call(executor))).toEqual(['SOURCE_UNAVAILABLE']);
    adapter.state.delayMs = 0;
    const reached = adapter.state.received;
    expect(codes(await call(executor))).toEqual(['SOURCE_UNAVAILABLE']);
    expect(adapter.state.received).toBe(reached);
  });

  it('stays closed after timeouts caused by its own blocked event loop: the next call reaches the adapter and succeeds', async () => {
    adapter = await startAdapter();
    const executor = createUpstreamExecutor('housing', { url: adapter.url, timeBudgetMs: BUDGET_MS });
    adapter.state.delayMs = 50; // well within the budget
    for (let i = 0; i < 6; i++) {
      const before = adapter.state.received;
      const pending = call(executor);
      // (An open circuit would never send it: then stop waiting, and the last call below fails.)
      const deadline = performance.now() + 2_000;
      while (adapter.state.received === before && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      // The adapter has the request and answers in 50 ms; the gateway cannot read it for longer than the budget.
      blockEventLoop(BUDGET_MS + 150);
      expect(codes(await pending)).toEqual(['SOURCE_UNAVAILABLE']);
    }
    const reached = adapter.state.received;
    const result = await call(executor);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ __typename: 'Query' });
    expect(adapter.state.received).toBe(reached + 1);
  });
});

describe('upstream executor: a finished call leaves nothing behind', () => {
  let adapter: Awaited<ReturnType<typeof startAdapter>>;
  afterEach(async () => {
    vi.unstubAllGlobals();
    await adapter?.close();
  });

  it('disarms its time budget when the call has ended: the fetch it made is never aborted afterwards', async () => {
    adapter = await startAdapter();
    const signals = recordFetchSignals();
    const executor = createUpstreamExecutor('housing', { url: adapter.url, timeBudgetMs: 100 });
    const result = await callAs(executor, hubKey);
    expect(result.errors).toBeUndefined();
    expect(signals).toHaveLength(1);
    // Well past the budget: a time-out still armed for the finished call would have aborted its fetch
    // by now (timers, error objects, and the pool closing a connection that could have been reused).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(signals[0]?.aborted).toBe(false);
  });

  it('leaves no abort listener behind on a signal shared between calls', async () => {
    // Listeners that stay on one long-lived signal until garbage collection make every later
    // addEventListener on it walk them all: a cost per call that grows with the rate.
    adapter = await startAdapter();
    const listenersPerSignal = new Map<EventTarget, number>();
    const original = EventTarget.prototype.addEventListener;
    const spy = vi.spyOn(EventTarget.prototype, 'addEventListener').mockImplementation(function (this: EventTarget, type, listener, options) {
      if (type === 'abort') listenersPerSignal.set(this, (listenersPerSignal.get(this) ?? 0) + 1);
      return original.call(this, type, listener, options);
    });
    try {
      const executor = createUpstreamExecutor('housing', { url: adapter.url, timeBudgetMs: 2_000 });
      for (let i = 0; i < 20; i++) expect((await callAs(executor, hubKey)).errors).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(listenersPerSignal.size).toBeGreaterThan(0);
    expect(Math.max(...listenersPerSignal.values())).toBeLessThan(5);
  });

  it('still aborts a call that runs past its budget', async () => {
    adapter = await startAdapter();
    adapter.state.delayMs = 1_000;
    const signals = recordFetchSignals();
    const executor = createUpstreamExecutor('housing', { url: adapter.url, timeBudgetMs: 100 });
    const result = await callAs(executor, hubKey);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['SOURCE_UNAVAILABLE']);
    expect(signals[0]?.aborted).toBe(true);
  });
});
