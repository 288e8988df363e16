import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { useHubWithClient } from '../audit/hub-with-client.ts';
import type { TestHub } from '../support/hub.ts';
import { allDemoPeople, DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { parseCandidate } from '../../src/policy-whatif/candidate.ts';
import { replayAccessLog } from '../../src/policy-whatif/replay.ts';
import { inReadOnlyTransaction } from '../../src/policy-whatif/whatif.ts';
import type { WhatIfReport } from '../../src/policy-whatif/report.ts';
import { reportAsText } from '../../src/policy-whatif/report-text.ts';
import { runAuditCli } from '../cli/audit-cli.ts';

/**
 * The policy dry run on the real PostgreSQL: a small log made by driving the hub over HTTP, replayed
 * against candidates that change one thing each. The report must count exactly that change, with the
 * facts of the access's time, and carry no personal data.
 */

const CURRENT = readFileSync('schema/field-policies.yaml', 'utf8');
const MOHAMMED = allDemoPeople().find((person) => person.givenName === 'Mohammed')!;
const schema = publicSchemaForPolicyCheck();

/** The current policy with one line replaced: the candidate changes exactly that. */
function candidate(find: string, replace: string) {
  expect(CURRENT).toContain(find);
  return parseCandidate({ label: 'candidate.yaml', text: CURRENT.replace(find, replace) }, schema);
}

const CARE_FOR_OTHERS = [
  '    care:       { category: ggz, basis: consent, roles: [wijkcoach], purposes: [wijkteam-ondersteuning] }',
  '    care:       { category: ggz, basis: consent, roles: [schuldhulpverlener], purposes: [wijkteam-ondersteuning] }',
] as const;
const WMO_FOR_SIGNALLING = ['    purposes: [wijkteam-ondersteuning]\n  wgs-vroegsignalering:', '    purposes: [wijkteam-ondersteuning, vroegsignalering-schulden]\n  wgs-vroegsignalering:'] as const;

describeWithPostgres('policy:whatif: the access log replayed against a candidate policy', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  let prisma: TestHub['database']['prisma'];
  /** Between the first and the second batch of accesses. */
  let middle: Date;
  const everything = () => ({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) });
  let careAccesses: number;
  let signallingRecords: number;

  beforeAll(async () => {
    hub = setup.hub();
    db = setup.db();
    prisma = hub.database.prisma;
    await db.query('DELETE FROM audit_record');
    const coach = await hub.token();
    // First batch: Mohammed's care under his GGZ consent (hh-1001), Linda's withheld (hh-1003, no consent).
    for (const id of ['hh-1001', 'hh-1003']) {
      const response = await hub.query(coach, `{ household(id: "${id}") { address { street } members { givenName care { inCare } } } }`);
      expect(response.status).toBe(200);
    }
    // Wijkteam West is not involved with hh-1001: its look-up by BSN answers as for nobody, recorded as withheld.
    const west = await hub.token({ organisationId: 'wijkteam-west', subject: 'noor.visser' });
    const lookup = await hub.query(west, 'query ($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }', { bsn: MOHAMMED.bsn });
    expect(lookup.body.data).toEqual({ householdByMemberBsn: null });
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM audit_record WHERE 'Person.care' = ANY(fields_released)`);
    careAccesses = rows[0].n;
    expect(careAccesses).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    middle = new Date();
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Second batch: a wijkcoach of Oost working for early debt signalling. Oost is involved with hh-1002 for
    // that purpose too (written into the table, as the facts of that time); the current policy gives the
    // purpose no household data (PURPOSE_MISMATCH), a candidate that adds it to wmo-wijkteam would.
    await db.query(`INSERT INTO involvement (id, household_id, organisation_id, since, purpose) VALUES (gen_random_uuid(), 'hh-1002', 'wijkteam-oost', $1, 'vroegsignalering-schulden')`, [new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)]);
    const signalling = await hub.token({ purpose: 'vroegsignalering-schulden' });
    const response = await hub.query(signalling, '{ household(id: "hh-1002") { address { street } members { givenName } } }');
    expect(response.body.errors?.[0]?.extensions?.code).toBe('PURPOSE_MISMATCH');
    signallingRecords = (await db.query(`SELECT count(*)::int AS n FROM audit_record WHERE purpose = 'vroegsignalering-schulden'`)).rows[0].n;
    expect(signallingRecords).toBe(DEMO_HOUSEHOLDS.find((household) => household.id === 'hh-1002')!.members.length);
  });

  it('a candidate identical to the current policy changes nothing', async () => {
    const report = await replayAccessLog(prisma, parseCandidate({ label: 'same.yaml', text: CURRENT }, schema), 'same.yaml', everything());
    const { rows } = await db.query(`SELECT count(*)::int AS n, sum(cardinality(fields_released) + cardinality(fields_withheld))::int AS fields FROM audit_record WHERE subject_kind = 'PERSON'`);
    expect(report.recordsReplayed).toBe(rows[0].n);
    expect(report.accessesReplayed).toBe(rows[0].fields);
    expect(report.totals).toEqual({ releasedThenWithheld: 0, withheldThenReleased: 0, unchanged: rows[0].fields, unknown: 0 });
  });

  it('a candidate that takes a role off a field counts its releases as withheld, with role, field and category', async () => {
    const report = await replayAccessLog(prisma, candidate(...CARE_FOR_OTHERS), 'candidate.yaml', everything());
    const care = report.rows.find((row) => row.role === 'wijkcoach' && row.field === 'Person.care')!;
    expect(care).toMatchObject({ category: 'ggz', releasedThenWithheld: careAccesses, withheldAs: { FORBIDDEN: careAccesses }, withheldThenReleased: 0 });
    expect(report.totals.releasedThenWithheld).toBe(careAccesses);
    expect(report.totals.withheldThenReleased).toBe(0);
    const ggz = report.categories.find((row) => row.category === 'ggz')!;
    expect(ggz).toMatchObject({ releasedThenWithheld: careAccesses, description: 'Geestelijke gezondheidszorg, inclusief het feit dat iemand in zorg is' });
  });

  it('a candidate that adds a purpose to a legal basis counts what it would have released, where the involvement of that time allows it', async () => {
    const report = await replayAccessLog(prisma, candidate(...WMO_FOR_SIGNALLING), 'candidate.yaml', everything());
    for (const field of ['Household.address', 'Household.members']) {
      expect(report.rows.find((row) => row.role === 'wijkcoach' && row.field === field)).toMatchObject({ withheldThenReleased: signallingRecords, releasedThenWithheld: 0 });
    }
    expect(report.totals.withheldThenReleased).toBe(2 * signallingRecords);
    expect(report.categories.find((row) => row.category === 'adres')).toMatchObject({ withheldThenReleased: signallingRecords, description: 'Woonadres van het huishouden' });
    expect(report.totals.releasedThenWithheld).toBe(0);
  });

  it('a refused look-up is replayed with the look-up rule: released only under a candidate that exempts it from need to know', async () => {
    const row = (report: WhatIfReport) => report.rows.find((r) => r.role === 'wijkcoach' && r.field === 'Query.householdByMemberBsn');
    const same = await replayAccessLog(prisma, parseCandidate({ label: 'same.yaml', text: CURRENT }, schema), 'same.yaml', everything());
    expect(row(same)).toMatchObject({ unchanged: 1, withheldThenReleased: 0, unknown: 0 });
    const exempt = await replayAccessLog(prisma, candidate('involvementRequiredFor: [wmo-wijkteam, toestemmingsregistratie, consent]', 'involvementRequiredFor: [toestemmingsregistratie, consent]'), 'candidate.yaml', everything());
    expect(row(exempt)).toMatchObject({ unchanged: 0, withheldThenReleased: 1, unknown: 0 });
  });

  it('the period filter replays only the records that started within it', async () => {
    const later = await replayAccessLog(prisma, candidate(...CARE_FOR_OTHERS), 'candidate.yaml', { from: middle, to: new Date(Date.now() + 60_000) });
    expect(later.recordsReplayed).toBe(signallingRecords);
    expect(later.totals.releasedThenWithheld).toBe(0); // Mohammed's care was before `middle`
    const earlier = await replayAccessLog(prisma, candidate(...WMO_FOR_SIGNALLING), 'candidate.yaml', { from: new Date(Date.now() - 3_600_000), to: middle });
    expect(earlier.totals.withheldThenReleased).toBe(0);
    expect(earlier.recordsReplayed).toBe((await db.query('SELECT count(*)::int AS n FROM audit_record WHERE start_time < $1', [middle])).rows[0].n);
    // Pages: the same answer whatever the page size.
    const period = everything();
    const paged = await replayAccessLog(prisma, candidate(...CARE_FOR_OTHERS), 'candidate.yaml', period, 2);
    expect(paged).toEqual(await replayAccessLog(prisma, candidate(...CARE_FOR_OTHERS), 'candidate.yaml', period));
  });

  it('a person since deleted is counted as unknown where their facts are needed, never guessed', async () => {
    const key = (await db.query(`SELECT subject_key FROM audit_record WHERE purpose = 'vroegsignalering-schulden' LIMIT 1`)).rows[0].subject_key;
    const person = (await db.query('SELECT * FROM person WHERE bsn_hash = $1', [key])).rows[0];
    await db.query('DELETE FROM person WHERE id = $1', [person.id]);
    try {
      const report = await replayAccessLog(prisma, candidate(...WMO_FOR_SIGNALLING), 'candidate.yaml', everything());
      expect(report.unknown).toEqual({ PERSON_GONE: 2 });
      expect(report.totals.withheldThenReleased).toBe(2 * (signallingRecords - 1));
    } finally {
      await db.query('INSERT INTO person (id, household_id, bsn_hash, bsn_encrypted, given_name, family_name, birth_date) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        person.id, person.household_id, person.bsn_hash, person.bsn_encrypted, person.given_name, person.family_name, person.birth_date,
      ]);
    }
  });

  it('a consent withdrawn after the access still counts as active at the access time (time travel)', async () => {
    const coach = await hub.token();
    const listed = await hub.query(coach, 'query ($bsn: String!) { consentsOf(bsn: $bsn) { id category status } }', { bsn: MOHAMMED.bsn });
    const ggz = (listed.body.data!.consentsOf as { id: string; category: string; status: string }[]).find((consent) => consent.category === 'ggz' && consent.status === 'ACTIVE')!;
    const withdrawn = await hub.query(coach, `mutation { withdrawConsent(id: "${ggz.id}", reason: "Inwoner belde het wijkteam") { status } }`);
    expect(withdrawn.body.data!.withdrawConsent.status).toBe('WITHDRAWN');
    const same = parseCandidate({ label: 'same.yaml', text: CURRENT }, schema);
    const report = await replayAccessLog(prisma, same, 'same.yaml', { from: new Date(Date.now() - 3_600_000), to: middle });
    expect(report.rows.find((row) => row.field === 'Person.care' && row.role === 'wijkcoach')).toMatchObject({ unchanged: expect.any(Number), releasedThenWithheld: 0 });
    expect(report.totals.releasedThenWithheld).toBe(0);

    // The broken variant: consents taken as they are now. The same assertion must then fail.
    vi.resetModules();
    vi.doMock('../../src/consent/consent-record.ts', async (original) => ({ ...(await original<object>()), consentAsOf: (consent: unknown) => consent }));
    try {
      const broken = await import('../../src/policy-whatif/replay.ts');
      const wrong = await broken.replayAccessLog(prisma, same, 'same.yaml', { from: new Date(Date.now() - 3_600_000), to: middle });
      expect(wrong.rows.find((row) => row.field === 'Person.care' && row.role === 'wijkcoach')).toMatchObject({ releasedThenWithheld: careAccesses, withheldAs: { CONSENT_REQUIRED: careAccesses } });
      expect(() => expect(wrong.totals.releasedThenWithheld).toBe(0)).toThrow();
    } finally {
      vi.doUnmock('../../src/consent/consent-record.ts');
      vi.resetModules();
    }
  });

  it('the report, text and JSON, holds no BSN, name, person, household, consent or record id, nor a professional', async () => {
    const report: WhatIfReport = await replayAccessLog(prisma, candidate(...CARE_FOR_OTHERS), 'candidate.yaml', everything());
    const output = `${reportAsText(report)}\n${JSON.stringify(report)}`;
    const { rows: records } = await db.query('SELECT id, trace_id, subject_key, professional FROM audit_record');
    const { rows: consents } = await db.query('SELECT id FROM consent');
    const forbidden = [...new Set([
      ...allDemoPeople().flatMap((person) => [person.bsn, person.id, person.givenName, person.familyName]),
      ...DEMO_HOUSEHOLDS.map((household) => household.id),
      ...records.flatMap((record) => [record.id, record.trace_id, record.subject_key, record.professional]),
      ...consents.map((consent) => consent.id),
    ])];
    expect(forbidden.length).toBeGreaterThan(50);
    const leaks = (text: string) => forbidden.filter((value) => text.includes(value));
    expect(leaks(output)).toEqual([]);
    expect(output).toContain('Person.care');
    // The check itself catches a report that names a professional (the broken variant).
    expect(leaks(`${output}${JSON.stringify({ professional: records[0].professional })}`)).toEqual([records[0].professional]);
  });

  it('an involvement ended after the access still counts at the access time (time travel)', async () => {
    await db.query(`UPDATE involvement SET ends_at = now(), ended_by = 'test' WHERE purpose = 'vroegsignalering-schulden'`);
    const signalling = candidate(...WMO_FOR_SIGNALLING);
    const report = await replayAccessLog(prisma, signalling, 'candidate.yaml', everything());
    expect(report.totals.withheldThenReleased).toBe(2 * signallingRecords);

    // The broken variant: the standing taken now instead of at the record's time. The assertion must then fail.
    vi.resetModules();
    vi.doMock('../../src/involvement/standing-loader.ts', async (original) => {
      const real = await original<typeof import('../../src/involvement/standing-loader.ts')>();
      return { ...real, createStandingLoader: (reader: Parameters<typeof real.createStandingLoader>[0], caller: Parameters<typeof real.createStandingLoader>[1]) => real.createStandingLoader(reader, caller) };
    });
    try {
      const broken = await import('../../src/policy-whatif/replay.ts');
      const wrong = await broken.replayAccessLog(prisma, signalling, 'candidate.yaml', everything());
      expect(() => expect(wrong.totals.withheldThenReleased).toBe(2 * signallingRecords)).toThrow();
      expect(wrong.totals.withheldThenReleased).toBe(0);
    } finally {
      vi.doUnmock('../../src/involvement/standing-loader.ts');
      vi.resetModules();
    }
  });

  it('reads in a transaction the database keeps read-only: a write inside it is refused', async () => {
    const write = (tx: { $executeRawUnsafe(sql: string): Promise<number> }) => tx.$executeRawUnsafe(`UPDATE audit_record SET purpose = 'x' WHERE false`);
    await expect(inReadOnlyTransaction(prisma, write)).rejects.toThrow(/read-only transaction/);
    // Without READ ONLY (the broken variant) the same statement runs.
    await expect(prisma.$transaction((tx) => write(tx))).resolves.toBe(0);
  });

  it('the CLI as a process against PostgreSQL: a report, exit 0; bad input exit 2 with a clear message', { timeout: 300_000 }, async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'ontschot-whatif-'));
    try {
      const file = path.join(folder, 'candidate.yaml');
      await writeFile(file, CURRENT.replace(...CARE_FOR_OTHERS));
      const env = { DATABASE_URL: database().url, ONTSCHOT_DATA_DIR: hub.dataDir };
      const json = await runAuditCli('policy-whatif.ts', [file, '--json'], env);
      expect(json.stderr).toBe('');
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout) as WhatIfReport;
      expect(report.rows.find((row) => row.role === 'wijkcoach' && row.field === 'Person.care')).toMatchObject({ releasedThenWithheld: careAccesses });
      const text = await runAuditCli('policy-whatif.ts', [file, '--from', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/\| wijkcoach \| Person\.care \| ggz \| 1 \| FORBIDDEN 1 \|/);

      await writeFile(file, CURRENT.replace('roles: [schuldhulpverlener]\n    purposes: [vroegsignalering-schulden]', 'roles: [tovenaar]\n    purposes: [vroegsignalering-schulden]'));
      const invalid = await runAuditCli('policy-whatif.ts', [file], env);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toContain('is not valid');
      expect(invalid.stderr).toMatch(/candidate\.yaml:\d+: .*tovenaar/);
      for (const [args, message] of [
        [[file, '--from', '2026-02-30'], '--from: expected an ISO date'],
        [[file, '--from', '2026-11-24', '--to', '2026-11-01'], '--from must be before --to'],
        [[], 'usage: npm run policy:whatif'],
        [['no-such-revision-or-file'], 'neither a file nor a git revision'],
        [[file, '--since', 'x'], "Unknown option '--since'"],
      ] as const) {
        const bad = await runAuditCli('policy-whatif.ts', [...args], env);
        expect(bad.code, message).toBe(2);
        expect(bad.stderr).toContain(message);
        expect(bad.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
