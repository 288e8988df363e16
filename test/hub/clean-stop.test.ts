import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isRunning, killAll, logLines, removeTempDirs, runProcess, runToEnd, runTsx, tempDir, waitForHealthy, type RunningProcess } from './hub-process.ts';

/**
 * SIGTERM / SIGINT to `npm start` or to any `serve` component stops it cleanly: requests in flight
 * finish, the database closes and the data folder is released, one shutdown line, exit 0, nothing left
 * running. Real processes, real signals, a partner simulator with latency so requests are in flight.
 */
afterEach(killAll);
afterAll(removeTempDirs);

const HOUSEHOLD = '{ household(id: "hh-1001") { members { givenName housing { rentArrearsMonths } } } }';

async function token(dataDir: string, role = 'wijkcoach'): Promise<string> {
  const run = await runToEnd('src/cli/token.ts', ['--role', role], { ONTSCHOT_DATA_DIR: dataDir });
  expect(run.code).toBe(0);
  return run.stdout.trim();
}

function query(graphqlUrl: string, bearer: string, body: string) {
  return fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query: body }) });
}

/** The embedded housing simulator's URL, from its debug log line. */
function housingPartnerUrl(hub: RunningProcess): string {
  const line = logLines(hub).find((entry) => entry.simulator === 'housing' && entry.msg === 'simulator listening');
  if (!line) throw new Error('no housing simulator in the log');
  return line.url as string;
}

async function setLatency(partnerUrl: string, latencyMs: number): Promise<void> {
  const response = await fetch(`${partnerUrl}/_sim/control`, { method: 'POST', body: JSON.stringify({ latencyMs }) });
  expect(response.status).toBe(200);
}

/** Waits until the partner simulator has received `count` requests (it counts them on arrival). */
async function untilPartnerReceived(partnerUrl: string, count: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const { requests } = (await (await fetch(`${partnerUrl}/_sim/stats`)).json()) as { requests: number };
    if (requests >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the partner did not receive ${count} request(s)`);
}

function shutdownLines(run: RunningProcess) {
  return logLines(run).filter((entry) => entry.msg === 'stopped cleanly');
}

describe('stopping the embedded hub', { timeout: 240_000 }, () => {
  it('SIGTERM with requests in flight: they finish with their data, the folder is released, one line, exit 0', async () => {
    const dataDir = await tempDir();
    const hub = runTsx('src/cli/serve.ts', ['all', '--fresh'], { PORT: '0', ONTSCHOT_DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    const base = await waitForHealthy(hub);
    const bearer = await token(dataDir);
    // The partner answers after 1000 ms (within the adapter's 1500 ms budget): requests are in flight.
    const partner = housingPartnerUrl(hub);
    await setLatency(partner, 1000);
    await fetch(`${partner}/_sim/control`, { method: 'POST', body: JSON.stringify({ resetCount: true }) });

    const inFlight = Array.from({ length: 4 }, () => query(`${base}/graphql`, bearer, HOUSEHOLD).then(async (response) => ({ status: response.status, body: (await response.json()) as any })));
    await untilPartnerReceived(partner, 4);
    hub.child.kill('SIGTERM');

    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.household.members[0].housing).toEqual({ rentArrearsMonths: expect.any(Number) });
    }
    expect(await hub.exited).toEqual({ code: 0, signal: null });
    expect(shutdownLines(hub)).toEqual([expect.objectContaining({ signal: 'SIGTERM', stopped: 'hub' })]);
    expect(existsSync(path.join(dataDir, 'pgdata.lock'))).toBe(false);
    // Nobody answers any more: not the gateway, not an orphaned partner.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    await expect(fetch(`${housingPartnerUrl(hub)}/_sim/stats`)).rejects.toThrow();
    // The database was closed cleanly: it opens again, and the access log of those requests is intact.
    const verify = await runToEnd('src/cli/audit-verify.ts', [], { ONTSCHOT_DATA_DIR: dataDir });
    expect(verify.code).toBe(0);
    expect(Number(/intact: (\d+) record/.exec(verify.stdout)?.[1])).toBeGreaterThanOrEqual(4);
  });

  it('npm start: SIGTERM to npm reaches the hub, which stops cleanly and leaves no process behind', async () => {
    const dataDir = await tempDir();
    // Its own process group, so that we can see whether anything of it is left.
    const npm = runProcess('npm', ['start', '--silent', '--', '--fresh'], { PORT: '0', ONTSCHOT_DATA_DIR: dataDir }, { detached: true });
    await waitForHealthy(npm);
    npm.child.kill('SIGTERM');
    await npm.exited;
    const deadline = Date.now() + 15_000;
    while (groupAlive(npm.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(groupAlive(npm.pid)).toBe(false);
    expect(shutdownLines(npm)).toEqual([expect.objectContaining({ signal: 'SIGTERM', stopped: 'hub' })]);
    expect(existsSync(path.join(dataDir, 'pgdata.lock'))).toBe(false);
  });
});

describe('stopping a single component', { timeout: 240_000 }, () => {
  it('a partner simulator on SIGTERM answers the request in flight, then exits 0', async () => {
    const partner = runTsx('src/cli/serve.ts', ['partner', 'housing'], { PORT: '0' });
    const base = await waitForHealthy(partner, { path: '/_sim/stats' });
    await setLatency(base, 1500);
    const inFlight = fetch(`${base}/api/v1/huurders/zoeken`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bsns: [] }) });
    await untilPartnerReceived(base, 1);
    partner.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBeLessThan(500);
    expect(await partner.exited).toEqual({ code: 0, signal: null });
    expect(shutdownLines(partner)).toEqual([expect.objectContaining({ signal: 'SIGTERM', stopped: 'partner housing' })]);
  });

  it('a client that never finishes its request does not hold the stop beyond SHUTDOWN_GRACE_MS', async () => {
    const partner = runTsx('src/cli/serve.ts', ['partner', 'housing'], { PORT: '0', SHUTDOWN_GRACE_MS: '1000' });
    const base = new URL(await waitForHealthy(partner, { path: '/_sim/stats' }));
    // Headers promise 100 bytes of body; one comes. The request stays in flight until the server gives up.
    const socket = net.connect(Number(base.port), base.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /api/v1/huurders/zoeken HTTP/1.1\r\nHost: partner\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    const socketClosed = new Promise((resolve) => socket.once('close', resolve));
    // (the simulator counts a request once its body is read, so there is nothing to poll for here)
    await new Promise((resolve) => setTimeout(resolve, 300));

    const signalledAt = Date.now();
    partner.child.kill('SIGTERM');
    expect(await partner.exited).toEqual({ code: 0, signal: null });
    const tookMs = Date.now() - signalledAt;
    expect(tookMs).toBeGreaterThanOrEqual(900);
    expect(tookMs).toBeLessThan(6_000);
    await socketClosed;
    expect(logLines(partner).filter((line) => line.msg === 'shutdown grace over: cutting the connections still open')).toEqual([expect.objectContaining({ connections: 1, graceMs: 1000 })]);
  });

  it('an adapter on SIGINT exits 0 with one shutdown line', async () => {
    const adapter = runTsx('src/cli/serve.ts', ['adapter', 'debt'], { PORT: '0', ONTSCHOT_DATA_DIR: await tempDir(), DEBT_PARTNER_URL: 'http://127.0.0.1:9' });
    await waitForHealthy(adapter);
    adapter.child.kill('SIGINT');
    expect(await adapter.exited).toEqual({ code: 0, signal: null });
    expect(shutdownLines(adapter)).toEqual([expect.objectContaining({ signal: 'SIGINT', stopped: 'adapter debt' })]);
    expect(isRunning(adapter.pid)).toBe(false);
  });

  it('the gateway on its own (PGlite) on SIGTERM exits 0 and releases the data folder', async () => {
    const dataDir = await tempDir();
    const unreachable = 'http://127.0.0.1:9/graphql';
    const gateway = runTsx('src/cli/serve.ts', ['gateway', '--fresh'], {
      PORT: '0', ONTSCHOT_DATA_DIR: dataDir, HOUSING_ADAPTER_URL: unreachable, DEBT_ADAPTER_URL: unreachable, CARE_ADAPTER_URL: unreachable,
    });
    await waitForHealthy(gateway);
    expect(existsSync(path.join(dataDir, 'pgdata.lock'))).toBe(true);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    expect(shutdownLines(gateway)).toEqual([expect.objectContaining({ signal: 'SIGTERM', stopped: 'gateway' })]);
    expect(existsSync(path.join(dataDir, 'pgdata.lock'))).toBe(false);
  });
});

/** Whether any process of the group led by `pid` still exists. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
