import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { useHubWithClient } from './hub-with-client.ts';
import type { TestHub } from '../support/hub.ts';
import { DOMAIN_OPERATORS, DOMAINS, domainCoordinates } from '../../src/domain/partner-domains.ts';

/**
 * A privacy officer of an organisation sees in the access log what that organisation's professionals
 * did, and who read the data that organisation provides; the municipality's officer sees all of it.
 */

const RECORDS = /* GraphQL */ `
  query Records($filter: AccessRecordFilter, $limit: Int) {
    accessRecords(filter: $filter, limit: $limit) {
      totalCount
      records { id professional organisationId purpose lookups fieldsReleased fieldsWithheld dataSubjectBsn }
    }
  }
`;
const REPORT = 'query ($bsn: String!) { subjectAccessReport(bsn: $bsn) { accessCount summary accesses { organisationId recordId } } }';

interface Seen { id: string; professional: string; organisationId: string; purpose: string; lookups: string[]; fieldsReleased: string[]; fieldsWithheld: string[] }

const PETER = '999915927'; // hh-1002: read by coach.debt (debt only), looked up by the woonconsulent and the debt worker
const MOHAMMED = '999906318'; // hh-1001: read by coach.housing (housing) and coach.care (care, with his consent)

describeWithPostgres('privacy officers see their own organisation\'s share of the access log', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  const officers: Record<string, string> = {};
  beforeAll(async () => {
    hub = setup.hub();
    db = setup.db();
    // The log to supervise: three wijkcoaches of Oost, each reading one partner domain, and two partners' look-ups.
    const reads: [string, string, Record<string, unknown>?][] = [
      [await hub.token({ subject: 'coach.housing' }), '{ household(id: "hh-1001") { members { housing { rentArrearsMonths } } } }'],
      [await hub.token({ subject: 'coach.debt' }), '{ household(id: "hh-1002") { members { debt { caseStatus } } } }'],
      [await hub.token({ subject: 'coach.care' }), '{ household(id: "hh-1001") { members { care { inCare } } } }'],
      [await hub.token({ role: 'woonconsulent' }), 'query ($b: String!) { householdByMemberBsn(bsn: $b) { id } }', { b: PETER }],
      [await hub.token({ role: 'schuldhulpverlener' }), 'query ($b: String!) { personByBsn(bsn: $b) { housing { rentArrearsAmount } } }', { b: PETER }],
    ];
    for (const [token, query, variables] of reads) expect((await hub.query(token, query, variables)).status).toBe(200);
    officers.oost = await hub.token({ role: 'privacy-officer', subject: 'fg.oost' });
    officers.linde = await hub.token({ role: 'privacy-officer', organisationId: 'woonstichting-de-linde', subject: 'fg.linde' });
    officers.schuldhulp = await hub.token({ role: 'privacy-officer', organisationId: 'schuldhulp-gemeente', subject: 'fg.schuldhulp' });
    officers.ggz = await hub.token({ role: 'privacy-officer', organisationId: 'ggz-de-horizon', subject: 'fg.ggz' });
    officers.hub = await hub.token({ role: 'hub-privacy-officer' });
  });

  /** The records of the seeded reads (not the officers' own) that an officer gets, by professional. */
  async function seenBy(officer: string, filter: Record<string, unknown> = {}): Promise<{ totalCount: number; records: Seen[] }> {
    const response = await hub.query(officer, RECORDS, { filter, limit: 200 });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.accessRecords;
  }
  const professionals = (records: Seen[]) => [...new Set(records.map((record) => record.professional))].filter((name) => !name.startsWith('fg.')).sort();
  const count = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0].n as number;

  it('derives each partner domain\'s coordinates from its contract', () => {
    expect(domainCoordinates('housing')).toEqual(expect.arrayContaining(['Person.housing', 'Housing.monthlyRent', 'Housing.rentArrearsAmount', 'Housing.evictionStatus']));
    expect(domainCoordinates('care')).toEqual(['Person.care', 'Care.inCare', 'Care.trajectoryKind', 'Care.responsiblePractitioner', 'Care.crisisPlanPresent']);
    for (const domain of DOMAINS) expect(domainCoordinates(domain)).not.toContain('Person.bsn');
    expect(DOMAIN_OPERATORS).toEqual({ housing: 'woonstichting-de-linde', debt: 'schuldhulp-gemeente', care: 'ggz-de-horizon' });
  });

  it('shows the housing corporation\'s officer its woonconsulent, and who read or was refused Housing data, not a debt-only read', async () => {
    const { totalCount, records } = await seenBy(officers.linde);
    expect(professionals(records)).toEqual(['coach.housing', 'karim.haddou', 'petra.smits']);
    const housing = new Set(domainCoordinates('housing'));
    for (const record of records) {
      const provided = [...record.fieldsReleased, ...record.fieldsWithheld].some((field) => housing.has(field));
      expect(record.organisationId === 'woonstichting-de-linde' || provided, record.professional).toBe(true);
    }
    // Counted in the database: the woonstichting's own records (its officer's too) and those touching Housing.
    const inScope: number = await count(
      `SELECT count(*)::int AS n FROM audit_record WHERE organisation_id = 'woonstichting-de-linde' OR fields_released && $1 OR fields_withheld && $1`,
      [[...housing]],
    );
    // The officer's own read of this page is written after the answer, so it is in the count now, not in the total.
    const ownReadNow = await count(`SELECT count(*)::int AS n FROM audit_record WHERE professional = 'fg.linde'`);
    expect(totalCount).toBe(inScope - ownReadNow);
    expect(records.find((record) => record.professional === 'karim.haddou')!.fieldsWithheld).toContain('Housing.rentArrearsAmount');
  });

  it('shows a wijkteam\'s officer its own professionals\' reads and not a woonconsulent\'s look-ups (a wijkteam provides no partner data)', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM audit_record WHERE organisation_id = 'wijkteam-oost'`);
    const { totalCount, records } = await seenBy(officers.oost);
    expect(professionals(records)).toEqual(['coach.care', 'coach.debt', 'coach.housing']);
    expect(records.every((record) => record.organisationId === 'wijkteam-oost')).toBe(true);
    expect(totalCount).toBe(before);
  });

  it('shows the debt-relief officer the debt read and its own worker, and the GGZ officer the care reads, released or withheld', async () => {
    expect(professionals((await seenBy(officers.schuldhulp)).records)).toEqual(['coach.debt', 'karim.haddou']);
    const ggz = (await seenBy(officers.ggz)).records.filter((record) => !record.professional.startsWith('fg.'));
    expect(professionals(ggz)).toEqual(['coach.care']);
    // Mohammed's care was released (his consent); the other members' was withheld: both are about GGZ data.
    expect(ggz.filter((record) => record.fieldsReleased.includes('Care.inCare'))).toHaveLength(1);
    expect(ggz.filter((record) => record.fieldsWithheld.includes('Person.care')).length).toBeGreaterThan(0);
  });

  it('lets a filter only narrow the scope: another organisation or professional gives nothing beyond it', async () => {
    expect((await seenBy(officers.oost, { professional: 'petra.smits' })).totalCount).toBe(0);
    expect((await seenBy(officers.oost, { organisationId: 'woonstichting-de-linde' })).totalCount).toBe(0);
    expect((await seenBy(officers.linde, { professional: 'coach.debt' })).totalCount).toBe(0);
    const oostViaLinde = await seenBy(officers.linde, { organisationId: 'wijkteam-oost' });
    expect(professionals(oostViaLinde.records)).toEqual(['coach.housing']);
    expect(oostViaLinde.totalCount).toBe(oostViaLinde.records.length);
    const peter = await seenBy(officers.oost, { bsn: PETER });
    expect(professionals(peter.records)).toEqual(['coach.debt']);
  });

  it('shows the municipality\'s officer every record', async () => {
    const before = await count('SELECT count(*)::int AS n FROM audit_record');
    const { totalCount, records } = await seenBy(officers.hub);
    expect(totalCount).toBe(before);
    expect(professionals(records)).toEqual(['coach.care', 'coach.debt', 'coach.housing', 'karim.haddou', 'petra.smits']);
    expect(records.map((record) => record.professional)).toEqual(expect.arrayContaining(['fg.oost', 'fg.linde', 'fg.schuldhulp', 'fg.ggz']));
  });

  it('limits the subject access report to the scope, and says so', async () => {
    const all = (await hub.query(officers.hub, REPORT, { bsn: PETER })).body.data!.subjectAccessReport;
    const organisations = all.accesses.map((access: { organisationId: string }) => access.organisationId);
    expect(organisations).toEqual(expect.arrayContaining(['wijkteam-oost', 'woonstichting-de-linde', 'schuldhulp-gemeente']));
    expect(all.summary).not.toMatch(/alleen over/);

    const linde = (await hub.query(officers.linde, REPORT, { bsn: PETER })).body.data!.subjectAccessReport;
    const ids = new Set(linde.accesses.map((access: { recordId: string }) => access.recordId));
    const { rows } = await db.query(`SELECT id, professional FROM audit_record WHERE id = ANY($1)`, [[...ids]]);
    // The woonconsulent's look-up and the debt worker's refused Housing read; not coach.debt's debt read.
    expect(rows.map((row) => row.professional).filter((name: string) => !name.startsWith('fg.')).sort()).toEqual(['karim.haddou', 'petra.smits']);
    expect(linde.accessCount).toBe(linde.accesses.length);
    expect(linde.summary).toMatch(/^Dit overzicht gaat alleen over inzage door Woonstichting De Linde en in gegevens die Woonstichting De Linde levert\./);

    const ggz = (await hub.query(officers.ggz, REPORT, { bsn: PETER })).body.data!.subjectAccessReport;
    expect(ggz.accesses.filter((access: { organisationId: string }) => access.organisationId !== 'ggz-de-horizon')).toEqual([]);
  });

  it('records the officers\' own reads, under their own organisation and purpose', async () => {
    await db.query(`DELETE FROM audit_record WHERE professional = 'fg.linde'`);
    await seenBy(officers.linde, { bsn: MOHAMMED });
    const { rows } = await db.query(`SELECT organisation_id, purpose, lookups FROM audit_record WHERE professional = 'fg.linde'`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ organisation_id: 'woonstichting-de-linde', purpose: 'privacy-toezicht', lookups: ['Query.accessRecords'] });
    // ... and the officer's reads are in the officer's own scope, the hub's officer sees them too.
    expect((await seenBy(officers.linde, { professional: 'fg.linde' })).totalCount).toBe(rows.length);
    expect((await seenBy(officers.hub, { professional: 'fg.linde' })).totalCount).toBeGreaterThanOrEqual(rows.length);
    expect((await seenBy(officers.oost, { professional: 'fg.linde' })).totalCount).toBe(0);
  });
});

describe('the officers of the demo', () => {
  it('has a partner domain operator for each domain, in the organisation register with the matching kind', async () => {
    const { findOrganisation } = await import('../../src/domain/organisations.ts');
    expect(findOrganisation(DOMAIN_OPERATORS.housing)?.kind).toBe('HOUSING_CORPORATION');
    expect(findOrganisation(DOMAIN_OPERATORS.debt)?.kind).toBe('DEBT_RELIEF');
    expect(findOrganisation(DOMAIN_OPERATORS.care)?.kind).toBe('MENTAL_HEALTH_CARE');
  });
});
