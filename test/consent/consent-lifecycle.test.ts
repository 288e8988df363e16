/**
 * The consent lifecycle end to end over HTTP against PostgreSQL: record (with a receipt), confirm by a
 * second professional (GGZ is a special category: four eyes), list, withdraw, and the effect on the very
 * next household query; bad input writes nothing; only the roles the policy names may record, confirm or
 * withdraw; every consent exports as a valid FHIR R4 Consent.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { isValidBsn } from '../../src/domain/bsn.ts';
import { allDemoPeople, DEMO_CONSENTS } from '../../src/demo/population.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type GraphQLResponse, type TestHub } from '../support/hub.ts';
import { loadDefinition, validateResource } from '../support/fhir-r4-validator.ts';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

const fhirDefinition = loadDefinition(new URL('../fixtures/fhir/consent-r4-definition.json', import.meta.url));

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordConsentInput!) {
    recordConsent(input: $input) {
      receipt
      consent { id status category granteeOrganisationId purpose validFrom validUntil givenBy evidenceMethod evidenceReference recordedBy recordedByOrganisationId recordedAt }
    }
  }
`;
const CONFIRM = /* GraphQL */ `
  mutation Confirm($id: ID!) { confirmConsent(id: $id) { id status confirmedAt confirmedBy confirmedByOrganisationId recordedBy } }
`;
const WITHDRAW = /* GraphQL */ `
  mutation Withdraw($id: ID!, $reason: String) {
    withdrawConsent(id: $id, reason: $reason) { id status withdrawnAt withdrawnBy withdrawnByOrganisationId withdrawalReason }
  }
`;
const LIST = /* GraphQL */ `
  query List($bsn: String!) { consentsOf(bsn: $bsn) { id status category validFrom validUntil withdrawnAt evidenceMethod fhir } }
`;
const VERIFY = /* GraphQL */ `
  query Verify($receipt: String!) { verifyConsentReceipt(receipt: $receipt) { genuine reason consentId category granteeOrganisationId purpose status } }
`;
const CARE = /* GraphQL */ `
  query Care($bsn: String!) { householdByMemberBsn(bsn: $bsn) { members { givenName care { inCare trajectoryKind } } } }
`;

// Linda Bakker (hh-1003) is in GGZ care and has given no consent.
const linda = allDemoPeople().find((person) => person.givenName === 'Linda')!;
const demoBsns = new Set(allDemoPeople().map((person) => person.bsn));

function validInput(overrides: Record<string, unknown> = {}) {
  return {
    bsn: linda.bsn,
    givenBy: 'DATA_SUBJECT',
    evidenceMethod: 'WRITTEN',
    evidenceReference: 'DMS-2026-001234',
    category: 'ggz',
    granteeOrganisationId: 'wijkteam-oost',
    purpose: 'wijkteam-ondersteuning',
    validUntil: day(365),
    ...overrides,
  };
}

/** The calendar date (UTC) `days` from today: 2 or more is a later date in Amsterdam too. */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A BSN that passes the elfproef but belongs to nobody the hub knows. */
function unknownValidBsn(): string {
  for (let n = 999990000; ; n++) if (isValidBsn(String(n)) && !demoBsns.has(String(n))) return String(n);
}

function lindasCare(response: GraphQLResponse) {
  const index = response.body.data!.householdByMemberBsn.members.findIndex((member: { givenName: string }) => member.givenName === 'Linda');
  return { care: response.body.data!.householdByMemberBsn.members[index].care, errors: errorsAt(response, 'householdByMemberBsn', 'members', index, 'care') };
}

describeWithPostgres('consent lifecycle over HTTP', (database) => {
  let hub: TestHub;
  let wijkcoach: string;
  let colleague: string;
  const consentRows = () => hub.database.prisma.consent.count();
  beforeAll(async () => {
    hub = await startTestHub(database());
    wijkcoach = await hub.token();
    colleague = await hub.token({ subject: 'ilse.jacobs' }); // a second professional of wijkteam-oost
  });
  afterAll(async () => hub?.stop());

  it('records a consent pending confirmation, releases care only once a second professional confirmed it, and withdrawal withholds it on the next request', async () => {
    const before = lindasCare(await hub.query(wijkcoach, CARE, { bsn: linda.bsn }));
    expect(before.care).toBeNull();
    expect(before.errors.map((e) => e.extensions?.code)).toEqual(['CONSENT_REQUIRED']);

    const recorded = await hub.query(wijkcoach, RECORD, { input: validInput() });
    expect(recorded.body.errors).toBeUndefined();
    const { consent, receipt } = recorded.body.data!.recordConsent;
    expect(consent).toMatchObject({
      status: 'PENDING_CONFIRMATION', category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
      validUntil: `${day(365)}T00:00:00.000Z`, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN',
      recordedBy: 'sanne.deboer', recordedByOrganisationId: 'wijkteam-oost',
    });
    expect(Date.now() - Date.parse(consent.recordedAt)).toBeLessThan(60_000);
    // Without validFrom the consent applies from the moment it was recorded, not a moment earlier.
    expect(consent.validFrom).toBe(consent.recordedAt);
    expect(receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.stringify(recorded.body)).not.toContain(linda.bsn);

    const stored = await hub.database.prisma.consent.findUniqueOrThrow({ where: { id: consent.id } });
    expect(JSON.stringify(stored)).not.toContain(linda.bsn);
    expect(stored.subjectEncrypted).toMatch(/^v1\./);

    const pending = await hub.query(wijkcoach, VERIFY, { receipt });
    expect(pending.body.data!.verifyConsentReceipt).toEqual({
      genuine: true, reason: null, consentId: consent.id, category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', status: 'PENDING_CONFIRMATION',
    });
    const withheld = lindasCare(await hub.query(wijkcoach, CARE, { bsn: linda.bsn }));
    expect(withheld.care).toBeNull();
    expect(withheld.errors.map((e) => e.extensions?.code)).toEqual(['CONSENT_REQUIRED']);

    const confirmed = await hub.query(colleague, CONFIRM, { id: consent.id });
    expect(confirmed.body.errors).toBeUndefined();
    expect(confirmed.body.data!.confirmConsent).toMatchObject({
      id: consent.id, status: 'ACTIVE', confirmedBy: 'ilse.jacobs', confirmedByOrganisationId: 'wijkteam-oost', recordedBy: 'sanne.deboer',
    });
    expect(Date.now() - Date.parse(confirmed.body.data!.confirmConsent.confirmedAt)).toBeLessThan(60_000);

    const verified = await hub.query(wijkcoach, VERIFY, { receipt });
    expect(verified.body.data!.verifyConsentReceipt).toEqual({
      genuine: true, reason: null, consentId: consent.id, category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', status: 'ACTIVE',
    });

    const released = lindasCare(await hub.query(wijkcoach, CARE, { bsn: linda.bsn }));
    expect(released.errors).toEqual([]);
    expect(released.care).toMatchObject({ inCare: true });

    const withdrawn = await hub.query(wijkcoach, WITHDRAW, { id: consent.id, reason: 'Inwoner belde het wijkteam' });
    expect(withdrawn.body.errors).toBeUndefined();
    expect(withdrawn.body.data!.withdrawConsent).toMatchObject({
      id: consent.id, status: 'WITHDRAWN', withdrawnBy: 'sanne.deboer', withdrawnByOrganisationId: 'wijkteam-oost', withdrawalReason: 'Inwoner belde het wijkteam',
    });
    expect(Date.now() - Date.parse(withdrawn.body.data!.withdrawConsent.withdrawnAt)).toBeLessThan(60_000);

    // The very next request: no cache stands between the withdrawal and the decision.
    const after = lindasCare(await hub.query(wijkcoach, CARE, { bsn: linda.bsn }));
    expect(after.care).toBeNull();
    expect(after.errors.map((e) => e.extensions?.code)).toEqual(['CONSENT_REQUIRED']);

    const reverified = await hub.query(wijkcoach, VERIFY, { receipt });
    expect(reverified.body.data!.verifyConsentReceipt).toMatchObject({ genuine: true, consentId: consent.id, status: 'WITHDRAWN' });

    const again = await hub.query(wijkcoach, WITHDRAW, { id: consent.id });
    expect(again.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^id: .*already withdrawn/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('lists a person\'s consents with their status, each exporting as a valid FHIR R4 Consent', async () => {
    const expected: [string, string, string][] = [
      [DEMO_CONSENTS[0].subjectBsn, 'ACTIVE', 'active'],
      [DEMO_CONSENTS.find((c) => c.withdrawnAt)!.subjectBsn, 'WITHDRAWN', 'inactive'],
      [DEMO_CONSENTS.find((c) => c.validUntil && Date.parse(c.validUntil) < Date.now())!.subjectBsn, 'EXPIRED', 'inactive'],
    ];
    for (const [bsn, status, fhirStatus] of expected) {
      const response = await hub.query(wijkcoach, LIST, { bsn });
      expect(response.body.errors).toBeUndefined();
      const [consent, ...others] = response.body.data!.consentsOf;
      expect(others).toEqual([]);
      expect(consent.status).toBe(status);
      expect(validateResource(consent.fhir, fhirDefinition)).toEqual([]);
      expect(consent.fhir).toMatchObject({ resourceType: 'Consent', id: consent.id, status: fhirStatus, patient: { identifier: { system: 'http://fhir.nl/fhir/NamingSystem/bsn', value: bsn } } });
    }
  });

  it('lists a withdrawn consent as withdrawn, and logs the look-up in the access log of that person', async () => {
    const response = await hub.query(wijkcoach, LIST, { bsn: linda.bsn });
    expect(response.body.data!.consentsOf.map((consent: { status: string }) => consent.status)).toEqual(['WITHDRAWN']);
    const person = await hub.database.prisma.person.findFirstOrThrow({ where: { id: linda.id } });
    const records = await hub.database.prisma.auditRecord.findMany({ where: { subjectKey: person.bsnHash } });
    expect(records.some((record) => record.fieldsReleased.includes('Query.consentsOf'))).toBe(true);
  });

  const badInputs: [string, Record<string, unknown>, string][] = [
    ['a BSN that fails the elfproef', { bsn: '123456788' }, 'input.bsn'],
    ['a person unknown to the hub', { bsn: unknownValidBsn() }, 'input.bsn'],
    ['an unknown category', { category: 'medisch-dossier' }, 'input.category'],
    ['an unknown organisation', { granteeOrganisationId: 'ggz-nergens' }, 'input.granteeOrganisationId'],
    ['an unknown purpose', { purpose: 'marketing' }, 'input.purpose'],
    ['a person in a household the organisation is not involved with', { bsn: allDemoPeople().find((person) => person.givenName === 'Sevda')!.bsn }, 'input.bsn'],
    ['a grantee not involved with the household', { granteeOrganisationId: 'wijkteam-west' }, 'input.granteeOrganisationId'],
    ['a grantee involved with the household for another purpose', { granteeOrganisationId: 'woonstichting-de-linde' }, 'input.granteeOrganisationId'],
    ['a backdated start', { validFrom: day(-1) }, 'input.validFrom'],
    ['a period that ends before it starts', { validFrom: day(30), validUntil: day(20) }, 'input.validUntil'],
    ['a period that ends when it starts', { validFrom: day(30), validUntil: `${day(30)}T00:00:00Z` }, 'input.validUntil'],
    ['a period that ends before now', { validUntil: day(-1) }, 'input.validUntil'],
    ['a date that does not exist', { validFrom: '2026-02-30' }, 'input.validFrom'],
    ['a date that is not ISO 8601', { validFrom: '1 november 2026' }, 'input.validFrom'],
    ['a legal representative without a name', { givenBy: 'LEGAL_REPRESENTATIVE' }, 'input.representativeName'],
    ['an evidence reference holding a BSN', { evidenceReference: `formulier ${linda.bsn}` }, 'input.evidenceReference'],
    ['an empty evidence reference', { evidenceReference: '  ' }, 'input.evidenceReference'],
  ];
  it.each(badInputs)('refuses %s with BAD_USER_INPUT naming the argument, and writes nothing', async (_name, overrides, argument) => {
    const rows = await consentRows();
    const input = validInput(overrides);
    const response = await hub.query(wijkcoach, RECORD, { input });
    expect(response.body.data?.recordConsent ?? null).toBeNull();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]).toMatchObject({ message: expect.stringContaining(`${argument}: `), extensions: { code: 'BAD_USER_INPUT' } });
    expect(JSON.stringify(response.body)).not.toContain(input.bsn);
    expect(JSON.stringify(response.body)).not.toContain(linda.bsn);
    expect(await consentRows()).toBe(rows);
  });

  it('refuses to withdraw a consent that does not exist', async () => {
    const response = await hub.query(wijkcoach, WITHDRAW, { id: '00000000-0000-4000-8000-000000000000' });
    expect(response.body.errors?.[0]).toMatchObject({ message: 'id: no consent with this id', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it.each(['woonconsulent', 'schuldhulpverlener', 'privacy-officer'])('does not let a %s record, confirm or withdraw consents', async (role) => {
    const token = await hub.token({ role });
    const rows = await consentRows();
    const recorded = await hub.query(token, RECORD, { input: validInput() });
    expect(recorded.body.data?.recordConsent ?? null).toBeNull();
    expect(recorded.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await consentRows()).toBe(rows);

    const pending = (await hub.query(wijkcoach, RECORD, { input: validInput({ evidenceReference: `DMS-2026-00${role.length}` }) })).body.data!.recordConsent.consent.id;
    const confirmed = await hub.query(token, CONFIRM, { id: pending });
    expect(confirmed.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await hub.database.prisma.consent.findUniqueOrThrow({ where: { id: pending } })).confirmedAt).toBeNull();
    await hub.query(wijkcoach, WITHDRAW, { id: pending, reason: 'testopruiming' });

    const active = await hub.database.prisma.consent.findFirstOrThrow({ where: { withdrawnAt: null, confirmedAt: { not: null }, validUntil: { gt: new Date() } } });
    const withdrawn = await hub.query(token, WITHDRAW, { id: active.id });
    expect(withdrawn.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await hub.database.prisma.consent.findUniqueOrThrow({ where: { id: active.id } })).withdrawnAt).toBeNull();
  });

  it('does not let a wijkcoach record consents for another purpose than the policy names', async () => {
    const token = await hub.token({ purpose: 'privacy-toezicht' });
    const rows = await consentRows();
    const response = await hub.query(token, RECORD, { input: validInput() });
    expect(response.body.data?.recordConsent ?? null).toBeNull();
    expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['PURPOSE_MISMATCH']);
    expect(await consentRows()).toBe(rows);
  });

  it('reports a tampered receipt as not genuine, without an error', async () => {
    const { receipt } = (await hub.query(wijkcoach, RECORD, { input: validInput({ validFrom: day(3), validUntil: null }) })).body.data!.recordConsent;
    const [header, payload, signature] = receipt.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.consent.granteeOrganisationId = 'woonstichting-de-linde';
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    for (const fake of [tampered, 'not.a.receipt', wijkcoach]) {
      const response = await hub.query(wijkcoach, VERIFY, { receipt: fake });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.verifyConsentReceipt).toMatchObject({ genuine: false, reason: expect.any(String), consentId: null, status: null });
    }
  });
});
