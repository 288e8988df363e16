/**
 * What the access log costs: p50 and p95 latency of a household query through two gateways on the same
 * PostgreSQL, one with the access log and one without (the bench-only switch), side by side in the same
 * run, requests interleaved so both see the same machine load. The budget: audit adds at most 10 % to p50.
 * It runs per topology and per partner latency. Topology `in-process`: partners and adapters share the
 * gateway's process and event loop (the embedded default); `separate`: they run in their own processes,
 * as in docker-compose.yml. Latency 0 ms: partners answer at once (the worst case for the ratio); 20 ms:
 * a partner API on a LAN, closer to production.
 *
 *   npm run bench:audit [-- --requests 400 --partner-latency-ms 0,20 --topology in-process,separate]
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
    config: loadGatewayConfig({ PORT: String(port), ONTSCHOT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, RATE_LIMIT_PER_MINUTE: '0', ...gatewayEnv }),
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

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '400' }, 'partner-latency-ms': { type: 'string', default: '0,20' }, topology: { type: 'string', default: 'in-process,separate' } } });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 10) throw new Error('--requests must be a whole number, at least 10');
  const latencies = values['partner-latency-ms'].split(',').map(Number);
  if (latencies.some((latency) => !Number.isInteger(latency) || latency < 0)) throw new Error('--partner-latency-ms must list whole numbers of milliseconds, e.g. 0,20');

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
        const samples: Record<keyof typeof targets, number[]> = { audit: [], 'no audit': [] };
        for (let i = 0; i < requests; i++) {
          // Alternate which goes first, so neither always runs on a warmer path.
          const order = (i % 2 === 0 ? ['audit', 'no audit'] : ['no audit', 'audit']) as (keyof typeof targets)[];
          for (const which of order) samples[which].push(await timedQuery(targets[which], token));
        }
        const p50 = { audit: percentile(samples.audit, 50), none: percentile(samples['no audit'], 50) };
        const p95 = { audit: percentile(samples.audit, 95), none: percentile(samples['no audit'], 95) };
        const ratio = p50.audit / p50.none;
        const where = topology === 'separate' ? 'partners and adapters in their own processes' : 'partners and adapters in the gateway process';
        console.log(`\nhousehold query (hh-1001, 3 members, 3 adapters), PostgreSQL, ${requests} requests each, interleaved; ${where}; partner latency ${latencyMs} ms`);
        console.log(`               p50        p95`);
        console.log(`  no audit  ${p50.none.toFixed(2).padStart(7)} ms ${p95.none.toFixed(2).padStart(7)} ms`);
        console.log(`  audit     ${p50.audit.toFixed(2).padStart(7)} ms ${p95.audit.toFixed(2).padStart(7)} ms`);
        console.log(`  p50 audit - no audit: ${(p50.audit - p50.none).toFixed(2)} ms; ratio ${ratio.toFixed(3)} (+${((ratio - 1) * 100).toFixed(1)} %; budget +10 %: ${ratio <= 1.1 ? 'within' : 'OVER'})`);
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
