import { beforeAll, beforeEach, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { useHubWithClient } from './hub-with-client.ts';
import { errorsAt, type TestHub } from '../support/hub.ts';
import { allDemoPeople, DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';

const QUERY = /* GraphQL */ `
  query CaseScreen($id: ID!) {
    household(id: $id) {
      address { street }
      members { givenName housing { rentArrearsMonths } care { inCare } }
    }
  }
`;

const allDemoHouseholdIds = () => DEMO_HOUSEHOLDS.map((household) => household.id);

describeWithPostgres('audit trail of every query', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  beforeAll(() => {
    hub = setup.hub();
    db = setup.db();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM audit_record');
  });

  async function auditRows() {
    const { rows } = await db.query('SELECT * FROM audit_record ORDER BY fields_released');
    return rows;
  }

  it('writes one record per person touched, with who, why, what was released and what withheld', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await hub.query(await hub.token(), QUERY, { id: 'hh-1003' }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(response.body.extensions!.traceId).toBe(traceId);
    const rows = await auditRows();
    expect(rows).toHaveLength(3); // Linda, Sem and Noa
    const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
    const linda = rows.find((row) => row.subject_key === protector.lookupKey('999918369'))!;
    expect(linda).toMatchObject({
      trace_id: traceId,
      name: 'CaseScreen',
      professional: 'sanne.deboer',
      organisation_id: 'wijkteam-oost',
      roles: ['wijkcoach'],
      purpose: 'wijkteam-ondersteuning',
    });
    expect(linda.fields_released).toEqual(expect.arrayContaining(['Household.address', 'Address.street', 'Person.givenName', 'Person.housing', 'Housing.rentArrearsMonths']));
    expect(linda.fields_withheld).toEqual(['Person.care']);
    expect(protector.decrypt(linda.subject_encrypted)).toBe('999918369');
    for (const row of rows) expect(row.trace_id).toBe(traceId);
  });

  it('writes LDV-shaped records: span, parent span, foreign operation, resource, processing activity, basis per field', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';
    const before = Date.now();
    const response = await hub.query(await hub.token(), QUERY, { id: 'hh-1001' }, { traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(response.status).toBe(200);
    const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
    const rows = await auditRows();
    const mohammed = rows.find((row) => row.subject_key === protector.lookupKey('999906318'))!;
    const { rows: consents } = await db.query(`SELECT id FROM consent WHERE subject_key = $1 AND category = 'ggz'`, [protector.lookupKey('999906318')]);
    expect(mohammed).toMatchObject({
      trace_id: traceId,
      parent_span_id: callerSpan,
      status_code: 'OK',
      name: 'CaseScreen',
      foreign_operation: { trace_id: traceId, span_id: callerSpan, entity: 'urn:ontschot:organisatie:wijkteam-oost' },
      resource: { 'service.name': 'ontschot-gateway', 'service.version': expect.stringMatching(/^\d+\.\d+\.\d+/) },
      processing_activity_id: 'https://ontschot.example/verwerkingsactiviteiten/wijkteam-ondersteuning/v1',
    });
    expect(mohammed.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(mohammed.span_id).not.toBe(callerSpan);
    expect(mohammed.start_time.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(mohammed.end_time.getTime()).toBeGreaterThanOrEqual(mohammed.start_time.getTime());
    expect(mohammed.field_bases).toMatchObject({
      'Household.address': 'wmo-wijkteam',
      'Housing.rentArrearsMonths': 'wmo-wijkteam',
      'Person.care': `consent:${consents[0].id}`,
      'Care.inCare': `consent:${consents[0].id}`,
    });
    expect(Object.keys(mohammed.field_bases).sort()).toEqual(mohammed.fields_released);
    // Every record of the request shares the gateway's span: that is where adapter records point to.
    expect(new Set(rows.map((row) => row.span_id)).size).toBe(1);
    const { rows: register } = await db.query('SELECT purpose, version, uri FROM processing_activity ORDER BY purpose');
    expect(register.map((entry) => entry.purpose)).toEqual(['privacy-toezicht', 'vroegsignalering-schulden', 'wijkteam-ondersteuning']);
  });

  it('leaves exactly one gateway record per person touched by a query over all demo households', async () => {
    const ids = allDemoHouseholdIds();
    const response = await hub.query(await hub.token(), `query All($ids: [ID!]!) { households(ids: $ids) { address { street } members { givenName housing { rentArrearsMonths } care { inCare } } } }`, { ids });
    expect(response.status).toBe(200);
    expect(response.body.data!.households).toHaveLength(ids.length);
    const rows = await auditRows();
    const people = allDemoPeople();
    expect(rows).toHaveLength(people.length);
    const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
    expect(new Set(rows.map((row) => row.subject_key))).toEqual(new Set(people.map((person) => protector.lookupKey(person.bsn))));
    expect(new Set(rows.map((row) => row.trace_id)).size).toBe(1);
  });

  it('stores no BSN in clear text anywhere in the database', async () => {
    await hub.query(await hub.token(), QUERY, { id: 'hh-1001' });
    await hub.query(await hub.token(), 'query ($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }', { bsn: '999906318' });
    const { rows: columns } = await db.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'ARRAY', 'jsonb')`,
    );
    expect(columns.length).toBeGreaterThan(10);
    for (const { table_name, column_name } of columns) {
      const { rows } = await db.query(`SELECT "${column_name}"::text AS value FROM "${table_name}"`);
      const text = rows.map((row) => row.value).join('\n');
      for (const person of allDemoPeople()) expect(text.includes(person.bsn), `${table_name}.${column_name} holds a BSN`).toBe(false);
    }
    expect(await auditRows()).not.toHaveLength(0);
  });

  it('returns no personal data when the audit log cannot be written', async () => {
    await db.query('ALTER TABLE audit_record RENAME TO audit_record_offline');
    try {
      const response = await hub.query(await hub.token(), QUERY, { id: 'hh-1001' });
      expect(response.status).toBe(503);
      expect(response.body.data).toBeNull();
      expect(response.body.errors).toEqual([{ message: 'The access log cannot be written; no personal data is returned', extensions: { code: 'AUDIT_UNAVAILABLE' } }]);
      expect(JSON.stringify(response.body)).not.toContain('Kanaalstraat');
    } finally {
      await db.query('ALTER TABLE audit_record_offline RENAME TO audit_record');
    }
    const recovered = await hub.query(await hub.token(), QUERY, { id: 'hh-1001' });
    expect(recovered.body.data!.household.address.street).toBe('Kanaalstraat');
  });

  it('withholds consent-based fields when the consent store cannot be read, and logs that', async () => {
    await db.query('ALTER TABLE consent RENAME TO consent_offline');
    try {
      const response = await hub.query(await hub.token(), QUERY, { id: 'hh-1001' });
      const mohammed = response.body.data!.household.members[0];
      expect(mohammed.care).toBeNull(); // he has consent, but it cannot be checked
      expect(mohammed.housing.rentArrearsMonths).toBe(3); // a legal basis needs no consent look-up
      expect(errorsAt(response, 'household', 'members', 0, 'care')[0].extensions).toMatchObject({ code: 'CONSENT_UNAVAILABLE', category: 'ggz' });
    } finally {
      await db.query('ALTER TABLE consent_offline RENAME TO consent');
    }
    const rows = await auditRows();
    expect(rows.every((row) => row.fields_withheld.includes('Person.care'))).toBe(true);
  });

  it('records a look-up that asks only for the id: it tells that the household is a wijkteam client', async () => {
    await hub.query(await hub.token(), '{ household(id: "hh-1001") { id } }');
    const rows = await auditRows();
    const members = DEMO_HOUSEHOLDS.find((household) => household.id === 'hh-1001')!.members;
    expect(rows).toHaveLength(members.length);
    for (const row of rows) expect(row).toMatchObject({ subject_kind: 'PERSON', lookups: ['Query.household'], fields_released: [] });
  });

  it('writes nothing for a query that touches no personal data and looks nobody up', async () => {
    const response = await hub.query(await hub.token(), '{ explainAccess(personId: "p-nobody-1", field: "Care.inCare") @skip(if: true) { field } }');
    expect(response.status).toBe(200);
    expect(await auditRows()).toHaveLength(0);
  });
});
