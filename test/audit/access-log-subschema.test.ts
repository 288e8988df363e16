import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';

const CASE_SCREEN = '{ household(id: "hh-1001") { address { street } members { givenName care { inCare } } } }';
const RECORDS = /* GraphQL */ `
  query Records($filter: AccessRecordFilter, $limit: Int, $offset: Int) {
    accessRecords(filter: $filter, limit: $limit, offset: $offset) {
      totalCount limit offset
      records { id traceId spanId name professional organisationId roles purpose dataSubjectBsn fieldsReleased fieldBases { field basis } processingActivityId serviceName startTime endTime }
    }
  }
`;
const REPORT = /* GraphQL */ `
  query Report($bsn: String!) {
    subjectAccessReport(bsn: $bsn) { accessCount summary accesses { organisation purposeDescription categories bases { kind consentId name description } text } }
  }
`;

describeWithPostgres('privacy officer queries on the access log', (database) => {
  let hub: TestHub;
  let db: pg.Client;
  let officer: string;
  let mohammedConsentId: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
    // Two professionals of two organisations look at households: the log the officer will search.
    await hub.query(await hub.token(), CASE_SCREEN);
    await hub.query(await hub.token({ subject: 'pieter.devries', organisationId: 'wijkteam-west' }), '{ household(id: "hh-1002") { address { street } } }');
    officer = await hub.token({ role: 'hub-privacy-officer' });
    const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
    const { rows } = await db.query(`SELECT id FROM consent WHERE subject_key = $1 AND category = 'ggz'`, [protector.lookupKey('999906318')]);
    mohammedConsentId = rows[0].id;
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
  });

  it('finds the access records of one person by BSN, with the basis per field', async () => {
    const response = await hub.query(officer, RECORDS, { filter: { bsn: '999906318' } });
    expect(response.body.errors).toBeUndefined();
    const page = response.body.data!.accessRecords;
    expect(page.totalCount).toBe(1);
    expect(page.records[0]).toMatchObject({
      dataSubjectBsn: '999906318',
      professional: 'sanne.deboer',
      organisationId: 'wijkteam-oost',
      purpose: 'wijkteam-ondersteuning',
      serviceName: 'ontschot-gateway',
      processingActivityId: 'https://ontschot.example/verwerkingsactiviteiten/wijkteam-ondersteuning/v1',
    });
    expect(page.records[0].fieldBases).toContainEqual({ field: 'Care.inCare', basis: `consent:${mohammedConsentId}` });
  });

  it('filters by professional, by organisation and by time range, and pages with totals', async () => {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM audit_record WHERE organisation_id = 'wijkteam-oost'`);
    const byOrganisation = await hub.query(officer, RECORDS, { filter: { organisationId: 'wijkteam-oost' }, limit: 2, offset: 1 });
    expect(byOrganisation.body.data!.accessRecords).toMatchObject({ totalCount: rows[0].n, limit: 2, offset: 1 });
    expect(byOrganisation.body.data!.accessRecords.records).toHaveLength(2);

    const byProfessional = await hub.query(officer, RECORDS, { filter: { professional: 'pieter.devries' } });
    const west = byProfessional.body.data!.accessRecords;
    expect(west.totalCount).toBeGreaterThan(0);
    expect(west.records.every((record: { organisationId: string }) => record.organisationId === 'wijkteam-west')).toBe(true);

    const future = await hub.query(officer, RECORDS, { filter: { from: new Date(Date.now() + 60_000).toISOString() } });
    expect(future.body.data!.accessRecords.totalCount).toBe(0);
    // Counted before the search: the search's own records are written after it has read the log.
    const { rows: total } = await db.query('SELECT count(*)::int AS n FROM audit_record');
    const all = await hub.query(officer, RECORDS, { filter: { from: '2020-01-01T00:00:00Z', to: new Date(Date.now() + 60_000).toISOString() }, limit: 200 });
    expect(all.body.data!.accessRecords.totalCount).toBe(total[0].n);
  });

  it('gives the subject access report in Dutch, naming the consent behind the GGZ access', async () => {
    const response = await hub.query(officer, REPORT, { bsn: '999906318' });
    const report = response.body.data!.subjectAccessReport;
    // The wijkteam's one access, and the officer's own earlier reads of the log about this person.
    const wijkteam = report.accesses.filter((access: { purposeDescription: string }) => access.purposeDescription.startsWith('Integrale ondersteuning'));
    expect(wijkteam).toHaveLength(1);
    const supervision = report.accesses.filter((access: { purposeDescription: string }) => access.purposeDescription.startsWith('Toezicht op de verwerking'));
    expect(supervision.length).toBeGreaterThan(0);
    expect(report.accessCount).toBe(wijkteam.length + supervision.length);
    const [access] = wijkteam;
    expect(access.organisation).toBe('Sociaal Wijkteam Oost');
    expect(access.categories).toContain('Geestelijke gezondheidszorg, inclusief het feit dat iemand in zorg is');
    expect(access.bases).toContainEqual({ kind: 'toestemming', consentId: mohammedConsentId, name: null, description: 'Uw eigen toestemming' });
    expect(access.bases).toContainEqual(expect.objectContaining({ kind: 'wettelijke grondslag', name: 'wmo-wijkteam' }));
    expect(access.text).toContain(mohammedConsentId);
  });

  it('refuses every other role with FORBIDDEN', async () => {
    for (const role of ['wijkcoach', 'schuldhulpverlener', 'woonconsulent']) {
      const response = await hub.query(await hub.token({ role }), RECORDS, { filter: { bsn: '999906318' } });
      expect(response.body.data?.accessRecords ?? null).toBeNull();
      expect(response.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const report = await hub.query(await hub.token(), REPORT, { bsn: '999906318' });
    expect(report.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('rejects a BSN that fails the elfproef and bad paging without echoing the value', async () => {
    const badBsn = await hub.query(officer, RECORDS, { filter: { bsn: '123456789' } });
    expect(badBsn.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(badBsn.body)).not.toContain('123456789');
    const badReport = await hub.query(officer, REPORT, { bsn: '999906319' });
    expect(badReport.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badLimit = await hub.query(officer, RECORDS, { limit: 1000 });
    expect(badLimit.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badDate = await hub.query(officer, RECORDS, { filter: { from: 'yesterday' } });
    expect(badDate.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
