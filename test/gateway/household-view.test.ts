import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type TestHub } from '../support/hub.ts';
import { allDemoPeople } from '../../src/demo/population.ts';

const HOUSEHOLD_QUERY = /* GraphQL */ `
  query Household($id: ID!) {
    household(id: $id) {
      id
      address { street houseNumber houseNumberSuffix postcode city }
      regisseur { name organisation { id name } }
      involvement { organisation { id kind } since }
      members {
        id givenName familyName birthDate
        housing { rentArrearsAmount rentArrearsMonths nuisanceReportsCount evictionStatus }
        debt { caseStatus totalDebt creditorCount paymentArrangement budgetManagement }
        care { inCare trajectoryKind responsiblePractitioner crisisPlanPresent }
      }
    }
  }
`;

describeWithPostgres('household view for a wijkcoach', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database());
  });
  afterAll(async () => hub?.stop());

  it('returns housing, debt and consented GGZ data in one round trip', async () => {
    const response = await hub.query(await hub.token(), HOUSEHOLD_QUERY, { id: 'hh-1001' });
    expect(response.status).toBe(200);
    const household = response.body.data!.household;
    expect(household.address).toEqual({ street: 'Kanaalstraat', houseNumber: 112, houseNumberSuffix: 'bis', postcode: '3531CJ', city: 'Utrecht' });
    expect(household.regisseur.organisation.id).toBe('wijkteam-oost');
    expect(household.involvement.map((entry: any) => entry.organisation.kind)).not.toContain('MENTAL_HEALTH_CARE');
    const [mohammed, fatima, yasmina] = household.members;
    expect(mohammed.givenName).toBe('Mohammed');
    expect(mohammed.housing).toEqual({ rentArrearsAmount: 2146.2, rentArrearsMonths: 3, nuisanceReportsCount: 1, evictionStatus: 'SUMMONED' });
    expect(mohammed.debt).toMatchObject({ caseStatus: 'DEBT_SETTLEMENT', creditorCount: 13, budgetManagement: true });
    // Mohammed gave written consent for GGZ data to wijkteam-oost, purpose wijkteam-ondersteuning.
    expect(mohammed.care).toEqual({ inCare: true, trajectoryKind: 'SPECIALIST_GGZ', responsiblePractitioner: 'drs. M. Verhoeven (GZ-psycholoog)', crisisPlanPresent: true });
    expect(fatima.debt.totalDebt).toBe(4120);
    // Yasmina is unknown to every partner: null without errors, except the consent check for care.
    expect(yasmina.housing).toBeNull();
    expect(yasmina.debt).toBeNull();
    expect(errorsAt(response, 'household', 'members', 0)).toEqual([]);
  });

  it('withholds GGZ data with CONSENT_REQUIRED when there is no consent, and says which consent would do', async () => {
    const response = await hub.query(await hub.token(), HOUSEHOLD_QUERY, { id: 'hh-1003' });
    const linda = response.body.data!.household.members[0];
    expect(linda.givenName).toBe('Linda');
    expect(linda.care).toBeNull();
    expect(linda.housing.evictionStatus).toBe('EVICTION_SCHEDULED');
    const [error] = errorsAt(response, 'household', 'members', 0, 'care');
    expect(error.extensions).toMatchObject({
      code: 'CONSENT_REQUIRED',
      category: 'ggz',
      requiredConsent: { category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning' },
    });
    assertNoPersonalData(JSON.stringify(response.body.errors));
  });

  it('treats withdrawn and expired consent as no consent', async () => {
    const response = await hub.query(await hub.token(), `query { households(ids: ["hh-1005", "hh-1006"]) { members { givenName care { inCare } } } }`);
    const [visser, mulderKok] = response.body.data!.households;
    expect(visser.members[0].care).toBeNull(); // consent withdrawn on 2026-10-01
    expect(mulderKok.members[1].givenName).toBe('Daan');
    expect(mulderKok.members[1].care).toBeNull(); // consent expired on 2025-06-30
    const codes = (response.body.errors ?? []).map((error) => `${error.path?.join('.')}:${error.extensions?.code}`);
    expect(codes).toEqual(expect.arrayContaining(['households.0.members.0.care:CONSENT_REQUIRED', 'households.1.members.1.care:CONSENT_REQUIRED']));
  });

  it('finds a household by member BSN and by address, and rejects an invalid BSN without echoing it', async () => {
    const token = await hub.token();
    const byBsn = await hub.query(token, `query ($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }`, { bsn: '999925982' });
    expect(byBsn.body.data!.householdByMemberBsn).toEqual({ id: 'hh-1004' });
    const byAddress = await hub.query(token, `{ householdByAddress(postcode: "3531 cj", houseNumber: 112, houseNumberSuffix: "BIS") { id } }`);
    expect(byAddress.body.data!.householdByAddress).toEqual({ id: 'hh-1001' });
    const invalid = await hub.query(token, `query ($bsn: String!) { householdByMemberBsn(bsn: $bsn) { id } }`, { bsn: '123456789' });
    expect(invalid.body.data!.householdByMemberBsn).toBeNull();
    expect(invalid.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(invalid.body)).not.toContain('123456789');
    const unknownAddress = await hub.query(token, `{ householdByAddress(postcode: "1234", houseNumber: 1) { id } }`);
    expect(unknownAddress.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('withholds fields with FORBIDDEN for a role the policy does not name, and PURPOSE_MISMATCH for another purpose', async () => {
    const debtWorker = await hub.query(await hub.token({ role: 'schuldhulpverlener' }), HOUSEHOLD_QUERY, { id: 'hh-1002' });
    expect(debtWorker.body.data!.household.address).toBeNull();
    expect(errorsAt(debtWorker, 'household', 'address')[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'adres' });

    const otherPurpose = await hub.query(await hub.token({ purpose: 'vroegsignalering-schulden' }), HOUSEHOLD_QUERY, { id: 'hh-1001' });
    expect(otherPurpose.body.data!.household.members).toBeNull();
    expect(errorsAt(otherPurpose, 'household', 'members')[0].extensions).toMatchObject({
      code: 'PURPOSE_MISMATCH',
      visibleWith: [{ basis: 'wmo-wijkteam', roles: ['wijkcoach'], purposes: ['wijkteam-ondersteuning'], outcome: 'PURPOSE_NOT_COVERED' }],
    });

    const privacyOfficer = await hub.query(await hub.token({ role: 'privacy-officer' }), HOUSEHOLD_QUERY, { id: 'hh-1001' });
    expect(privacyOfficer.body.data!.household).toBeNull();
    expect(privacyOfficer.body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('a consent only counts for the organisation it was given to', async () => {
    // Wijkteam West, involved with hh-1001 too (else NOT_INVOLVED would hide everything, consent or not):
    // Mohammed's GGZ consent is for wijkteam Oost, so West sees the rest of him but not his care.
    const prisma = hub.database.prisma;
    const involvement = await prisma.involvement.create({ data: { householdId: 'hh-1001', organisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning', since: '2026-01-05' } });
    try {
      const response = await hub.query(await hub.token({ organisationId: 'wijkteam-west' }), HOUSEHOLD_QUERY, { id: 'hh-1001' });
      const mohammed = response.body.data!.household.members[0];
      expect(mohammed.givenName).toBe('Mohammed');
      expect(mohammed.housing.evictionStatus).toBe('SUMMONED');
      expect(mohammed.care).toBeNull();
      expect(errorsAt(response, 'household', 'members', 0, 'care')[0].extensions).toMatchObject({
        code: 'CONSENT_REQUIRED',
        requiredConsent: { category: 'ggz', granteeOrganisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning' },
      });
    } finally {
      await prisma.involvement.delete({ where: { id: involvement.id } });
    }
    const oost = await hub.query(await hub.token(), HOUSEHOLD_QUERY, { id: 'hh-1001' });
    expect(oost.body.data!.household.members[0].care.inCare).toBe(true);
  });
});

describe('the message of a withheld field', () => {
  it('is checked against every demo name and BSN', () => {
    expect(() => assertNoPersonalData('Consent of Linda Bakker is required')).toThrow();
    expect(() => assertNoPersonalData('Consent of this person is required')).not.toThrow();
  });
});

function assertNoPersonalData(text: string): void {
  for (const person of allDemoPeople()) {
    for (const value of [person.bsn, person.givenName, person.familyName, person.birthDate]) {
      if (text.includes(value)) throw new Error(`personal data in: ${text}`);
    }
  }
}
