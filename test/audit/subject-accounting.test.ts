import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { useHubWithClient } from './hub-with-client.ts';
import type { TestHub } from '../support/hub.ts';
import { DEMO_HOUSEHOLDS, demoHouseholdsOf } from '../../src/demo/population.ts';
import { createSubjectProtector, type SubjectProtector } from '../../src/crypto/subject-protection.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';

const LINDA = '999918369';

describeWithPostgres('whose data a value is: decided by the hub, not by the client', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  let protector: SubjectProtector;
  beforeAll(async () => {
    hub = setup.hub();
    db = setup.db();
    protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
  });
  beforeEach(async () => {
    await db.query('DELETE FROM audit_record');
  });

  async function rowsOfTrace(traceId: string) {
    const { rows } = await db.query('SELECT * FROM audit_record WHERE trace_id = $1', [traceId]);
    return rows;
  }

  it('a household query that skips every id still leaves a record for every member released', async () => {
    // All demo households; the demo wijkcoach's wijkteam-oost is involved with most of them (need to know).
    const ids = DEMO_HOUSEHOLDS.map((household) => household.id);
    const involved = new Set(demoHouseholdsOf('wijkteam-oost').map((household) => household.id));
    const response = await hub.query(
      await hub.token(),
      `query($ids: [ID!]!) { households(ids: $ids) { id @skip(if: true) address { street } members { id @skip(if: true) bsn givenName familyName birthDate } } }`,
      { ids },
    );
    expect(response.status).toBe(200);
    const members = (response.body.data!.households as { members: { bsn: string }[] | null }[]).flatMap((household) => household.members ?? []);
    expect(members.length).toBeGreaterThan(10);
    const rows = await rowsOfTrace(response.body.extensions!.traceId);
    const recorded = new Set(rows.map((row) => row.subject_key));
    for (const member of members) {
      expect(member.bsn).toMatch(/^\d{9}$/);
      expect(recorded.has(protector.lookupKey(member.bsn))).toBe(true);
    }
    const released = new Set(members.map((member) => protector.lookupKey(member.bsn)));
    for (const row of rows.filter((row) => released.has(row.subject_key))) expect(row.fields_released).toEqual(expect.arrayContaining(['Person.bsn', 'Person.givenName', 'Household.address']));
    // Members of households wijkteam Oost is not involved with (hh-1008, hh-1009): recorded as withheld, nothing released.
    const others = DEMO_HOUSEHOLDS.filter((household) => !involved.has(household.id)).flatMap((household) => household.members);
    expect(others.length).toBe(3);
    for (const person of others) {
      const row = rows.find((candidate) => candidate.subject_key === protector.lookupKey(person.bsn));
      expect(row).toMatchObject({ fields_released: [], fields_withheld: expect.arrayContaining(['Household.address', 'Household.members']) });
    }
  });

  it('aliasing another field onto `id` changes nothing about whose record is written', async () => {
    const response = await hub.query(
      await hub.token(),
      `query($b: String!) { personByBsn(bsn: $b) { id: familyName bsn birthDate housing { rentArrearsAmount } debt { totalDebt } } }`,
      { b: LINDA },
    );
    expect(response.status).toBe(200);
    const person = response.body.data!.personByBsn;
    expect(person.id).toBe('Bakker');
    expect(person.housing?.rentArrearsAmount).toBeGreaterThan(0);
    const rows = await rowsOfTrace(response.body.extensions!.traceId);
    expect(rows).toHaveLength(1);
    expect(rows[0].subject_key).toBe(protector.lookupKey(LINDA));
    expect(rows[0].fields_released).toEqual(expect.arrayContaining(['Person.bsn', 'Person.birthDate', 'Person.housing', 'Housing.rentArrearsAmount', 'Person.debt', 'Debt.totalDebt']));
  });
});
