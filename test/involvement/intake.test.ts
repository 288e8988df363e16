import { beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, type TestHub } from '../support/hub.ts';
import { useHubWithClient } from '../audit/hub-with-client.ts';
import { allDemoPeople } from '../../src/demo/population.ts';
import { isValidBsn } from '../../src/domain/bsn.ts';
import { activeInvolvements, recordsOfTrace, REGISTER_INTAKE, westToken } from './involvement-helpers.ts';

/**
 * The aanmelding (Mutation.registerIntake): a wijkteam becomes involved with a household, found by a
 * member's BSN or by address, and a household the hub does not know is created. What it creates only
 * the registering wijkteam sees; the BSN is stored hashed and encrypted only.
 */

const HOUSEHOLD = /* GraphQL */ `
  query Household($id: ID!) {
    household(id: $id) {
      id
      address { street houseNumber houseNumberSuffix postcode city }
      regisseur { organisation { id } }
      involvement { organisation { id } purpose since until }
      members { givenName familyName birthDate bsn }
    }
  }
`;

/** Valid (elfproef) BSNs that no demo person has. */
function newBsns(count: number): string[] {
  const known = new Set(allDemoPeople().map((person) => person.bsn));
  const found: string[] = [];
  for (let n = 123_456_000; found.length < count; n++) {
    const bsn = String(n);
    if (isValidBsn(bsn) && !known.has(bsn)) found.push(bsn);
  }
  return found;
}

const today = new Date().toISOString().slice(0, 10);

describeWithPostgres('registerIntake', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  const [lotteBsn, daanBsn, unusedBsn] = newBsns(3);
  beforeAll(() => {
    hub = setup.hub();
    db = setup.db();
  });

  async function rowCounts() {
    const { rows } = await db.query(`SELECT (SELECT count(*) FROM household)::int AS households, (SELECT count(*) FROM person)::int AS people, (SELECT count(*) FROM involvement)::int AS involvements`);
    return rows[0];
  }

  it('at an unknown address with a new resident creates a household that the caller sees and wijkteam Oost does not', async () => {
    const west = await westToken(hub);
    const input = {
      address: { postcode: '3581 ab', houseNumber: 10, houseNumberSuffix: 'b', street: 'Maliebaan', city: 'Utrecht' },
      resident: { bsn: lotteBsn, givenName: 'Lotte', familyName: 'Jansen', birthDate: '1990-05-17' },
    };
    const intake = await hub.query(west, REGISTER_INTAKE, { input });
    expect(intake.body.errors).toBeUndefined();
    const { created, alreadyInvolved, household } = intake.body.data!.registerIntake;
    expect({ created, alreadyInvolved }).toEqual({ created: true, alreadyInvolved: false });
    expect(household.id).toMatch(/^hh-[0-9a-f-]{36}$/);

    const seen = await hub.query(west, HOUSEHOLD, { id: household.id });
    expect(seen.body.errors).toBeUndefined();
    expect(seen.body.data!.household).toEqual({
      id: household.id,
      address: { street: 'Maliebaan', houseNumber: 10, houseNumberSuffix: 'b', postcode: '3581AB', city: 'Utrecht' },
      regisseur: { organisation: { id: 'wijkteam-west' } },
      involvement: [{ organisation: { id: 'wijkteam-west' }, purpose: 'wijkteam-ondersteuning', since: today, until: null }],
      members: [{ givenName: 'Lotte', familyName: 'Jansen', birthDate: '1990-05-17', bsn: lotteBsn }],
    });

    const oost = await hub.token();
    const hidden = await hub.query(oost, HOUSEHOLD, { id: household.id });
    expect(hidden.body.data!.household).toEqual({ id: household.id, address: null, regisseur: null, involvement: null, members: null });
    expect(errorsAt(hidden, 'household', 'members')[0].extensions).toMatchObject({ code: 'NOT_INVOLVED', requiredInvolvement: { organisationId: 'wijkteam-oost' } });
    const byBsn = await hub.query(oost, 'query($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }', { bsn: lotteBsn });
    expect(byBsn.body).toMatchObject({ data: { householdByMemberBsn: null } });
    expect(byBsn.body.errors).toBeUndefined();
    const byAddress = await hub.query(oost, '{ householdByAddress(postcode: "3581AB", houseNumber: 10, houseNumberSuffix: "B") { id } }');
    expect(byAddress.body.data!.householdByAddress).toBeNull();

    // The BSN is stored only as its keyed hash and encrypted, never in clear text.
    const { rows } = await db.query('SELECT row_to_json(p)::text AS line, bsn_hash FROM person p WHERE household_id = $1', [household.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].line).not.toContain(lotteBsn);
    // One access record, about the new resident, under the key the person's later records get.
    const records = await recordsOfTrace(db, intake.body.extensions!.traceId);
    expect(records).toEqual([expect.objectContaining({
      subject_kind: 'PERSON', subject_key: rows[0].bsn_hash, organisation_id: 'wijkteam-west', name: 'Intake',
      fields_released: ['Mutation.registerIntake'], fields_withheld: [], field_bases: { 'Mutation.registerIntake': 'wmo-wijkteam' },
    })]);

    // The same intake again: nothing new, and it says so.
    const before = await rowCounts();
    const again = await hub.query(west, REGISTER_INTAKE, { input });
    expect(again.body.data!.registerIntake).toEqual({ created: false, alreadyInvolved: true, household: { id: household.id } });
    expect(await rowCounts()).toEqual(before);
    expect(await activeInvolvements(db, household.id)).toEqual(['wijkteam-west/wijkteam-ondersteuning']);
  });

  it('by the BSN of someone the hub does not know creates their household from the resident and their address', async () => {
    const west = await westToken(hub);
    const resident = { givenName: 'Daan', familyName: 'de Wit', birthDate: '1984-02-29', address: { postcode: '3572AA', houseNumber: 5, street: 'Biltstraat', city: 'Utrecht' } };
    const intake = await hub.query(west, REGISTER_INTAKE, { input: { bsn: daanBsn, resident } });
    expect(intake.body.errors).toBeUndefined();
    expect(intake.body.data!.registerIntake).toMatchObject({ created: true, alreadyInvolved: false });
    const found = await hub.query(west, 'query($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id members { givenName } } }', { bsn: daanBsn });
    expect(found.body.data!.householdByMemberBsn).toEqual({ id: intake.body.data!.registerIntake.household.id, members: [{ givenName: 'Daan' }] });
  });

  it('links an existing household and is idempotent for an organisation already involved', async () => {
    const oost = await hub.token();
    const before = await rowCounts();
    const intake = await hub.query(oost, REGISTER_INTAKE, { input: { address: { postcode: '3572AS', houseNumber: 201 } } });
    expect(intake.body.data!.registerIntake).toEqual({ created: false, alreadyInvolved: true, household: { id: 'hh-1002' } });
    expect(await rowCounts()).toEqual(before);
    // Still a processing of hh-1002's data: one record for its one member.
    expect(await recordsOfTrace(db, intake.body.extensions!.traceId)).toEqual([expect.objectContaining({ subject_kind: 'PERSON', fields_released: ['Mutation.registerIntake'] })]);
  });

  const complete = { givenName: 'Sam', familyName: 'Peters', birthDate: '1975-01-01' };
  const unknownAddress = { postcode: '3511AA', houseNumber: 1, street: 'Domplein', city: 'Utrecht' };
  it.each([
    ['neither bsn nor address', {}, 'input'],
    ['both bsn and address', { bsn: '999906318', address: { postcode: '3531CJ', houseNumber: 112 } }, 'input'],
    ['a BSN failing the elfproef', { bsn: '999906319' }, 'input.bsn'],
    ['a postcode that is none', { address: { postcode: '0531CJ', houseNumber: 112 } }, 'input.address.postcode'],
    ['house number 0', { address: { postcode: '3531CJ', houseNumber: 0 } }, 'input.address.houseNumber'],
    ['a BSN in the street name', { address: { ...unknownAddress, street: 'Straat 999906318' }, resident: { ...complete, bsn: 'UNUSED' } }, 'input.address.street'],
    ['a birth date that does not exist', { bsn: 'UNUSED', resident: { ...complete, birthDate: '1990-02-30', address: unknownAddress } }, 'input.resident.birthDate'],
    ['a birth date in the future', { bsn: 'UNUSED', resident: { ...complete, birthDate: '2999-01-01', address: unknownAddress } }, 'input.resident.birthDate'],
    ['a birth date that is a date-time', { bsn: 'UNUSED', resident: { ...complete, birthDate: '1990-01-01T00:00:00Z', address: unknownAddress } }, 'input.resident.birthDate'],
    ['a name of 101 characters', { bsn: 'UNUSED', resident: { ...complete, familyName: 'x'.repeat(101), address: unknownAddress } }, 'input.resident.familyName'],
    ['a BSN as given name', { bsn: 'UNUSED', resident: { ...complete, givenName: '999906318', address: unknownAddress } }, 'input.resident.givenName'],
    ['an empty given name', { bsn: 'UNUSED', resident: { ...complete, givenName: '  ', address: unknownAddress } }, 'input.resident.givenName'],
    ['a second BSN for a BSN intake', { bsn: 'UNUSED', resident: { ...complete, bsn: '999906318', address: unknownAddress } }, 'input.resident.bsn'],
    ['an unknown person without resident', { bsn: 'UNUSED' }, 'input.resident'],
    ['an unknown person without address', { bsn: 'UNUSED', resident: complete }, 'input.resident.address'],
    ['an unknown person\'s address without city', { bsn: 'UNUSED', resident: { ...complete, address: { ...unknownAddress, city: null } } }, 'input.resident.address.city'],
    ['an unknown address without street', { address: { ...unknownAddress, street: ' ' }, resident: { ...complete, bsn: 'UNUSED' } }, 'input.address.street'],
    ['an unknown address without resident BSN', { address: unknownAddress, resident: complete }, 'input.resident.bsn'],
    ['an unknown address whose resident lives elsewhere', { address: unknownAddress, resident: { ...complete, bsn: '999906318' } }, 'input.resident.bsn'],
  ])('refuses %s with BAD_USER_INPUT naming %s, writes nothing and never echoes a BSN', async (_name, rawInput, argument) => {
    const input = JSON.parse(JSON.stringify(rawInput).replaceAll('UNUSED', unusedBsn));
    const before = await rowCounts();
    const response = await hub.query(await westToken(hub), REGISTER_INTAKE, { input });
    expect(response.body.data).toEqual({ registerIntake: null });
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    expect(JSON.stringify(response.body)).not.toMatch(/999906318|999906319/);
    expect(JSON.stringify(response.body)).not.toContain(unusedBsn);
    expect(await rowCounts()).toEqual(before);
  });
});
