import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type TestHub } from '../support/hub.ts';
import { allDemoPeople } from '../../src/demo/population.ts';
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

describeWithPostgres('audit trail of every query', (database) => {
  let hub: TestHub;
  let db: pg.Client;
  beforeAll(async () => {
    hub = await startTestHub(database());
    db = new pg.Client({ connectionString: database().url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await hub?.stop();
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
      operation_name: 'CaseScreen',
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

  it('writes nothing for a query that touches no personal data', async () => {
    await hub.query(await hub.token(), '{ household(id: "hh-1001") { id } }');
    expect(await auditRows()).toHaveLength(0);
  });
});
