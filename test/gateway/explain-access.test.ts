import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type TestHub } from '../support/hub.ts';
import { DOMAINS } from '../../src/domain/partner-domains.ts';

const EXPLAIN = /* GraphQL */ `
  query Explain($personId: ID!, $field: String!) {
    explainAccess(personId: $personId, field: $field) {
      field category visible code reason releasedOn consentId
      options { basis kind description roles purposes outcome requiredConsent { category granteeOrganisationId purpose } }
    }
  }
`;

describeWithPostgres('explainAccess: why a field is visible or not', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database());
  });
  afterAll(async () => hub?.stop());

  it('names the consent a visible GGZ field is released on, without asking any partner', async () => {
    for (const domain of DOMAINS) hub.partners[domain]!.resetCount();
    const response = await hub.query(await hub.token(), EXPLAIN, { personId: 'p-2001', field: 'Care.inCare' });
    const explanation = response.body.data!.explainAccess;
    expect(explanation).toMatchObject({ field: 'Care.inCare', category: 'ggz', visible: true, code: null, releasedOn: 'consent' });
    const consent = await hub.database.prisma.consent.findUnique({ where: { id: explanation.consentId } });
    expect(consent).toMatchObject({ category: 'ggz', granteeOrganisationId: 'wijkteam-oost' });
    for (const domain of DOMAINS) expect({ domain, requests: hub.partners[domain]!.requestCount() }).toEqual({ domain, requests: 0 });
  });

  it('gives the same decision trace as the error of the withheld field', async () => {
    const token = await hub.token();
    const explained = (await hub.query(token, EXPLAIN, { personId: 'p-2005', field: 'Care.inCare' })).body.data!.explainAccess;
    expect(explained).toMatchObject({
      visible: false,
      code: 'CONSENT_REQUIRED',
      options: [{ basis: 'consent', kind: 'CONSENT', outcome: 'CONSENT_MISSING', requiredConsent: { category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning' } }],
    });
    const queried = await hub.query(token, `query { household(id: "hh-1003") { members { id care { inCare } } } }`);
    const error = errorsAt(queried, 'household', 'members', 0, 'care')[0];
    expect(error.extensions).toMatchObject({ code: explained.code, requiredConsent: explained.options[0].requiredConsent });
    expect(error.extensions!.visibleWith).toEqual([
      { basis: 'consent', roles: ['wijkcoach'], purposes: ['wijkteam-ondersteuning'], outcome: 'CONSENT_MISSING', requiredConsent: explained.options[0].requiredConsent },
    ]);
  });

  it('explains a legal basis with its description, and what a purpose mismatch lacks', async () => {
    const debtWorker = await hub.token({ role: 'schuldhulpverlener', purpose: 'wijkteam-ondersteuning', organisationId: 'schuldhulp-gemeente' });
    const explanation = (await hub.query(debtWorker, EXPLAIN, { personId: 'p-2001', field: 'Housing.rentArrearsTwoMonthsOrMore' })).body.data!.explainAccess;
    expect(explanation).toMatchObject({ visible: false, code: 'PURPOSE_MISMATCH' });
    expect(explanation.options.map((option: any) => [option.basis, option.outcome])).toEqual([
      ['wmo-wijkteam', 'ROLE_NOT_COVERED'],
      ['wgs-vroegsignalering', 'PURPOSE_NOT_COVERED'],
    ]);
    expect(explanation.options[1]).toMatchObject({ kind: 'LEGAL', roles: ['schuldhulpverlener'], purposes: ['vroegsignalering-schulden'] });
    expect(explanation.options[1].description).toMatch(/schuldhulpverlening/);
  });

  it('refuses an unknown field or person with a clear error', async () => {
    const token = await hub.token();
    const unknownField = await hub.query(token, EXPLAIN, { personId: 'p-2001', field: 'Care.diagnosis' });
    expect(unknownField.body.errors![0]).toMatchObject({ message: expect.stringMatching(/Unknown field/), extensions: { code: 'BAD_USER_INPUT', argument: 'field' } });
    const unknownPerson = await hub.query(token, EXPLAIN, { personId: 'p-9999', field: 'Care.inCare' });
    expect(unknownPerson.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'personId' });
  });
});
