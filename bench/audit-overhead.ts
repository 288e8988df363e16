/**
 * What the access log costs: p50 and p95 latency of a household query through two gateways on the same
 * PostgreSQL, one with the access log and one without (the bench-only switch), side by side in the same
 * run, requests interleaved so both see the same machine load. The budget: audit adds at most 10 % to p50.
 * It runs once per partner latency: 0 ms (partners in-process, answering at once: the worst case for the
 * ratio) and 20 ms (a partner API on a LAN, closer to production); the absolute cost is the same.
 *
 *   npm run bench:audit [-- --requests 400 --partner-latency-ms 0,20]
 *
 * Uses a throw-away database on ONTSCHOT_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadGatewayConfig } from '../src/config/env.ts';
import { startHub, type RunningHub } from '../src/hub/start-hub.ts';
import { DEMO_PROFILES } from '../src/cli/demo-tokens.ts';

const ADMIN_URL = process.env.ONTSCHOT_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const QUERY = `query CaseScreen($id: ID!) {
  household(id: $id) {
    address { street houseNumber postcode }
    members { givenName familyName housing { rentArrearsMonths evictionStatus } debt { caseStatus totalDebt } care { inCare trajectoryKind } }
  }
}`;

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function startBenchHub(databaseUrl: string, dataDir: string, withoutAudit: boolean): Promise<RunningHub> {
  const zero = { housing: 0, debt: 0, care: 0 };
  return startHub({
    config: loadGatewayConfig({ PORT: '0', ONTSCHOT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl }),
    embeddedPartners: true,
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
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '400' }, 'partner-latency-ms': { type: 'string', default: '0,20' } } });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 10) throw new Error('--requests must be a whole number, at least 10');
  const latencies = values['partner-latency-ms'].split(',').map(Number);
  if (latencies.some((latency) => !Number.isInteger(latency) || latency < 0)) throw new Error('--partner-latency-ms must list whole numbers of milliseconds, e.g. 0,20');

  const name = `ontschot_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-'));
  const hubs: RunningHub[] = [];
  try {
    // One data folder for both: the same demo keys, so both gateways see the same seeded people.
    const audited = await startBenchHub(url.toString(), dataDir, false);
    hubs.push(audited);
    const unaudited = await startBenchHub(url.toString(), dataDir, true);
    hubs.push(unaudited);
    const profile = DEMO_PROFILES.wijkcoach;
    const token = await audited.demoIssuer!.issueToken({ subject: profile.subject, organisationId: profile.organisationId, roles: ['wijkcoach'], purpose: profile.purpose }, 3600);
    const targets = { audit: audited.gateway.graphqlUrl, 'no audit': unaudited.gateway.graphqlUrl };

    for (const latencyMs of latencies) {
      for (const hub of hubs) for (const partner of Object.values(hub.partners)) partner!.setLatency(latencyMs);
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
      console.log(`\nhousehold query (hh-1001, 3 members, 3 adapters), PostgreSQL, ${requests} requests each, interleaved; partner latency ${latencyMs} ms`);
      console.log(`               p50        p95`);
      console.log(`  no audit  ${p50.none.toFixed(2).padStart(7)} ms ${p95.none.toFixed(2).padStart(7)} ms`);
      console.log(`  audit     ${p50.audit.toFixed(2).padStart(7)} ms ${p95.audit.toFixed(2).padStart(7)} ms`);
      console.log(`  p50 audit - no audit: ${(p50.audit - p50.none).toFixed(2)} ms; ratio ${ratio.toFixed(3)} (+${((ratio - 1) * 100).toFixed(1)} %; budget +10 %: ${ratio <= 1.1 ? 'within' : 'OVER'})`);
    }
  } finally {
    for (const hub of hubs.reverse()) await hub.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exitCode = 2;
});
