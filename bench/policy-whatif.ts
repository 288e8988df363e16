/**
 * How long the policy dry run takes on a large access log, and whether its memory stays flat: a real log
 * made by driving a hub (every demo household, as the wijkcoach), copied in SQL up to `--records`, then
 * replayed against a candidate in the command's READ ONLY transaction. Prints records per second and the
 * heap before and after.
 *
 *   npm run bench:whatif [-- --records 20000]
 *
 * Uses a throw-away database on ONTSCHOT_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createBenchDatabase } from './bench-database.ts';
import { loadGatewayConfig } from '../src/config/env.ts';
import { publicSchemaForPolicyCheck, startHub } from '../src/hub/start-hub.ts';
import { DEMO_PROFILES } from '../src/cli/demo-tokens.ts';
import { DEMO_HOUSEHOLDS } from '../src/demo/population.ts';
import { parseCandidate } from '../src/policy-whatif/candidate.ts';
import { whatIfReadOnly } from '../src/policy-whatif/whatif.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '20000' } } });
const records = Number(values.records);
if (!Number.isInteger(records) || records < 1) throw new Error('--records must be a positive integer');

const database = await createBenchDatabase();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-whatif-'));
const zero = { housing: 0, debt: 0, care: 0 };
const hub = await startHub({
  config: loadGatewayConfig({ PORT: '0', ONTSCHOT_DATA_DIR: dataDir, DATABASE_URL: database.url, RATE_LIMIT_PER_MINUTE: '0' }),
  embeddedPartners: true, partnerPorts: zero, adapterPorts: zero, seedDemoData: true, demoIssuer: true,
});
const db = new pg.Client({ connectionString: database.url });
try {
  await db.connect();
  const token = await hub.demoIssuer!.issueToken({ ...DEMO_PROFILES.wijkcoach, roles: ['wijkcoach'] }, 600);
  for (const household of DEMO_HOUSEHOLDS) {
    await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ household(id: "${household.id}") { address { street } members { givenName housing { rentArrearsMonths } debt { totalDebt } care { inCare } } } }` }),
    });
  }
  // Copies of the real records under a chain of their own, start times spread over the last 30 days.
  await db.query(`
    INSERT INTO audit_record (id, trace_id, status_code, name, start_time, end_time, resource, professional, organisation_id, roles, purpose,
      subject_key, subject_encrypted, fields_released, fields_withheld, field_bases, subject_kind, lookups, break_glass_grant_id, chain_id, chain_seq)
    SELECT gen_random_uuid(), r.trace_id, r.status_code, r.name, now() - (n % 2500000) * interval '1 second', now(), r.resource, r.professional,
      r.organisation_id, r.roles, r.purpose, r.subject_key, r.subject_encrypted, r.fields_released, r.fields_withheld, r.field_bases,
      r.subject_kind, r.lookups, r.break_glass_grant_id, 'bench-copy', n
    FROM generate_series(1, $1::int) AS n
    JOIN LATERAL (SELECT * FROM audit_record WHERE subject_kind = 'PERSON' AND chain_id <> 'bench-copy' ORDER BY id OFFSET (n % (SELECT count(*) FROM audit_record WHERE subject_kind = 'PERSON')) LIMIT 1) r ON true`, [records]);
  const policy = readFileSync('schema/field-policies.yaml', 'utf8');
  const candidate = parseCandidate({ label: 'candidate.yaml', text: policy.replace('roles: [wijkcoach], purposes: [wijkteam-ondersteuning] }', 'roles: [schuldhulpverlener], purposes: [wijkteam-ondersteuning] }') }, publicSchemaForPolicyCheck());
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const report = await whatIfReadOnly(hub.database.prisma, candidate, 'candidate.yaml', { from: new Date(Date.now() - 31 * 86_400_000), to: new Date(Date.now() + 60_000) });
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(`replayed ${report.recordsReplayed} records (${report.accessesReplayed} field accesses) in ${seconds.toFixed(1)} s: ${Math.round(report.recordsReplayed / seconds)} records/s`);
  console.log(`released then, withheld now: ${report.totals.releasedThenWithheld}; heap ${(heapBefore / 2 ** 20).toFixed(0)} MiB before, ${(heapAfter / 2 ** 20).toFixed(0)} MiB after`);
} finally {
  await db.end();
  await hub.close();
  await rm(dataDir, { recursive: true, force: true });
  await database.drop();
}
