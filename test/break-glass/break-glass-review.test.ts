import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import type { TestHub } from '../support/hub.ts';
import { useHubWithClient } from '../audit/hub-with-client.ts';

/**
 * The privacy officer's review of break-the-glass grants: an organisation's officer sees and closes the
 * grants of their own professionals, the municipality's officer all of them, nobody else any; the
 * officer's read and close leave access records of their own.
 */

const JUSTIFICATION = 'Melding crisisdienst: dreigende uitzetting morgenochtend, regisseur van oost is onbereikbaar.';
const REVIEW_FIELDS = 'id householdId professional organisationId reasonCode reasonDescription justification grantedAt expiresAt active accessCount reviewStatus reviewedBy reviewedAt reviewNote';
const REVIEWS = `query Reviews($status: BreakGlassReviewStatus) { breakGlassReviews(status: $status) { ${REVIEW_FIELDS} } }`;
const CLOSE = `mutation Close($input: CloseBreakGlassReviewInput!) { closeBreakGlassReview(input: $input) { ${REVIEW_FIELDS} } }`;

interface Review {
  id: string;
  householdId: string;
  professional: string;
  organisationId: string;
  active: boolean;
  accessCount: number;
  reviewStatus: string;
  reviewedBy: string | null;
  reviewNote: string | null;
}

function traced(): { traceId: string; headers: Record<string, string> } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } };
}

describeWithPostgres('break-the-glass: review by the privacy officer', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  let westCoach: string;
  let hubOfficer: string;
  let westOfficer: string;
  let oostOfficer: string;
  let grantId: string;

  beforeAll(async () => {
    hub = setup.hub();
    db = setup.db();
    westCoach = await hub.token({ role: 'wijkcoach', organisationId: 'wijkteam-west', subject: 'lotte.west' });
    hubOfficer = await hub.token({ role: 'hub-privacy-officer', organisationId: 'gemeente-utrecht', purpose: 'privacy-toezicht', subject: 'fg.gemeente' });
    westOfficer = await hub.token({ role: 'privacy-officer', organisationId: 'wijkteam-west', purpose: 'privacy-toezicht', subject: 'fg.west' });
    oostOfficer = await hub.token({ role: 'privacy-officer', organisationId: 'wijkteam-oost', purpose: 'privacy-toezicht', subject: 'fg.oost' });
    const declared = await hub.query(westCoach, 'mutation($i: DeclareEmergencyAccessInput!) { declareEmergencyAccess(input: $i) { id } }', {
      i: { householdId: 'hh-1001', reasonCode: 'dreigende-dakloosheid', justification: JUSTIFICATION },
    });
    grantId = declared.body.data!.declareEmergencyAccess.id;
    // Two reads under the grant, to count.
    for (let i = 0; i < 2; i++) await hub.query(westCoach, '{ household(id: "hh-1001") { address { street } } }');
  });

  async function reviews(token: string, status?: string): Promise<Review[]> {
    const response = await hub.query(token, REVIEWS, status ? { status } : {});
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.breakGlassReviews;
  }

  async function close(token: string, input: Record<string, unknown>, headers?: Record<string, string>) {
    return hub.query(token, CLOSE, { input: { id: grantId, outcome: 'JUSTIFIED', note: 'Uitzetting was aangezegd; oost bevestigt dat de regisseur onbereikbaar was.', ...input } }, headers);
  }

  describe('the open reviews', () => {
    it('the municipality\'s officer and wijkteam-west\'s own officer see the grant, with what happened under it', async () => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM audit_record WHERE break_glass_grant_id = $1', [grantId]);
      // The declaration and the two reads: a record per member (3) each.
      expect(rows[0].n).toBe(9);
      for (const officer of [hubOfficer, westOfficer]) {
        const open = await reviews(officer); // OPEN is the default
        const review = open.find((item) => item.id === grantId);
        expect(review).toMatchObject({
          householdId: 'hh-1001', professional: 'lotte.west', organisationId: 'wijkteam-west', reasonCode: 'dreigende-dakloosheid',
          reasonDescription: 'Uitzetting of dakloosheid binnen 48 uur', justification: JUSTIFICATION,
          active: true, accessCount: 9, reviewStatus: 'OPEN', reviewedBy: null, reviewNote: null,
        });
      }
    });

    it('wijkteam-oost\'s officer does not see it, whatever the status asked', async () => {
      for (const status of ['OPEN', 'CLOSED', 'ALL']) expect((await reviews(oostOfficer, status)).map((item) => item.id)).not.toContain(grantId);
    });

    it('the officer\'s read is recorded: one record per member of the household, not under the grant', async () => {
      const { traceId, headers } = traced();
      const response = await hub.query(westOfficer, REVIEWS, {}, headers);
      expect(response.body.data!.breakGlassReviews).toHaveLength(1);
      const { rows } = await db.query('SELECT subject_kind, lookups, fields_released, purpose, break_glass_grant_id FROM audit_record WHERE trace_id = $1', [traceId]);
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row).toMatchObject({ subject_kind: 'PERSON', lookups: ['Query.breakGlassReviews'], fields_released: ['Query.breakGlassReviews'], purpose: 'privacy-toezicht', break_glass_grant_id: null });
      }
    });

    it('a wijkcoach may not list them', async () => {
      const response = await hub.query(westCoach, REVIEWS, {});
      expect(response.body.data?.breakGlassReviews ?? null).toBeNull();
      expect(response.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    });
  });

  describe('closing a review', () => {
    it('a wijkcoach gets FORBIDDEN and the review stays open', async () => {
      const response = await close(westCoach, {});
      expect(response.body.data?.closeBreakGlassReview ?? null).toBeNull();
      expect(response.body.errors![0].extensions!.code).toBe('FORBIDDEN');
      expect((await hub.database.prisma.breakGlassGrant.findUniqueOrThrow({ where: { id: grantId } })).reviewStatus).toBe('OPEN');
    });

    it('another organisation\'s officer gets the answer for an unknown id, and the review stays open', async () => {
      const outside = await close(oostOfficer, {});
      const unknown = await close(oostOfficer, { id: randomUUID() });
      for (const response of [outside, unknown]) expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.id' });
      expect(outside.body.errors![0].message).toBe(unknown.body.errors![0].message);
      expect((await hub.database.prisma.breakGlassGrant.findUniqueOrThrow({ where: { id: grantId } })).reviewStatus).toBe('OPEN');
    });

    it('a note that is empty, too long or holds a BSN is BAD_USER_INPUT on input.note, without echoing it', async () => {
      for (const note of ['   ', 'n'.repeat(1001), 'Gesproken met bewoner 999906318, terecht.']) {
        const response = await close(westOfficer, { note });
        expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.note' });
        expect(JSON.stringify(response.body)).not.toContain('999906318');
      }
      expect((await hub.database.prisma.breakGlassGrant.findUniqueOrThrow({ where: { id: grantId } })).reviewStatus).toBe('OPEN');
    });

    it('wijkteam-west\'s officer closes it with an outcome and a note; it moves to CLOSED, and the close is recorded', async () => {
      const { traceId, headers } = traced();
      const response = await close(westOfficer, { outcome: 'NOT_JUSTIFIED' }, headers);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.closeBreakGlassReview).toMatchObject({ id: grantId, reviewStatus: 'NOT_JUSTIFIED', reviewedBy: 'fg.west', reviewNote: expect.stringContaining('Uitzetting') });
      expect(response.body.data!.closeBreakGlassReview.reviewedAt).not.toBeNull();

      expect((await reviews(westOfficer, 'OPEN')).map((item) => item.id)).not.toContain(grantId);
      expect((await reviews(hubOfficer, 'OPEN')).map((item) => item.id)).not.toContain(grantId);
      expect((await reviews(westOfficer, 'CLOSED')).map((item) => item.id)).toContain(grantId);
      expect((await reviews(hubOfficer, 'ALL')).map((item) => item.id)).toContain(grantId);
      const stored = await hub.database.prisma.breakGlassGrant.findUniqueOrThrow({ where: { id: grantId } });
      expect(stored).toMatchObject({ reviewStatus: 'NOT_JUSTIFIED', reviewedBy: 'fg.west', reviewedByOrganisationId: 'wijkteam-west' });

      const { rows } = await db.query('SELECT fields_released, purpose, break_glass_grant_id FROM audit_record WHERE trace_id = $1', [traceId]);
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row).toMatchObject({ fields_released: ['Mutation.closeBreakGlassReview'], purpose: 'privacy-toezicht', break_glass_grant_id: null });
    });

    it('a closed review cannot be closed again, not even by the municipality\'s officer', async () => {
      const response = await close(hubOfficer, { outcome: 'JUSTIFIED' });
      expect(response.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.id' });
      expect((await hub.database.prisma.breakGlassGrant.findUniqueOrThrow({ where: { id: grantId } })).reviewStatus).toBe('NOT_JUSTIFIED');
    });
  });
});
