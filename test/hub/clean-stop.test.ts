import { existsSync } from 'node:fs';
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

function shutdownLines(run: RunningProcess) {
  return logLines(run).filter((entry) => entry.msg === 'stopped cleanly');
}

describe('stopping the embedded hub', { timeout: 240_000 }, () => {
  it('SIGTERM with requests in flight: they finish with their data, the folder is released, one line, exit 0', async () => {
    const dataDir = await tempDir();
    const hub = runTsx('src/cli/serve.ts', ['all', '--fresh'], { PORT: '0', ONTSCHOT_DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    const base = await waitForHealthy(hub);
    const bearer = await token(dataDir);
    // The partner answers after 800 ms (within the adapter's 1500 ms budget): requests are in flight.
    await setLatency(housingPartnerUrl(hub), 800);

    const inFlight = Array.from({ length: 4 }, () => query(`${base}/graphql`, bearer, HOUSEHOLD).then(async (response) => ({ status: response.status, body: (await response.json()) as any })));
    await new Promise((resolve) => setTimeout(resolve, 300));
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
    await new Promise((resolve) => setTimeout(resolve, 300));
    partner.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBeLessThan(500);
    expect(await partner.exited).toEqual({ code: 0, signal: null });
    expect(shutdownLines(partner)).toEqual([expect.objectContaining({ signal: 'SIGTERM', stopped: 'partner housing' })]);
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
