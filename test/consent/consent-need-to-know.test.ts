/**
 * Consents follow need to know, over HTTP on PostgreSQL. A wijkcoach of wijkteam-west, with no link to
 * the oost household of Mohammed (hh-1001), tries the self-granted GGZ sequence step by step: every step
 * is refused with FORBIDDEN or BAD_USER_INPUT naming the argument, and his GGZ care stays withheld. A
 * resident outside the caller's involvement answers exactly as one the hub does not know, and the attempt
 * is still recorded. A GGZ consent is itself health data: only its grantee organisation sees it, while a
 * non-special consent is visible to every organisation involved.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { isValidBsn } from '../../src/domain/bsn.ts';
import { allDemoPeople } from '../../src/demo/population.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type GraphQLResponse, type TestHub } from '../support/hub.ts';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordConsentInput!) { recordConsent(input: $input) { receipt consent { id status category granteeOrganisationId } } }
`;
const CONFIRM = /* GraphQL */ `
  mutation Confirm($id: ID!) { confirmConsent(id: $id) { id status } }
`;
const WITHDRAW = /* GraphQL */ `
  mutation Withdraw($id: ID!, $onBehalfOfResident: OnBehalfOfResidentInput) {
    withdrawConsent(id: $id, reason: "Inwoner belde", onBehalfOfResident: $onBehalfOfResident) { id status }
  }
`;
const LIST = /* GraphQL */ `
  query List($bsn: String!) { consentsOf(bsn: $bsn) { id status category granteeOrganisationId confirmedAt confirmedBy fhir } }
`;
const CARE = /* GraphQL */ `
  query Care($bsn: String!) { householdByMemberBsn(bsn: $bsn) { members { givenName care { inCare } } } }
`;

const people = allDemoPeople();
const mohammed = people.find((person) => person.bsn === '999906318')!; // hh-1001 (wijkteam-oost), active GGZ consent for oost
const sevda = people.find((person) => person.givenName === 'Sevda')!; // hh-1008 (wijkteam-west)
const demoBsns = new Set(people.map((person) => person.bsn));
const unknownBsn = (() => {
  for (let n = 999990000; ; n++) if (isValidBsn(String(n)) && !demoBsns.has(String(n))) return String(n);
})();

function selfGrant(overrides: Record<string, unknown> = {}) {
  return {
    bsn: mohammed.bsn, givenBy: 'DATA_SUBJECT', evidenceMethod: 'VERBAL', evidenceReference: 'trust me', category: 'ggz',
    granteeOrganisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning', ...overrides,
  };
}

/** The answer as the client sees it, without the request's own trace id. */
function answer(response: GraphQLResponse) {
  const { extensions: _extensions, ...body } = response.body;
  return { status: response.status, body };
}

function refusal(response: GraphQLResponse) {
  expect(response.body.errors).toHaveLength(1);
  return { code: response.body.errors![0].extensions?.code, argument: response.body.errors![0].extensions?.argument };
}

describeWithPostgres('consents follow need to know', (database) => {
  let hub: TestHub;
  let oost: string;
  let west: string;
  let oostGgzConsentId: string;
  const consentRows = () => hub.database.prisma.consent.count();
  const personKey = async (id: string) => (await hub.database.prisma.person.findUniqueOrThrow({ where: { id } })).bsnHash;

  beforeAll(async () => {
    hub = await startTestHub(database());
    oost = await hub.token();
    west = await hub.token({ subject: 'noor.visser', organisationId: 'wijkteam-west' });
    const key = await personKey(mohammed.id);
    oostGgzConsentId = (await hub.database.prisma.consent.findFirstOrThrow({ where: { subjectKey: key, category: 'ggz', granteeOrganisationId: 'wijkteam-oost' } })).id;
  });
  afterAll(async () => hub?.stop());

  it('refuses every step of the self-granted GGZ sequence by a wijkteam-west wijkcoach, and Mohammed\'s care stays withheld', async () => {
    const rows = await consentRows();
    // 1. Find out whether Mohammed has a GGZ consent: an answer as for an unknown resident.
    const listed = await hub.query(west, LIST, { bsn: mohammed.bsn });
    expect(answer(listed)).toEqual(answer(await hub.query(west, LIST, { bsn: unknownBsn })));
    expect(listed.body.data!.consentsOf).toEqual([]);

    // 2. Record a GGZ consent for the own organisation, backdated, with "trust me" as evidence.
    const backdated = await hub.query(west, RECORD, { input: selfGrant({ validFrom: '2026-01-01' }) });
    expect(refusal(backdated)).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.validFrom' });
    expect(backdated.body.errors![0].message).toContain('consent is not backdated');

    // 3. The same without backdating: the household is none of west's business.
    const recorded = await hub.query(west, RECORD, { input: selfGrant() });
    expect(refusal(recorded)).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.bsn' });
    expect(recorded.body.data?.recordConsent ?? null).toBeNull();
    expect(await consentRows()).toBe(rows);

    // 4. Confirm oost's consent, or withdraw it (plain, or "on the resident's behalf"): no such consent.
    for (const attempt of [
      hub.query(west, CONFIRM, { id: oostGgzConsentId }),
      hub.query(west, WITHDRAW, { id: oostGgzConsentId }),
      hub.query(west, WITHDRAW, { id: oostGgzConsentId, onBehalfOfResident: { evidenceMethod: 'VERBAL', evidenceReference: 'telefoon' } }),
    ]) {
      const response = await attempt;
      expect(refusal(response)).toEqual({ code: 'BAD_USER_INPUT', argument: 'id' });
      expect(response.body.errors![0].message).toBe('id: no consent with this id');
    }
    expect(await hub.database.prisma.consent.findUniqueOrThrow({ where: { id: oostGgzConsentId } })).toMatchObject({ withdrawnAt: null, confirmedBy: 'demo-seed' });

    // 5. Read the care: the household is not found for west at all.
    const care = await hub.query(west, CARE, { bsn: mohammed.bsn });
    expect(care.body.data!.householdByMemberBsn).toBeNull();
    expect(JSON.stringify(care.body)).not.toContain('inCare');
    expect(await consentRows()).toBe(rows);
  });

  it('answers recordConsent and consentsOf for a resident outside the caller\'s involvement exactly as for an unknown BSN, and records both', async () => {
    const known = await hub.query(oost, RECORD, { input: { ...selfGrant(), bsn: sevda.bsn, granteeOrganisationId: 'wijkteam-oost', evidenceReference: 'DMS-1' } });
    const unknown = await hub.query(oost, RECORD, { input: { ...selfGrant(), bsn: unknownBsn, granteeOrganisationId: 'wijkteam-oost', evidenceReference: 'DMS-1' } });
    expect(refusal(known)).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.bsn' });
    expect(answer(known)).toEqual(answer(unknown));
    expect(JSON.stringify(known.body)).not.toContain(sevda.bsn);

    const listed = await hub.query(oost, LIST, { bsn: sevda.bsn });
    expect(answer(listed)).toEqual(answer(await hub.query(oost, LIST, { bsn: unknownBsn })));

    // Each attempt is on record for Sevda, withheld as NOT_INVOLVED: accountable, though not answered.
    const records = await hub.database.prisma.auditRecord.findMany({ where: { subjectKey: await personKey(sevda.id), traceId: { in: [known.body.extensions!.traceId, listed.body.extensions!.traceId] } } });
    expect(records.map((record) => [record.lookups, record.fieldsWithheld, record.fieldsReleased]).sort()).toEqual([
      [['Mutation.recordConsent'], ['Mutation.recordConsent'], []],
      [['Query.consentsOf'], ['Query.consentsOf'], []],
    ]);
  });

  it('does not let a break-the-glass grant stand in for involvement when recording, nor show GGZ consents under it', async () => {
    const grant = await hub.database.prisma.breakGlassGrant.create({
      data: {
        householdId: 'hh-1001', professional: 'noor.visser', organisationId: 'wijkteam-west', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning',
        reasonCode: 'acuut-veiligheidsrisico', justification: 'Acute zorg over de veiligheid van de kinderen, regisseur niet bereikbaar.',
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    try {
      const recorded = await hub.query(west, RECORD, { input: selfGrant({ category: 'wonen', evidenceReference: 'DMS-2' }) });
      expect(refusal(recorded)).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.bsn' });
      const listed = await hub.query(west, LIST, { bsn: mohammed.bsn });
      expect(listed.body.errors).toBeUndefined();
      expect(listed.body.data!.consentsOf.map((consent: { id: string }) => consent.id)).not.toContain(oostGgzConsentId);
      expect(listed.body.data!.consentsOf.filter((consent: { category: string }) => consent.category === 'ggz')).toEqual([]);
      const care = await hub.query(west, CARE, { bsn: mohammed.bsn });
      const index = care.body.data!.householdByMemberBsn.members.findIndex((member: { givenName: string }) => member.givenName === 'Mohammed');
      expect(care.body.data!.householdByMemberBsn.members[index].care).toBeNull();
      expect(errorsAt(care, 'householdByMemberBsn', 'members', index, 'care').map((error) => error.extensions?.code)).toEqual(['CONSENT_REQUIRED']);
    } finally {
      await hub.database.prisma.breakGlassGrant.delete({ where: { id: grant.id } });
    }
  });

  it('shows oost\'s GGZ consent to no one but oost, once west is involved too, while a non-special consent is visible to both', async () => {
    await hub.database.prisma.involvement.create({
      data: { householdId: 'hh-1001', organisationId: 'wijkteam-west', since: '2026-01-05', purpose: 'wijkteam-ondersteuning', registeredBy: 'test', registeredByOrganisationId: 'wijkteam-west' },
    });
    const wonen = await hub.query(oost, RECORD, { input: { ...selfGrant(), category: 'wonen', granteeOrganisationId: 'wijkteam-oost', evidenceReference: 'DMS-2026-004411' } });
    expect(wonen.body.data!.recordConsent.consent).toMatchObject({ status: 'ACTIVE', category: 'wonen' });
    const wonenId = wonen.body.data!.recordConsent.consent.id;

    const seenByOost = await hub.query(oost, LIST, { bsn: mohammed.bsn });
    expect(seenByOost.body.data!.consentsOf.map((consent: { id: string }) => consent.id).sort()).toEqual([oostGgzConsentId, wonenId].sort());

    const seenByWest = await hub.query(west, LIST, { bsn: mohammed.bsn });
    expect(seenByWest.body.errors).toBeUndefined();
    // The non-special consent is there; of the GGZ consent there is no trace: not listed, not counted, not in any text.
    expect(seenByWest.body.data!.consentsOf).toEqual([expect.objectContaining({ id: wonenId, category: 'wonen', granteeOrganisationId: 'wijkteam-oost', status: 'ACTIVE' })]);
    expect(JSON.stringify(seenByWest.body)).not.toContain(oostGgzConsentId);
    expect(JSON.stringify(seenByWest.body)).not.toMatch(/ggz/i);

    // West, now involved, records a GGZ consent for itself: pending, seen by west only, and west alone cannot confirm it.
    const westGgz = await hub.query(west, RECORD, { input: selfGrant({ evidenceReference: 'DMS-WEST-0001' }) });
    expect(westGgz.body.data!.recordConsent.consent).toMatchObject({ status: 'PENDING_CONFIRMATION', granteeOrganisationId: 'wijkteam-west' });
    const westGgzId = westGgz.body.data!.recordConsent.consent.id;
    expect((await hub.query(west, LIST, { bsn: mohammed.bsn })).body.data!.consentsOf.map((consent: { id: string }) => consent.id).sort()).toEqual([wonenId, westGgzId].sort());
    expect((await hub.query(oost, LIST, { bsn: mohammed.bsn })).body.data!.consentsOf.map((consent: { id: string }) => consent.id)).not.toContain(westGgzId);
    const selfConfirmed = await hub.query(west, CONFIRM, { id: westGgzId });
    expect(refusal(selfConfirmed)).toEqual({ code: 'FORBIDDEN', argument: undefined });
    // Oost, though involved with the household, may not know of it: as an unknown id.
    expect(refusal(await hub.query(await hub.token({ subject: 'ilse.jacobs' }), CONFIRM, { id: westGgzId }))).toEqual({ code: 'BAD_USER_INPUT', argument: 'id' });
    expect((await hub.database.prisma.consent.findUniqueOrThrow({ where: { id: westGgzId } })).confirmedAt).toBeNull();

    // With a (pending) consent for west, and only oost's confirmed one for oost, Mohammed's care stays withheld from west.
    const care = await hub.query(west, CARE, { bsn: mohammed.bsn });
    const index = care.body.data!.householdByMemberBsn.members.findIndex((member: { givenName: string }) => member.givenName === 'Mohammed');
    expect(care.body.data!.householdByMemberBsn.members[index].care).toBeNull();
    expect(errorsAt(care, 'householdByMemberBsn', 'members', index, 'care').map((error) => error.extensions?.code)).toEqual(['CONSENT_REQUIRED']);
  });
});
