import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, type GraphQLResponse, type TestHub } from '../support/hub.ts';
import { useHubWithClient } from '../audit/hub-with-client.ts';
import { AccessLog } from '../../src/audit/access-log.ts';
import { DOMAINS } from '../../src/domain/partner-domains.ts';

/**
 * Break-the-glass over HTTP on PostgreSQL: a wijkcoach of wijkteam-west, not involved with oost's
 * household hh-1001, declares an emergency and sees it as if involved, never GGZ, for the policy's time;
 * every access under it names the grant in the access log.
 */

const JUSTIFICATION = 'Buren melden dat de bewoner al twee dagen niet is gezien en de deur niet opendoet.';
const DECLARE = /* GraphQL */ `
  mutation Declare($input: DeclareEmergencyAccessInput!) {
    declareEmergencyAccess(input: $input) { id householdId reasonCode reasonDescription justification grantedAt expiresAt }
  }
`;
const READ = /* GraphQL */ `
  query Read($id: ID!) {
    household(id: $id) {
      address { street houseNumber }
      members { givenName housing { monthlyRent } debt { totalDebt } care { inCare } }
    }
  }
`;

/** A traceparent header with a trace id of our own, to find the request's rows in audit_record. */
function traced(): { traceId: string; headers: Record<string, string> } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } };
}

function codeAt(response: GraphQLResponse, ...path: (string | number)[]): string | undefined {
  return errorsAt(response, ...path)[0]?.extensions?.code;
}

describeWithPostgres('break-the-glass: emergency access to one household', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  let westCoach: string;
  let colleague: string;

  beforeAll(async () => {
    hub = setup.hub();
    db = setup.db();
    westCoach = await hub.token({ role: 'wijkcoach', organisationId: 'wijkteam-west', subject: 'lotte.west' });
    colleague = await hub.token({ role: 'wijkcoach', organisationId: 'wijkteam-west', subject: 'ahmed.west' });
  });

  async function declare(token: string, input: Record<string, unknown>, headers?: Record<string, string>) {
    return hub.query(token, DECLARE, { input: { reasonCode: 'acuut-veiligheidsrisico', justification: JUSTIFICATION, ...input } }, headers);
  }

  async function rowsOf(traceId: string) {
    const { rows } = await db.query('SELECT subject_kind, lookups, fields_released, fields_withheld, break_glass_grant_id FROM audit_record WHERE trace_id = $1', [traceId]);
    return rows as { subject_kind: string; lookups: string[]; fields_released: string[]; fields_withheld: string[]; break_glass_grant_id: string | null }[];
  }

  /** Every audit_record row of the request names the grant, and there is at least one per member. */
  async function expectEveryRecordCarries(traceId: string, grantId: string, members: number) {
    const rows = await rowsOf(traceId);
    expect(rows).toHaveLength(members);
    for (const row of rows) expect(row.break_glass_grant_id).toBe(grantId);
  }

  /** The household read under the grant, with its trace id. */
  async function readUnderGrant(token: string, householdId: string) {
    const { traceId, headers } = traced();
    const response = await hub.query(token, READ, { id: householdId }, headers);
    return { traceId, response };
  }

  describe('on hh-1001 (wijkteam-oost\'s household)', () => {
    let grantId: string;

    it('before the grant the wijkcoach of wijkteam-west sees nothing of it: NOT_INVOLVED', async () => {
      const response = await hub.query(westCoach, READ, { id: 'hh-1001' });
      expect(response.body.data!.household).toEqual({ address: null, members: null });
      expect(codeAt(response, 'household', 'address')).toBe('NOT_INVOLVED');
      expect(codeAt(response, 'household', 'members')).toBe('NOT_INVOLVED');
    });

    it('declaring the emergency gives a grant for the policy\'s 240 minutes, and its access record names it', async () => {
      const { traceId, headers } = traced();
      const response = await declare(westCoach, { householdId: 'hh-1001' }, headers);
      expect(response.body.errors).toBeUndefined();
      const grant = response.body.data!.declareEmergencyAccess;
      expect(grant).toMatchObject({ householdId: 'hh-1001', reasonCode: 'acuut-veiligheidsrisico', justification: JUSTIFICATION });
      expect(grant.reasonDescription).toMatch(/Acuut risico/);
      expect(Date.parse(grant.expiresAt) - Date.parse(grant.grantedAt)).toBe(240 * 60_000);
      grantId = grant.id;

      const stored = await hub.database.prisma.breakGlassGrant.findUniqueOrThrow({ where: { id: grantId } });
      expect(stored).toMatchObject({ professional: 'lotte.west', organisationId: 'wijkteam-west', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning', reviewStatus: 'OPEN' });
      // One record per member of the household, released under the grant (not withheld as NOT_INVOLVED).
      const rows = await rowsOf(traceId);
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row.break_glass_grant_id).toBe(grantId);
        expect(row.fields_released).toEqual(['Mutation.declareEmergencyAccess']);
        expect(row.fields_withheld).toEqual([]);
      }
    });

    it('declaring again while it runs returns the same grant, not a second one', async () => {
      const { traceId, headers } = traced();
      const again = await declare(westCoach, { householdId: 'hh-1001', reasonCode: 'crisisdienst' }, headers);
      expect(again.body.data!.declareEmergencyAccess).toMatchObject({ id: grantId, reasonCode: 'acuut-veiligheidsrisico' });
      // Handing the grant out again is a read under it.
      await expectEveryRecordCarries(traceId, grantId, 3);
      expect(await hub.database.prisma.breakGlassGrant.count({ where: { householdId: 'hh-1001', professional: 'lotte.west' } })).toBe(1);
    });

    it('under the grant address, members, housing and debt are visible; GGZ stays CONSENT_REQUIRED and the GGZ partner is not asked', async () => {
      for (const domain of DOMAINS) hub.partners[domain]!.resetCount();
      const { response } = await readUnderGrant(westCoach, 'hh-1001');
      const household = response.body.data!.household;
      expect(household.address).toEqual({ street: 'Kanaalstraat', houseNumber: 112 });
      const mohammed = household.members.find((member: { givenName: string }) => member.givenName === 'Mohammed');
      expect(mohammed.housing.monthlyRent).toBe(715.4);
      expect(mohammed.debt.totalDebt).toBe(23410.55);
      // Mohammed is in GGZ care and has a consent for wijkteam-oost: the grant opens nothing of it for west.
      household.members.forEach((_member: unknown, index: number) => {
        expect(household.members[index].care).toBeNull();
        expect(codeAt(response, 'household', 'members', index, 'care')).toBe('CONSENT_REQUIRED');
      });
      expect(hub.partners.care!.requestCount()).toBe(0);
      expect(hub.partners.housing!.requestCount()).toBeGreaterThan(0);
    });

    it('every audit_record row of a read under the grant carries the grant id', async () => {
      const { traceId, response } = await readUnderGrant(westCoach, 'hh-1001');
      expect(response.body.data!.household.address).not.toBeNull();
      await expectEveryRecordCarries(traceId, grantId, 3);
    });

    it('that check fails on a gateway that drops the grant from its records (broken variant)', async () => {
      const record = AccessLog.prototype.record;
      const spy = vi.spyOn(AccessLog.prototype, 'record').mockImplementation(function (this: AccessLog, subject, decision) {
        return record.call(this, subject, decision.allowed ? { ...decision, breakGlassGrantId: undefined } : decision);
      });
      try {
        const { traceId, response } = await readUnderGrant(westCoach, 'hh-1001');
        expect(response.body.data!.household.address).not.toBeNull();
        await expect(expectEveryRecordCarries(traceId, grantId, 3)).rejects.toThrow();
      } finally {
        spy.mockRestore();
      }
    });

    it('a colleague of the same organisation (another sub) gets no access from it', async () => {
      const response = await hub.query(colleague, READ, { id: 'hh-1001' });
      expect(response.body.data!.household).toEqual({ address: null, members: null });
      expect(codeAt(response, 'household', 'address')).toBe('NOT_INVOLVED');
    });

    it('the officer sees the grant on the access records, and the resident\'s report says it was under noodtoegang', async () => {
      const officer = await hub.token({ role: 'hub-privacy-officer', organisationId: 'gemeente-utrecht', purpose: 'privacy-toezicht', subject: 'fg.gemeente' });
      const records = await hub.query(officer, 'query($f: AccessRecordFilter) { accessRecords(filter: $f, limit: 200) { records { breakGlassGrantId fieldsReleased } } }', { f: { professional: 'lotte.west' } });
      expect(records.body.errors).toBeUndefined();
      const underGrant = records.body.data!.accessRecords.records.filter((row: { breakGlassGrantId: string | null }) => row.breakGlassGrantId === grantId);
      expect(underGrant.length).toBeGreaterThan(0);
      const report = await hub.query(officer, 'query($b: String!) { subjectAccessReport(bsn: $b) { accesses { organisationId text recordId } } }', { b: '999906318' });
      expect(report.body.errors).toBeUndefined();
      // Mohammed's report: an access says "onder noodtoegang" exactly when its record names a grant.
      const accesses = report.body.data!.subjectAccessReport.accesses as { organisationId: string; text: string; recordId: string }[];
      const { rows } = await db.query('SELECT id FROM audit_record WHERE break_glass_grant_id IS NOT NULL');
      const underAGrant = new Set(rows.map((row) => row.id));
      const said = accesses.filter((access) => access.text.includes('onder noodtoegang'));
      expect(said.length).toBeGreaterThan(0);
      for (const access of accesses) expect(access.text.includes('onder noodtoegang')).toBe(underAGrant.has(access.recordId));
      expect(said.every((access) => access.organisationId === 'wijkteam-west')).toBe(true);
    });
  });

  describe('when the grant expires (hh-1002)', () => {
    it('access ends at expires_at, and a new declaration is a new grant', async () => {
      const first = (await declare(westCoach, { householdId: 'hh-1002' })).body.data!.declareEmergencyAccess;
      expect((await readUnderGrant(westCoach, 'hh-1002')).response.body.data!.household.address).not.toBeNull();

      await hub.database.prisma.breakGlassGrant.update({ where: { id: first.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
      const { traceId, response } = await readUnderGrant(westCoach, 'hh-1002');
      expect(response.body.data!.household).toEqual({ address: null, members: null });
      expect(codeAt(response, 'household', 'address')).toBe('NOT_INVOLVED');
      for (const row of await rowsOf(traceId)) expect(row.break_glass_grant_id).toBeNull();

      const second = (await declare(westCoach, { householdId: 'hh-1002' })).body.data!.declareEmergencyAccess;
      expect(second.id).not.toBe(first.id);
    });
  });

  describe('declarations in parallel (hh-1006)', () => {
    it('give one grant, never two', async () => {
      const responses = await Promise.all(Array.from({ length: 4 }, () => declare(westCoach, { householdId: 'hh-1006' })));
      const grants = await hub.database.prisma.breakGlassGrant.findMany({ where: { householdId: 'hh-1006' } });
      expect(grants).toHaveLength(1);
      for (const response of responses) {
        const grant = response.body.data?.declareEmergencyAccess;
        if (grant) expect(grant.id).toBe(grants[0].id);
        else expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.householdId' });
      }
      // Records name only the grant that exists.
      const { rows } = await db.query("SELECT DISTINCT break_glass_grant_id FROM audit_record WHERE 'Mutation.declareEmergencyAccess' = ANY(lookups) AND break_glass_grant_id IS NOT NULL");
      const known = new Set((await hub.database.prisma.breakGlassGrant.findMany({ select: { id: true } })).map((row) => row.id));
      for (const row of rows) expect(known.has(row.break_glass_grant_id)).toBe(true);
    });
  });

  describe('naming the household as one knows it in an emergency: a member\'s BSN or the address', () => {
    it('a member\'s BSN (hh-1009, Kees) or the address (hh-1007, postcode with a space) give the grant for that household', async () => {
      const byBsn = await declare(westCoach, { bsn: '999980026' });
      expect(byBsn.body.errors).toBeUndefined();
      expect(byBsn.body.data!.declareEmergencyAccess.householdId).toBe('hh-1009');
      expect(JSON.stringify(byBsn.body)).not.toContain('999980026');
      const byAddress = await declare(westCoach, { address: { postcode: '3511 pa', houseNumber: 301 } });
      expect(byAddress.body.errors).toBeUndefined();
      expect(byAddress.body.data!.declareEmergencyAccess.householdId).toBe('hh-1007');
      const { response } = await readUnderGrant(westCoach, 'hh-1007');
      expect(response.body.data!.household.address).toEqual({ street: 'Oudegracht', houseNumber: 301 });
    });

    it('a BSN or address the hub does not know is BAD_USER_INPUT naming it, without echoing it, and the miss is recorded under its key', async () => {
      const missedBsn = traced();
      const bsn = await declare(westCoach, { bsn: '999980038' }, missedBsn.headers); // valid, no demo person
      expect(bsn.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.bsn' });
      expect(JSON.stringify(bsn.body)).not.toContain('999980038');
      expect((await rowsOf(missedBsn.traceId)).map((row) => row.subject_kind)).toEqual(['BSN']);
      const { traceId, headers } = traced();
      const address = await declare(westCoach, { address: { postcode: '1234AB', houseNumber: 1 } }, headers);
      expect(address.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.address' });
      expect((await rowsOf(traceId)).map((row) => row.subject_kind)).toEqual(['ADDRESS']);
    });

    it('exactly one of householdId, bsn and address: none or two is BAD_USER_INPUT on input, a bad BSN or postcode names its part', async () => {
      for (const input of [{}, { householdId: 'hh-1003', bsn: '999918369' }, { bsn: '999918369', address: { postcode: '3511PA', houseNumber: 301 } }]) {
        const response = await hub.query(westCoach, DECLARE, { input: { reasonCode: 'acuut-veiligheidsrisico', justification: JUSTIFICATION, ...input } });
        expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input' });
      }
      expect((await declare(westCoach, { bsn: '123456789' })).body.errors![0].extensions).toMatchObject({ argument: 'input.bsn' });
      expect((await declare(westCoach, { address: { postcode: '0123 AB', houseNumber: 1 } })).body.errors![0].extensions).toMatchObject({ argument: 'input.address.postcode' });
    });
  });

  describe('who may declare, and for what', () => {
    it('a wijkcoach whose organisation is involved needs no emergency access: BAD_USER_INPUT, no grant', async () => {
      const oostCoach = await hub.token({ role: 'wijkcoach', organisationId: 'wijkteam-oost', subject: 'sanne.deboer' });
      const response = await declare(oostCoach, { householdId: 'hh-1003' });
      expect(response.body.data!.declareEmergencyAccess).toBeNull();
      expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.householdId' });
      expect(await hub.database.prisma.breakGlassGrant.count({ where: { householdId: 'hh-1003' } })).toBe(0);
    });

    it('an unknown reason code is BAD_USER_INPUT on input.reasonCode, listing the codes', async () => {
      const response = await declare(westCoach, { householdId: 'hh-1004', reasonCode: 'nieuwsgierig' });
      expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.reasonCode' });
      expect(response.body.errors![0].message).toContain('acuut-veiligheidsrisico, dreigende-dakloosheid, crisisdienst');
    });

    it('a justification too short (after trimming), too long or holding a BSN is BAD_USER_INPUT on input.justification, without echoing it', async () => {
      const short = ` ${'x'.repeat(39)}   `;
      const cases = [short, 'y'.repeat(1001), `Zie dossier van 999906318, acute situatie, direct ingrijpen nodig.`];
      for (const justification of cases) {
        const response = await declare(westCoach, { householdId: 'hh-1004', justification });
        expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.justification' });
        expect(JSON.stringify(response.body)).not.toContain('999906318');
      }
      expect(await hub.database.prisma.breakGlassGrant.count({ where: { householdId: 'hh-1004' } })).toBe(0);
    });

    it('an unknown household is BAD_USER_INPUT on input.householdId, and the attempt is recorded', async () => {
      const { traceId, headers } = traced();
      const response = await declare(westCoach, { householdId: 'hh-9999' }, headers);
      expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.householdId' });
      expect((await rowsOf(traceId)).map((row) => row.subject_kind)).toEqual(['HOUSEHOLD_ID']);
    });

    it('roles outside breakGlass.roles are refused by the policy: FORBIDDEN, no grant', async () => {
      const woonconsulent = await hub.token({ role: 'woonconsulent', organisationId: 'woonstichting-de-linde', subject: 'petra.smits' });
      const officer = await hub.token({ role: 'privacy-officer', organisationId: 'wijkteam-west', purpose: 'privacy-toezicht', subject: 'fg.west' });
      for (const token of [woonconsulent, officer]) {
        const response = await declare(token, { householdId: 'hh-1005' });
        expect(response.body.data?.declareEmergencyAccess ?? null).toBeNull();
        expect(response.body.errors![0].extensions!.code).toBe('FORBIDDEN');
      }
      expect(await hub.database.prisma.breakGlassGrant.count({ where: { householdId: 'hh-1005' } })).toBe(0);
    });
  });
});
