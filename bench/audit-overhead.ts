/**
 * What the access log costs: p50 and p95 latency of a household query through two gateways on the same
 * PostgreSQL, one with the access log and one without (the bench-only switch), side by side in the same
 * run, requests interleaved so both see the same machine load. The budget: audit adds at most 10 % to p50.
 * It runs per topology and per partner latency. Topology `in-process`: partners and adapters share the
 * gateway's process and event loop (the embedded default); `separate`: they run in their own processes,
 * as in docker-compose.yml. Latency 0 ms: partners answer at once (the worst case for the ratio); 20 ms:
 * a partner API on a LAN, closer to production. Concurrency 1: one request at a time; 16: rounds of 16
 * requests at once (each gateway admits all 16), where the access log's group commit shares INSERT
 * statements between requests; the run then prints how many statements wrote the audited requests' records.
 *
 *   npm run bench:audit [-- --requests 400 --partner-latency-ms 0,20 --topology in-process,separate --concurrency 1,16]
 *
 * Uses a throw-away database on ONTSCHOT_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './bench-database.ts';
import { loadGatewayConfig } from '../src/config/env.ts';
import { startHub, type RunningHub } from '../src/hub/start-hub.ts';
import { DEMO_PROFILES } from '../src/cli/demo-tokens.ts';
import { HUB_JWKS_PATH } from '../src/auth/hub-signing-key.ts';
import { freePort, startPartnerProcesses, type PartnerProcesses } from './partner-processes.ts';
import pg from 'pg';

const QUERY = `query CaseScreen($id: ID!) {
  household(id: $id) {
    address { street houseNumber postcode }
    members { givenName familyName housing { rentArrearsMonths evictionStatus } debt { caseStatus totalDebt } care { inCare trajectoryKind } }
  }
}`;

type Topology = 'in-process' | 'separate';

/** One gateway; with `separate`, partners and adapters run in their own processes (given by `gatewayEnv`). */
async function startBenchHub(databaseUrl: string, dataDir: string, withoutAudit: boolean, gatewayEnv?: Record<string, string>, port = 0): Promise<RunningHub> {
  const zero = { housing: 0, debt: 0, care: 0 };
  return startHub({
    // One token sends every request: the per-professional rate limit would refuse a long run.
    // Admission sized for the concurrent case: every request of a round is admitted, none queued or refused.
    config: loadGatewayConfig({ PORT: String(port), ONTSCHOT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, RATE_LIMIT_PER_MINUTE: '0', EDGE_MAX_CONCURRENT_REQUESTS: '64', ...gatewayEnv }),
    embeddedPartners: !gatewayEnv,
    partnerPorts: zero,
    adapterPorts: zero,
    seedDemoData: true,
    demoIssuer: true,
    ...(withoutAudit ? { withoutAuditForBenchmark: true as const } : {}),
  });
}

async function timedQuery(url: string, token: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, variables: { id: 'hh-1001' } }),
  });
  const body = (await response.json()) as { data?: { household?: unknown } };
  if (response.status !== 200 || !body.data?.household) throw new Error(`unexpected answer (HTTP ${response.status})`);
  return performance.now() - started;
}

/**
 * Audited requests so far (distinct trace ids) and the INSERT statements that wrote them: the rows of one
 * statement share its transaction's start time (occurred_at), so distinct (chain, occurred_at) pairs
 * count statements (two statements starting in the same millisecond would count once: a lower bound).
 */
async function auditStatements(databaseUrl: string): Promise<{ requests: number; statements: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ requests: number; statements: number }>(
      `SELECT count(DISTINCT trace_id)::int AS requests, count(DISTINCT (chain_id, occurred_at))::int AS statements FROM audit_record`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '400' }, 'partner-latency-ms': { type: 'string', default: '0,20' }, topology: { type: 'string', default: 'in-process,separate' }, concurrency: { type: 'string', default: '1,16' } } });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 10) throw new Error('--requests must be a whole number, at least 10');
  const latencies = values['partner-latency-ms'].split(',').map(Number);
  if (latencies.some((latency) => !Number.isInteger(latency) || latency < 0)) throw new Error('--partner-latency-ms must list whole numbers of milliseconds, e.g. 0,20');

  const concurrencies = values.concurrency.split(',').map(Number);
  if (concurrencies.some((concurrency) => !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) throw new Error('--concurrency lists whole numbers from 1 to 64, e.g. 1,16');

  const topologies = values.topology.split(',') as Topology[];
  if (topologies.some((topology) => topology !== 'in-process' && topology !== 'separate')) throw new Error('--topology lists in-process and/or separate');

  for (const topology of topologies) {
    const database = await createBenchDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-'));
    const hubs: RunningHub[] = [];
    let partners: PartnerProcesses | undefined;
    try {
      // One data folder for both gateways: the same demo keys, so both see the same seeded people, and
      // adapters that trust one gateway's hub key set trust the other's too.
      const auditedPort = await freePort();
      if (topology === 'separate') partners = await startPartnerProcesses(dataDir, `http://127.0.0.1:${auditedPort}${HUB_JWKS_PATH}`);
      const audited = await startBenchHub(database.url, dataDir, false, partners?.gatewayEnv, auditedPort);
      hubs.push(audited);
      const unaudited = await startBenchHub(database.url, dataDir, true, partners?.gatewayEnv);
      hubs.push(unaudited);
      const profile = DEMO_PROFILES.wijkcoach;
      const token = await audited.demoIssuer!.issueToken({ subject: profile.subject, organisationId: profile.organisationId, roles: ['wijkcoach'], purpose: profile.purpose }, 3600);
      const targets = { audit: audited.gateway.graphqlUrl, 'no audit': unaudited.gateway.graphqlUrl };

      for (const latencyMs of latencies) {
        if (partners) await partners.setLatency(latencyMs);
        else for (const hub of hubs) for (const partner of Object.values(hub.partners)) partner!.setLatency(latencyMs);
        for (let i = 0; i < 30; i++) for (const target of Object.values(targets)) await timedQuery(target, token);
        for (const concurrency of concurrencies) {
          const samples: Record<keyof typeof targets, number[]> = { audit: [], 'no audit': [] };
          const elapsed = { audit: 0, 'no audit': 0 };
          const statementsBefore = await auditStatements(database.url);
          for (let round = 0; round < requests / concurrency; round++) {
            // Alternate which goes first, so neither always runs on a warmer path.
            const order = (round % 2 === 0 ? ['audit', 'no audit'] : ['no audit', 'audit']) as (keyof typeof targets)[];
            for (const which of order) {
              const started = performance.now();
              samples[which].push(...(await Promise.all(Array.from({ length: concurrency }, () => timedQuery(targets[which], token)))));
              elapsed[which] += performance.now() - started;
            }
          }
          const statementsAfter = await auditStatements(database.url);
          const p50 = { audit: percentile(samples.audit, 50), none: percentile(samples['no audit'], 50) };
          const p95 = { audit: percentile(samples.audit, 95), none: percentile(samples['no audit'], 95) };
          const perSecond = { audit: (samples.audit.length / elapsed.audit) * 1000, none: (samples['no audit'].length / elapsed['no audit']) * 1000 };
          const ratio = p50.audit / p50.none;
          const where = topology === 'separate' ? 'partners and adapters in their own processes' : 'partners and adapters in the gateway process';
          console.log(`\nhousehold query (hh-1001, 3 members, 3 adapters), PostgreSQL, ${samples.audit.length} requests each, interleaved, concurrency ${concurrency}; ${where}; partner latency ${latencyMs} ms`);
          console.log(`               p50        p95     requests/s`);
          console.log(`  no audit  ${p50.none.toFixed(2).padStart(7)} ms ${p95.none.toFixed(2).padStart(7)} ms ${perSecond.none.toFixed(0).padStart(8)}`);
          console.log(`  audit     ${p50.audit.toFixed(2).padStart(7)} ms ${p95.audit.toFixed(2).padStart(7)} ms ${perSecond.audit.toFixed(0).padStart(8)}`);
          console.log(`  p50 audit - no audit: ${(p50.audit - p50.none).toFixed(2)} ms; ratio ${ratio.toFixed(3)} (+${((ratio - 1) * 100).toFixed(1)} %; budget +10 %: ${ratio <= 1.1 ? 'within' : 'OVER'})`);
          const written = { requests: statementsAfter.requests - statementsBefore.requests, statements: statementsAfter.statements - statementsBefore.statements };
          console.log(`  access log: ${written.requests} audited requests written in ${written.statements} INSERT statements (${(written.requests / written.statements).toFixed(2)} requests per statement)`);
        }
      }
    } finally {
      for (const hub of hubs.reverse()) await hub.close().catch(() => undefined);
      await partners?.stop();
      await rm(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exitCode = 2;
});
