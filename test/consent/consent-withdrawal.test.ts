/**
 * Who may withdraw a consent, over HTTP on PostgreSQL. The grantee organisation and the recording
 * organisation always may, even after their involvement ended (withdrawing stays as easy as giving).
 * Anyone else only on the resident's behalf, with the evidence of the resident's request, and only when
 * their organisation is actively involved with the household (a break-the-glass grant is not enough).
 * A GGZ consent is unknown to anyone but its grantee and recorder.
 */
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { allDemoPeople } from '../../src/demo/population.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type GraphQLResponse, type TestHub } from '../support/hub.ts';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id status } } }
`;
const WITHDRAW = /* GraphQL */ `
  mutation Withdraw($id: ID!, $onBehalfOfResident: OnBehalfOfResidentInput) {
    withdrawConsent(id: $id, reason: "Inwoner trok toestemming in", onBehalfOfResident: $onBehalfOfResident) {
      id status withdrawnBy withdrawnByOrganisationId withdrawalEvidenceMethod withdrawalEvidenceReference
    }
  }
`;

const mohammed = allDemoPeople().find((person) => person.bsn === '999906318')!; // hh-1001, wijkteam-oost
const peter = allDemoPeople().find((person) => person.givenName === 'Peter')!; // hh-1002, wijkteam-oost only
const RESIDENT_ASKED = { evidenceMethod: 'VERBAL', evidenceReference: 'gespreksverslag 2026-11-24 huisbezoek' };

function onlyError(response: GraphQLResponse) {
  expect(response.body.errors).toHaveLength(1);
  const [error] = response.body.errors!;
  return { code: error.extensions?.code, argument: error.extensions?.argument, message: error.message };
}

describeWithPostgres('withdrawing a consent', (database) => {
  let hub: TestHub;
  let oost: string;
  let west: string;
  let westInvolvement: string;

  const record = async (token: string, overrides: Record<string, unknown>) => {
    const response = await hub.query(token, RECORD, {
      input: {
        bsn: mohammed.bsn, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', evidenceReference: `DMS-${Math.random().toString(36).slice(2, 8)}`,
        category: 'wonen', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', ...overrides,
      },
    });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.recordConsent.consent.id as string;
  };
  const stored = (id: string) => hub.database.prisma.consent.findUniqueOrThrow({ where: { id } });
  const setWestInvolved = (involved: boolean) =>
    hub.database.prisma.involvement.update({ where: { id: westInvolvement }, data: { endsAt: involved ? null : new Date(Date.now() - 60_000) } });

  beforeAll(async () => {
    hub = await startTestHub(database());
    oost = await hub.token();
    west = await hub.token({ subject: 'noor.visser', organisationId: 'wijkteam-west' });
    westInvolvement = (await hub.database.prisma.involvement.create({
      data: { householdId: 'hh-1001', organisationId: 'wijkteam-west', since: '2026-01-05', purpose: 'wijkteam-ondersteuning', registeredBy: 'test' },
    })).id;
  });
  beforeEach(async () => {
    await setWestInvolved(true);
  });
  afterAll(async () => hub?.stop());

  it('lets the grantee organisation withdraw without being involved any more', async () => {
    const id = await record(oost, { granteeOrganisationId: 'wijkteam-west' });
    await setWestInvolved(false);
    const response = await hub.query(west, WITHDRAW, { id });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.withdrawConsent).toMatchObject({ status: 'WITHDRAWN', withdrawnBy: 'noor.visser', withdrawnByOrganisationId: 'wijkteam-west', withdrawalEvidenceMethod: null });
  });

  it('lets the recording organisation withdraw without being involved any more, a GGZ consent for another organisation too', async () => {
    const wonen = await record(west, {});
    const ggz = await record(west, { category: 'ggz' });
    await setWestInvolved(false);
    for (const id of [wonen, ggz]) {
      const response = await hub.query(west, WITHDRAW, { id });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.withdrawConsent).toMatchObject({ id, status: 'WITHDRAWN', withdrawnByOrganisationId: 'wijkteam-west' });
    }
  });

  it('refuses anyone else with FORBIDDEN, and lets an involved professional withdraw on the resident\'s behalf, keeping the evidence', async () => {
    const id = await record(oost, {});
    const plain = await hub.query(west, WITHDRAW, { id });
    expect(onlyError(plain)).toEqual({ code: 'FORBIDDEN', argument: undefined, message: expect.stringContaining('onBehalfOfResident') });
    expect((await stored(id)).withdrawnAt).toBeNull();

    const onBehalf = await hub.query(west, WITHDRAW, { id, onBehalfOfResident: RESIDENT_ASKED });
    expect(onBehalf.body.errors).toBeUndefined();
    expect(onBehalf.body.data!.withdrawConsent).toMatchObject({
      status: 'WITHDRAWN', withdrawnBy: 'noor.visser', withdrawnByOrganisationId: 'wijkteam-west',
      withdrawalEvidenceMethod: 'VERBAL', withdrawalEvidenceReference: RESIDENT_ASKED.evidenceReference,
    });
    expect(await stored(id)).toMatchObject({ withdrawalEvidenceMethod: 'VERBAL', withdrawalEvidenceReference: RESIDENT_ASKED.evidenceReference });
  });

  it('refuses a withdrawal on the resident\'s behalf by a professional whose organisation is not involved, or only holds a break-the-glass grant', async () => {
    const ofPeter = await record(oost, { bsn: peter.bsn });
    expect(onlyError(await hub.query(west, WITHDRAW, { id: ofPeter, onBehalfOfResident: RESIDENT_ASKED }))).toMatchObject({ code: 'FORBIDDEN' });

    const ofMohammed = await record(oost, {});
    await setWestInvolved(false);
    const grant = await hub.database.prisma.breakGlassGrant.create({
      data: {
        householdId: 'hh-1001', professional: 'noor.visser', organisationId: 'wijkteam-west', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning',
        reasonCode: 'acuut-veiligheidsrisico', justification: 'Acuut risico voor de veiligheid van een bewoner, regisseur niet bereikbaar.', expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    try {
      expect(onlyError(await hub.query(west, WITHDRAW, { id: ofMohammed, onBehalfOfResident: RESIDENT_ASKED }))).toMatchObject({ code: 'FORBIDDEN' });
    } finally {
      await hub.database.prisma.breakGlassGrant.delete({ where: { id: grant.id } });
    }
    for (const id of [ofPeter, ofMohammed]) expect((await stored(id)).withdrawnAt).toBeNull();
  });

  it('answers a GGZ consent of another organisation as an unknown id, even on the resident\'s behalf by an involved professional', async () => {
    const ggz = await record(oost, { category: 'ggz' });
    const unknown = await hub.query(west, WITHDRAW, { id: '00000000-0000-4000-8000-000000000000', onBehalfOfResident: RESIDENT_ASKED });
    for (const variables of [{ id: ggz }, { id: ggz, onBehalfOfResident: RESIDENT_ASKED }]) {
      const response = await hub.query(west, WITHDRAW, variables);
      expect(onlyError(response)).toEqual({ code: 'BAD_USER_INPUT', argument: 'id', message: 'id: no consent with this id' });
      expect(response.body.errors).toEqual(unknown.body.errors);
    }
    expect((await stored(ggz)).withdrawnAt).toBeNull();
  });

  it.each([
    ['an empty evidence reference', { evidenceMethod: 'WRITTEN', evidenceReference: ' ' }],
    ['an evidence reference holding a BSN', { evidenceMethod: 'WRITTEN', evidenceReference: `brief van ${mohammed.bsn}` }],
  ])('refuses %s for a withdrawal on the resident\'s behalf with BAD_USER_INPUT naming it', async (_name, onBehalfOfResident) => {
    const id = await record(oost, {});
    const response = await hub.query(west, WITHDRAW, { id, onBehalfOfResident });
    expect(onlyError(response)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'onBehalfOfResident.evidenceReference' });
    expect(JSON.stringify(response.body)).not.toContain(mohammed.bsn);
    expect((await stored(id)).withdrawnAt).toBeNull();
  });
});
