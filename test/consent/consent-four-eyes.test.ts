/**
 * Four eyes and no backdating, over HTTP on PostgreSQL. sanne.deboer (wijkteam-oost) records a GGZ
 * consent for Linda Bakker (hh-1003, in GGZ care, no consent yet): it is PENDING_CONFIRMATION and her
 * care stays CONSENT_REQUIRED; sanne cannot confirm her own recording; ilse.jacobs of wijkteam-oost
 * confirms, and only then is the care released. A consent's validFrom never lies in the past.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { allDemoPeople } from '../../src/demo/population.ts';
import { localDate } from '../../src/consent/consent-input.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type GraphQLResponse, type TestHub } from '../support/hub.ts';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordConsentInput!) {
    recordConsent(input: $input) { receipt consent { id status category validFrom recordedAt confirmedAt confirmedBy confirmedByOrganisationId fhir } }
  }
`;
const CONFIRM = /* GraphQL */ `
  mutation Confirm($id: ID!) { confirmConsent(id: $id) { id status recordedBy confirmedAt confirmedBy confirmedByOrganisationId fhir } }
`;
const WITHDRAW = /* GraphQL */ `
  mutation Withdraw($id: ID!) { withdrawConsent(id: $id, reason: "Inwoner trok toestemming in") { id status } }
`;
const LIST = /* GraphQL */ `
  query List($bsn: String!) { consentsOf(bsn: $bsn) { id status confirmedBy } }
`;
const CARE = /* GraphQL */ `
  query Care($bsn: String!) { householdByMemberBsn(bsn: $bsn) { members { givenName care { inCare trajectoryKind } } } }
`;

const linda = allDemoPeople().find((person) => person.givenName === 'Linda')!; // hh-1003, in GGZ care
const gerrit = allDemoPeople().find((person) => person.givenName === 'Gerrit')!; // hh-1007

function ggz(overrides: Record<string, unknown> = {}) {
  return {
    bsn: linda.bsn, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', evidenceReference: 'DMS-2026-007001', category: 'ggz',
    granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', ...overrides,
  };
}

function lindasCare(response: GraphQLResponse) {
  const index = response.body.data!.householdByMemberBsn.members.findIndex((member: { givenName: string }) => member.givenName === 'Linda');
  return { care: response.body.data!.householdByMemberBsn.members[index].care, codes: errorsAt(response, 'householdByMemberBsn', 'members', index, 'care').map((e) => e.extensions?.code) };
}

function onlyError(response: GraphQLResponse) {
  expect(response.body.errors).toHaveLength(1);
  const [error] = response.body.errors!;
  return { code: error.extensions?.code, argument: error.extensions?.argument, message: error.message };
}

describeWithPostgres('four eyes for a special-category consent', (database) => {
  let hub: TestHub;
  let sanne: string;
  let ilse: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    sanne = await hub.token();
    ilse = await hub.token({ subject: 'ilse.jacobs' });
  });
  afterAll(async () => hub?.stop());

  it('keeps a GGZ consent pending until a second professional of the grantee confirms it, and only then releases care', async () => {
    const recorded = await hub.query(sanne, RECORD, { input: ggz() });
    expect(recorded.body.errors).toBeUndefined();
    const { consent } = recorded.body.data!.recordConsent;
    expect(consent).toMatchObject({ status: 'PENDING_CONFIRMATION', confirmedAt: null, confirmedBy: null, confirmedByOrganisationId: null });
    expect(consent.fhir.status).toBe('proposed');

    for (const caller of [sanne, ilse]) {
      expect(lindasCare(await hub.query(caller, CARE, { bsn: linda.bsn }))).toEqual({ care: null, codes: ['CONSENT_REQUIRED'] });
    }

    const selfConfirmed = await hub.query(sanne, CONFIRM, { id: consent.id });
    expect(selfConfirmed.body.data?.confirmConsent ?? null).toBeNull();
    expect(onlyError(selfConfirmed)).toEqual({ code: 'FORBIDDEN', argument: undefined, message: expect.stringMatching(/second professional must confirm/) });
    expect((await hub.database.prisma.consent.findUniqueOrThrow({ where: { id: consent.id } })).confirmedAt).toBeNull();
    expect(lindasCare(await hub.query(sanne, CARE, { bsn: linda.bsn }))).toEqual({ care: null, codes: ['CONSENT_REQUIRED'] });

    // Nor under a differently cased subject.
    expect(onlyError(await hub.query(await hub.token({ subject: 'Sanne.DeBoer' }), CONFIRM, { id: consent.id }))).toMatchObject({ code: 'FORBIDDEN' });

    // The same professional under another organisation's token is not the grantee: for them there is no such consent.
    const otherOrganisation = await hub.query(await hub.token({ subject: 'ilse.jacobs', organisationId: 'wijkteam-west' }), CONFIRM, { id: consent.id });
    expect(onlyError(otherOrganisation)).toEqual({ code: 'BAD_USER_INPUT', argument: 'id', message: 'id: no consent with this id' });

    const confirmed = await hub.query(ilse, CONFIRM, { id: consent.id });
    expect(confirmed.body.errors).toBeUndefined();
    expect(confirmed.body.data!.confirmConsent).toMatchObject({ id: consent.id, status: 'ACTIVE', recordedBy: 'sanne.deboer', confirmedBy: 'ilse.jacobs', confirmedByOrganisationId: 'wijkteam-oost' });
    expect(confirmed.body.data!.confirmConsent.fhir.status).toBe('active');

    expect(lindasCare(await hub.query(sanne, CARE, { bsn: linda.bsn }))).toEqual({ care: { inCare: true, trajectoryKind: 'BASIC_GGZ' }, codes: [] });
    expect((await hub.query(sanne, LIST, { bsn: linda.bsn })).body.data!.consentsOf).toEqual([{ id: consent.id, status: 'ACTIVE', confirmedBy: 'ilse.jacobs' }]);

    const again = await hub.query(ilse, CONFIRM, { id: consent.id });
    expect(onlyError(again)).toEqual({ code: 'BAD_USER_INPUT', argument: 'id', message: 'id: this consent is already confirmed' });

    // The confirmation is on record for Linda, with who confirmed.
    const person = await hub.database.prisma.person.findUniqueOrThrow({ where: { id: linda.id } });
    const records = await hub.database.prisma.auditRecord.findMany({ where: { subjectKey: person.bsnHash, traceId: confirmed.body.extensions!.traceId } });
    expect(records.map((record) => [record.professional, record.fieldsReleased])).toEqual([['ilse.jacobs', ['Mutation.confirmConsent']]]);

    await hub.query(sanne, WITHDRAW, { id: consent.id });
    expect(lindasCare(await hub.query(sanne, CARE, { bsn: linda.bsn }))).toEqual({ care: null, codes: ['CONSENT_REQUIRED'] });
  });

  it('does not confirm a withdrawn consent, nor one whose grantee is no longer involved', async () => {
    const withdrawn = (await hub.query(sanne, RECORD, { input: ggz({ evidenceReference: 'DMS-2026-007002' }) })).body.data!.recordConsent.consent.id;
    await hub.query(sanne, WITHDRAW, { id: withdrawn });
    expect(onlyError(await hub.query(ilse, CONFIRM, { id: withdrawn }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    expect((await hub.database.prisma.consent.findUniqueOrThrow({ where: { id: withdrawn } })).confirmedAt).toBeNull();

    const pending = (await hub.query(sanne, RECORD, { input: ggz({ bsn: gerrit.bsn, evidenceReference: 'DMS-2026-007003' }) })).body.data!.recordConsent.consent.id;
    await hub.database.prisma.involvement.updateMany({ where: { householdId: 'hh-1007', organisationId: 'wijkteam-oost' }, data: { endsAt: new Date(Date.now() - 60_000) } });
    try {
      expect(onlyError(await hub.query(ilse, CONFIRM, { id: pending }))).toEqual({ code: 'BAD_USER_INPUT', argument: 'id', message: 'id: no consent with this id' });
      expect((await hub.database.prisma.consent.findUniqueOrThrow({ where: { id: pending } })).confirmedAt).toBeNull();
    } finally {
      await hub.database.prisma.involvement.updateMany({ where: { householdId: 'hh-1007', organisationId: 'wijkteam-oost' }, data: { endsAt: null } });
    }
  });

  it('confirms a consent of a category that is not special at recording: no second professional, nothing to confirm', async () => {
    const recorded = await hub.query(sanne, RECORD, { input: ggz({ category: 'wonen', evidenceReference: 'DMS-2026-007004' }) });
    const { consent } = recorded.body.data!.recordConsent;
    expect(consent).toMatchObject({ status: 'ACTIVE', confirmedBy: null, confirmedByOrganisationId: null });
    expect(consent.confirmedAt).toBe(consent.recordedAt);
    expect(onlyError(await hub.query(ilse, CONFIRM, { id: consent.id }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
  });

  it('refuses an unknown consent id as it refuses one the caller may not see', async () => {
    const response = await hub.query(ilse, CONFIRM, { id: '00000000-0000-4000-8000-000000000000' });
    expect(onlyError(response)).toEqual({ code: 'BAD_USER_INPUT', argument: 'id', message: 'id: no consent with this id' });
  });
});

describeWithPostgres('a consent is not backdated', (database) => {
  let hub: TestHub;
  let sanne: string;
  const wonen = (validFrom: string | undefined) => ({
    bsn: gerrit.bsn, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', evidenceReference: 'DMS-2026-008001', category: 'wonen',
    granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', ...(validFrom !== undefined ? { validFrom } : {}),
  });
  const record = async (validFrom: string | undefined) => hub.query(sanne, RECORD, { input: wonen(validFrom) });
  beforeAll(async () => {
    hub = await startTestHub(database());
    sanne = await hub.token();
  });
  afterAll(async () => hub?.stop());

  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const refused: [string, () => string][] = [
    ['yesterday (a date)', () => localDate(new Date(Date.now() - 86_400_000))],
    ['a year ago (a date)', () => localDate(new Date(Date.now() - 365 * 86_400_000))],
    ['ten minutes ago (a moment)', () => minutesAgo(10)],
    ['six minutes ago, with a zone offset', () => new Date(Date.now() - 6 * 60_000 + 3_600_000).toISOString().replace('Z', '+01:00').replace(/^(.{19})\.\d{3}/, '$1')],
  ];
  it.each(refused)('refuses a validFrom of %s with BAD_USER_INPUT on input.validFrom, and writes nothing', async (_name, validFrom) => {
    const rows = await hub.database.prisma.consent.count();
    const response = await record(validFrom());
    expect(response.body.data?.recordConsent ?? null).toBeNull();
    expect(onlyError(response)).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.validFrom', message: expect.stringMatching(/^input\.validFrom: consent is not backdated/) });
    expect(await hub.database.prisma.consent.count()).toBe(rows);
  });

  it('takes no validFrom, today\'s date (Amsterdam) and a moment within the clock slack as now', async () => {
    for (const validFrom of [undefined, localDate(new Date()), minutesAgo(2)]) {
      const response = await record(validFrom);
      expect(response.body.errors).toBeUndefined();
      const { status, validFrom: from, recordedAt } = response.body.data!.recordConsent.consent;
      expect(status).toBe('ACTIVE');
      expect(from).toBe(recordedAt);
    }
  });

  it('accepts a later date or moment, as not yet valid', async () => {
    const nextWeek = localDate(new Date(Date.now() + 7 * 86_400_000));
    const later = await record(nextWeek);
    expect(later.body.data!.recordConsent.consent).toMatchObject({ status: 'NOT_YET_VALID', validFrom: `${nextWeek}T00:00:00.000Z` });
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect((await record(inAnHour)).body.data!.recordConsent.consent).toMatchObject({ status: 'NOT_YET_VALID', validFrom: inAnHour });
  });
});
