/**
 * Overload: what callers get from one gateway when more of them ask at once than the machine can
 * serve, with the edge's admission control off and on, side by side in one run. Per concurrency level
 * it prints the share of complete case screens, of 503s (OVERLOADED, told to retry) and of degraded
 * answers (any SOURCE_UNAVAILABLE: partner data withheld), other failures, the complete answers per
 * second, and p50/p99 latency of all answers.
 *
 *   npm run bench:load [-- --concurrency 16,50,200 --duration-s 8 --partner-latency-ms 20 --topology separate,in-process]
 *
 * The gateway runs in its own process (bench/load-gateway.ts, a fresh one per run, so an open circuit
 * breaker of one run does not leak into the next), the load generator (autocannon) in this one. Topology
 * `separate`: partners and adapters in their own processes (bench/partner-processes.ts), as in
 * docker-compose.yml; `in-process`: in the gateway's process, sharing its event loop (`npm start`). All on
 * loopback, on a throw-away PostgreSQL database on ONTSCHOT_TEST_PG_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres). Admission control runs twice: with autocannon, which sends
 * a connection's next request as soon as the last is answered, a 503 too (callers that ignore
 * Retry-After, the worst case for the limiter), and with callers that wait Retry-After after a 503.
 * The edge's settings are the defaults of src/edge/admission-settings.ts unless EDGE_* variables are set.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createBenchDatabase } from './bench-database.ts';
import { loadDemoIssuer } from '../src/auth/demo-issuer.ts';
import { DEMO_ISSUER, HUB_AUDIENCE, loadGatewayConfig } from '../src/config/env.ts';
import { DEMO_PROFILES } from '../src/cli/demo-tokens.ts';
import { HUB_JWKS_PATH } from '../src/auth/hub-signing-key.ts';
import { freePort, spawnListening, startPartnerProcesses, type PartnerProcesses } from './partner-processes.ts';

const QUERY = `query CaseScreen($id: ID!) {
  household(id: $id) {
    address { street houseNumber postcode }
    members { givenName familyName housing { rentArrearsMonths evictionStatus } debt { caseStatus totalDebt } care { inCare trajectoryKind } }
  }
}`;
/** Withheld by policy on purpose (no consent): part of a complete case screen. */
const POLICY_CODES = new Set(['CONSENT_REQUIRED', 'FORBIDDEN', 'PURPOSE_MISMATCH']);

type Outcome = 'complete' | 'overloaded' | 'degraded' | 'other';

interface RunResult {
  counts: Record<Outcome, number>;
  /** What the answers counted as `other` were, e.g. "HTTP 503 AUDIT_UNAVAILABLE", "no answer". */
  otherReasons: Map<string, number>;
  total: number;
  /** Of all answers (a 503 OVERLOADED is fast). */
  p50: number;
  p99: number;
  /** Of the complete case screens only: what a served caller waited. */
  completeP50: number;
  completeP99: number;
  completePerSecond: number;
}

function classify(status: number, body: string): { outcome: Outcome; reason?: string } {
  let parsed: { data?: { household?: unknown }; errors?: { extensions?: { code?: string } }[] } = {};
  try {
    parsed = JSON.parse(body);
  } catch {
    return { outcome: 'other', reason: `HTTP ${status}, not JSON` };
  }
  const codes = (parsed.errors ?? []).map((error) => error.extensions?.code ?? '');
  if (status === 503 && codes.includes('OVERLOADED')) return { outcome: 'overloaded' };
  if (status === 200 && parsed.data?.household) {
    if (codes.includes('SOURCE_UNAVAILABLE')) return { outcome: 'degraded' };
    if (codes.every((code) => POLICY_CODES.has(code))) return { outcome: 'complete' };
  }
  return { outcome: 'other', reason: `HTTP ${status} ${[...new Set(codes.filter((code) => !POLICY_CODES.has(code)))].join(',')}`.trim() };
}

interface Timed {
  sentAt: number;
}

function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

async function load(url: string, token: string, connections: number, durationS: number): Promise<RunResult> {
  const counts: Record<Outcome, number> = { complete: 0, overloaded: 0, degraded: 0, other: 0 };
  const otherReasons = new Map<string, number>();
  const completeMs: number[] = [];
  const result = await autocannon({
    url,
    connections,
    duration: durationS,
    timeout: 60,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, variables: { id: 'hh-1001' } }),
    requests: [
      {
        // One request in flight per connection (no pipelining): the context times it.
        setupRequest: (request: autocannon.Request, context: object) => {
          (context as Timed).sentAt = performance.now();
          return request;
        },
        onResponse: (status: number, body: string, context: object) => {
          const { outcome, reason } = classify(status, body);
          counts[outcome] += 1;
          if (outcome === 'complete') completeMs.push(performance.now() - (context as Timed).sentAt);
          if (reason) otherReasons.set(reason, (otherReasons.get(reason) ?? 0) + 1);
        },
      },
    ],
  });
  // Connection errors and client timeouts: no answer at all.
  if (result.errors > 0) {
    counts.other += result.errors;
    otherReasons.set('no answer', result.errors);
  }
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return {
    counts,
    otherReasons,
    total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    completeP50: percentile(completeMs, 50),
    completeP99: percentile(completeMs, 99),
    completePerSecond: counts.complete / durationS,
  };
}

type Topology = 'separate' | 'in-process';

/**
 * Callers that honour Retry-After: each of `callers` asks, and after a 503 OVERLOADED waits the seconds
 * it was told before asking again (Node's fetch; autocannon cannot wait per connection).
 */
async function loadWithRetryAfter(url: string, token: string, callers: number, durationS: number): Promise<RunResult> {
  const counts: Record<Outcome, number> = { complete: 0, overloaded: 0, degraded: 0, other: 0 };
  const otherReasons = new Map<string, number>();
  const completeMs: number[] = [];
  const allMs: number[] = [];
  const deadline = performance.now() + durationS * 1000;
  const caller = async () => {
    while (performance.now() < deadline) {
      const sentAt = performance.now();
      let outcome: Outcome;
      let retryAfterS = 0;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: QUERY, variables: { id: 'hh-1001' } }),
          signal: AbortSignal.timeout(60_000),
        });
        retryAfterS = Math.min(Number(response.headers.get('retry-after')) || 1, 10);
        const classified = classify(response.status, await response.text());
        outcome = classified.outcome;
        if (classified.reason) otherReasons.set(classified.reason, (otherReasons.get(classified.reason) ?? 0) + 1);
      } catch {
        outcome = 'other';
        otherReasons.set('no answer', (otherReasons.get('no answer') ?? 0) + 1);
      }
      const ms = performance.now() - sentAt;
      counts[outcome] += 1;
      allMs.push(ms);
      if (outcome === 'complete') completeMs.push(ms);
      if (outcome === 'overloaded') await new Promise((resolve) => setTimeout(resolve, retryAfterS * 1000));
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return {
    counts,
    otherReasons,
    total,
    p50: percentile(allMs, 50),
    p99: percentile(allMs, 99),
    completeP50: percentile(completeMs, 50),
    completeP99: percentile(completeMs, 99),
    completePerSecond: counts.complete / durationS,
  };
}

/** off: no admission control; on: with it, callers that retry at once (autocannon); on+wait: callers that wait Retry-After. */
const MODES = ['off', 'on', 'on+wait'] as const;
type Mode = (typeof MODES)[number];

async function startGateway(edgeLimits: 'on' | 'off', topology: Topology, partnerLatencyMs: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return spawnListening(['bench/load-gateway.ts', edgeLimits, topology, String(partnerLatencyMs)], env);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function warmUp(url: string, token: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY, variables: { id: 'hh-1001' } }),
    });
    await response.arrayBuffer();
  }
}

function percent(part: number, total: number): string {
  return `${total === 0 ? '0.0' : ((part / total) * 100).toFixed(1)} %`.padStart(8);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      concurrency: { type: 'string', default: '16,50,200' },
      'duration-s': { type: 'string', default: '8' },
      'partner-latency-ms': { type: 'string', default: '20' },
      topology: { type: 'string', default: 'separate,in-process' },
    },
  });
  const topologies = values.topology.split(',') as Topology[];
  if (topologies.some((topology) => topology !== 'separate' && topology !== 'in-process')) throw new Error('--topology lists separate and/or in-process');
  const levels = values.concurrency.split(',').map(Number);
  if (levels.some((level) => !Number.isInteger(level) || level < 1 || level > 1000)) throw new Error('--concurrency lists whole numbers from 1 to 1000, e.g. 16,50,200');
  const durationS = Number(values['duration-s']);
  if (!Number.isInteger(durationS) || durationS < 1 || durationS > 60) throw new Error('--duration-s must be a whole number of seconds from 1 to 60');
  const partnerLatencyMs = Number(values['partner-latency-ms']);
  if (!Number.isInteger(partnerLatencyMs) || partnerLatencyMs < 0) throw new Error('--partner-latency-ms must be a whole number of milliseconds');

  for (const topology of topologies) await runTopology(topology, levels, durationS, partnerLatencyMs);
}

async function runTopology(topology: Topology, levels: number[], durationS: number, partnerLatencyMs: number): Promise<void> {
  const database = await createBenchDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-load-'));
  let partners: PartnerProcesses | undefined;
  let gateway: ChildProcess | undefined;
  try {
    // Every gateway of the run uses this port and data folder (the same hub key), so the adapters,
    // which trust the key set served there, trust each of them.
    const port = await freePort();
    if (topology === 'separate') {
      partners = await startPartnerProcesses(dataDir, `http://127.0.0.1:${port}${HUB_JWKS_PATH}`);
      await partners.setLatency(partnerLatencyMs);
    }
    // All load comes with one demo professional's token, where real load is many professionals each well
    // within their own limit: the per-professional rate limit (src/edge/rate-limit.ts) is off here, so
    // what is measured is admission control.
    const gatewayEnv = { ...process.env, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: database.url, ONTSCHOT_DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0', ...partners?.gatewayEnv };
    const graphqlUrl = `http://127.0.0.1:${port}/graphql`;
    const config = loadGatewayConfig(gatewayEnv);

    const results = new Map<string, RunResult>();
    for (const connections of levels) {
      for (const mode of MODES) {
        gateway = await startGateway(mode === 'off' ? 'off' : 'on', topology, partnerLatencyMs, gatewayEnv);
        const issuer = await loadDemoIssuer(dataDir, DEMO_ISSUER, HUB_AUDIENCE);
        const profile = DEMO_PROFILES.wijkcoach;
        const token = await issuer.issueToken({ subject: profile.subject, organisationId: profile.organisationId, roles: ['wijkcoach'], purpose: profile.purpose }, 3600);
        await warmUp(graphqlUrl, token);
        results.set(`${connections}/${mode}`, mode === 'on+wait' ? await loadWithRetryAfter(graphqlUrl, token, connections, durationS) : await load(graphqlUrl, token, connections, durationS));
        await stopProcess(gateway);
        gateway = undefined;
      }
    }

    const { maxConcurrent, maxQueued, queueTimeoutMs } = config.admission!;
    console.log(`\nhousehold query (hh-1001, 3 members, 3 adapters), PostgreSQL, ${durationS} s per run, partner latency ${partnerLatencyMs} ms,`);
    const where = topology === 'separate' ? 'partners and adapters in their own processes' : "partners and adapters in the gateway's process";
    console.log(`adapter budget ${config.adapters.housing.timeBudgetMs} ms; ${where}; gateway and load generator in separate processes; ${os.cpus().length} cores`);
    console.log(`admission control "on": ${maxConcurrent} concurrent, ${maxQueued} queued, ${queueTimeoutMs} ms queue timeout; "off": no limit`);
    console.log('"on": callers ask again as soon as they are answered, 503 too (autocannon); "on+wait": callers wait Retry-After after a 503\n');
    console.log('                                                                                      all answers    complete only');
    console.log('concurrency  admission   answers   complete  503 retry   degraded     other   complete/s   p50 ms   p99 ms   p50 ms   p99 ms');
    for (const connections of levels) {
      for (const mode of MODES) {
        const r = results.get(`${connections}/${mode}`)!;
        console.log(
          `${String(connections).padStart(11)}  ${mode.padStart(9)}  ${String(r.total).padStart(8)}  ${percent(r.counts.complete, r.total)}  ${percent(r.counts.overloaded, r.total)}  ${percent(r.counts.degraded, r.total)}  ${percent(r.counts.other, r.total)}  ${r.completePerSecond.toFixed(1).padStart(11)}  ${String(r.p50).padStart(7)}  ${String(r.p99).padStart(7)}  ${String(r.completeP50).padStart(7)}  ${String(r.completeP99).padStart(7)}`,
        );
      }
    }
    const others = levels.flatMap((connections) => MODES.flatMap((mode) => {
      const reasons = [...results.get(`${connections}/${mode}`)!.otherReasons].map(([reason, n]) => `${reason} ×${n}`);
      return reasons.length ? [`  ${connections} ${mode}: ${reasons.join('; ')}`] : [];
    }));
    if (others.length) console.log(`\nother (neither a complete, degraded nor OVERLOADED answer):\n${others.join('\n')}`);
  } finally {
    if (gateway) await stopProcess(gateway);
    await partners?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exitCode = 2;
});
