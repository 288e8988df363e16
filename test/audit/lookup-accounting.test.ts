import { beforeAll, beforeEach, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { useHubWithClient } from './hub-with-client.ts';
import type { TestHub } from '../support/hub.ts';
import { allDemoPeople } from '../../src/demo/population.ts';
import { isValidBsn } from '../../src/domain/bsn.ts';

/**
 * Every read of the case registration counts, found or not: whether someone is a wijkteam client is
 * itself personal data, and trying BSN after BSN (enumeration) must be visible to the privacy officer.
 */

const RECORDS = /* GraphQL */ `
  query Records($filter: AccessRecordFilter, $limit: Int) {
    accessRecords(filter: $filter, limit: $limit) {
      totalCount
      records { professional purpose subjectKind lookups dataSubjectBsn missedLookupKey fieldsReleased processingActivityId }
    }
  }
`;

/** Valid (elfproef) BSNs that no demo person has. */
function unknownBsns(count: number): string[] {
  const known = new Set(allDemoPeople().map((person) => person.bsn));
  const found: string[] = [];
  for (let n = 100_000_000; found.length < count; n += 7) {
    const bsn = String(n);
    if (isValidBsn(bsn) && !known.has(bsn)) found.push(bsn);
  }
  return found;
}

describeWithPostgres('look-ups leave access records, found or not', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  let officer: string;
  beforeAll(async () => {
    hub = setup.hub();
    db = setup.db();
    officer = await hub.token({ role: 'hub-privacy-officer' });
  });
  beforeEach(async () => {
    await db.query('DELETE FROM audit_record');
  });

  async function allRowsAsText(): Promise<string> {
    const { rows } = await db.query('SELECT row_to_json(r)::text AS line FROM audit_record r');
    return rows.map((row) => row.line).join('\n');
  }

  it('100 look-ups by BSN leave 100 records the officer can filter on that professional, misses included, no BSN in clear', async () => {
    const known = allDemoPeople().map((person) => person.bsn);
    const bsns = [...known, ...unknownBsns(100 - known.length)];
    const woonconsulent = await hub.token({ role: 'woonconsulent' });
    for (const bsn of bsns) {
      const response = await hub.query(woonconsulent, 'query($b: String!) { householdByMemberBsn(bsn: $b) { id } }', { b: bsn });
      expect(response.status).toBe(200);
    }
    const text = await allRowsAsText();
    for (const bsn of bsns) expect(text).not.toContain(bsn);

    const response = await hub.query(officer, RECORDS, { filter: { professional: 'petra.smits' }, limit: 200 });
    const page = response.body.data!.accessRecords;
    expect(page.totalCount).toBe(100);
    const kinds = page.records.map((record: { subjectKind: string }) => record.subjectKind);
    expect(kinds.filter((kind: string) => kind === 'PERSON')).toHaveLength(known.length);
    expect(kinds.filter((kind: string) => kind === 'BSN')).toHaveLength(100 - known.length);
    for (const record of page.records) expect(record.lookups).toEqual(['Query.householdByMemberBsn']);
    // The officer, and only the officer, can read which BSNs were tried.
    expect(new Set(page.records.map((record: { dataSubjectBsn: string }) => record.dataSubjectBsn))).toEqual(new Set(bsns));
  });

  it('records a missed address, an unknown household id and an unknown person id under their protected keys', async () => {
    const coach = await hub.token();
    const miss = await hub.query(coach, '{ householdByAddress(postcode: "3526 ep", houseNumber: 999, houseNumberSuffix: "b") { id } }');
    expect(miss.body.data!.householdByAddress).toBeNull();
    const unknownIds = await hub.query(coach, '{ households(ids: ["hh-1001", "hh-9999"]) { id } }');
    expect(unknownIds.body.data!.households[1]).toBeNull();
    const explain = await hub.query(coach, '{ explainAccess(personId: "p-9999", field: "Care.inCare") { visible } }');
    expect(explain.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');

    const text = await allRowsAsText();
    expect(text).not.toContain('3526EP');
    expect(text).not.toContain('hh-9999');
    const response = await hub.query(officer, RECORDS, { filter: { professional: 'sanne.deboer' }, limit: 200 });
    const records = response.body.data!.accessRecords.records as { subjectKind: string; missedLookupKey: string | null; dataSubjectBsn: string | null; lookups: string[] }[];
    expect(records.find((record) => record.subjectKind === 'ADDRESS')).toMatchObject({ missedLookupKey: '3526EP 999 B', dataSubjectBsn: null, lookups: ['Query.householdByAddress'] });
    expect(records.find((record) => record.subjectKind === 'HOUSEHOLD_ID')).toMatchObject({ missedLookupKey: 'hh-9999', lookups: ['Query.households'] });
    expect(records.find((record) => record.subjectKind === 'PERSON_ID')).toMatchObject({ missedLookupKey: 'p-9999', lookups: ['Query.explainAccess'] });
    // hh-1001 was found: a record per member, as a look-up of that household.
    expect(records.filter((record) => record.subjectKind === 'PERSON' && record.lookups.includes('Query.households'))).toHaveLength(3);
  });

  it('records consentsOf, found or not, and a receipt check under the person the consent is about', async () => {
    const coach = await hub.token();
    const [unknown] = unknownBsns(1);
    await hub.query(coach, 'query($b: String!) { consentsOf(bsn: $b) { id } }', { b: unknown });
    await hub.query(coach, 'query($b: String!) { consentsOf(bsn: $b) { id } }', { b: '999906318' });
    const recorded = await hub.query(coach, `mutation($i: RecordConsentInput!) { recordConsent(input: $i) { receipt } }`, {
      i: { bsn: '999918369', category: 'wonen', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', evidenceReference: 'dossier 12', validFrom: new Date().toISOString() },
    });
    const receipt = recorded.body.data!.recordConsent.receipt;
    const { rows: lists } = await db.query(`SELECT subject_kind FROM audit_record WHERE 'Query.consentsOf' = ANY(lookups) ORDER BY subject_kind`);
    expect(lists).toEqual([{ subject_kind: 'BSN' }, { subject_kind: 'PERSON' }]);
    await db.query('DELETE FROM audit_record');
    const check = await hub.query(await hub.token({ role: 'woonconsulent' }), 'query($r: String!) { verifyConsentReceipt(receipt: $r) { genuine status } }', { r: receipt });
    expect(check.body.data!.verifyConsentReceipt).toEqual({ genuine: true, status: 'ACTIVE' });

    const { rows } = await db.query(`SELECT subject_kind, lookups, professional FROM audit_record`);
    expect(rows).toEqual([{ subject_kind: 'PERSON', lookups: ['Query.verifyConsentReceipt'], professional: 'petra.smits' }]);
    const response = await hub.query(officer, RECORDS, { filter: { professional: 'sanne.deboer' }, limit: 200 });
    expect(response.body.data!.accessRecords.totalCount).toBe(0);
    const reports = await hub.query(officer, RECORDS, { filter: { bsn: '999918369' }, limit: 200 });
    expect(reports.body.data!.accessRecords.records.map((record: { lookups: string[] }) => record.lookups)).toContainEqual(['Query.verifyConsentReceipt']);
  });

  it('records the officer’s own reads under the officer’s purpose: a record per subject handed out, and a search that found nothing', async () => {
    await hub.query(await hub.token(), '{ household(id: "hh-1003") { address { street } } }');
    await db.query('DELETE FROM audit_record WHERE professional = $1', ['fg.gemeente']);
    const found = await hub.query(officer, RECORDS, { filter: { professional: 'sanne.deboer' }, limit: 200 });
    expect(found.body.data!.accessRecords.totalCount).toBe(3);
    const nothing = await hub.query(officer, RECORDS, { filter: { professional: 'nobody.at.all' } });
    expect(nothing.body.data!.accessRecords.totalCount).toBe(0);
    await hub.query(officer, 'query($b: String!) { subjectAccessReport(bsn: $b) { accessCount } }', { b: '999918369' });

    const { rows } = await db.query(`SELECT subject_kind, lookups, purpose, processing_activity_id, fields_released FROM audit_record WHERE professional = 'fg.gemeente' ORDER BY subject_kind`);
    const reads = rows.filter((row) => row.lookups[0] === 'Query.accessRecords');
    expect(reads.map((row) => row.subject_kind).sort()).toEqual(['PERSON', 'PERSON', 'PERSON', 'SEARCH']);
    for (const row of rows) {
      expect(row.purpose).toBe('privacy-toezicht');
      expect(row.processing_activity_id).toMatch(/privacy-toezicht/);
    }
    expect(rows.filter((row) => row.lookups[0] === 'Query.subjectAccessReport')).toHaveLength(1);
    expect(reads.find((row) => row.subject_kind === 'PERSON')!.fields_released).toEqual(['Query.accessRecords']);
    expect(await allRowsAsText()).not.toContain('nobody.at.all');
  });

  it('refuses a client alias that takes a name the hub reserves for its own subject keys', async () => {
    for (const query of ['{ household(id: "hh-1001") { _hubId: address { street } } }', '{ household(id: "hh-1001") { members { _hubBsn: givenName } } }']) {
      const response = await hub.query(await hub.token(), query);
      expect(response.status).toBe(400);
      expect(response.body.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      expect(response.body.errors![0].message).toMatch(/reserved by the hub/);
    }
  });
});
