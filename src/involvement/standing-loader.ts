import DataLoader from 'dataloader';
import { Prisma, type PrismaClient } from '../db/generated/client.ts';
import type { Caller } from '../auth/caller.ts';
import type { Standing } from '../policy/need-to-know.ts';

/**
 * Where the caller stands with each household asked about in this request: is the caller's organisation
 * actively involved with it for the caller's purpose, and has the caller an unexpired break-the-glass
 * grant for it. One database statement for all households of the request (both questions in one SQL
 * query), read only when a decision or look-up needs it; a new loader per request, so an involvement
 * ended a moment ago counts at once.
 */
export function createStandingLoader(prisma: Pick<PrismaClient, '$queryRaw'>, caller: Caller, now: () => Date = () => new Date()): DataLoader<string, Standing> {
  return new DataLoader(async (householdIds) => {
    const at = now();
    // `timestamp(3)` columns hold UTC: compare with the moment's UTC wall time.
    const moment = Prisma.sql`${at.toISOString().slice(0, 23)}::timestamp`;
    const rows = await prisma.$queryRaw<{ household_id: string; involved: boolean; grant_id: string | null }[]>`
      SELECT h.id AS household_id,
        EXISTS (
          SELECT 1 FROM "involvement" i
          WHERE i."household_id" = h.id AND i."organisation_id" = ${caller.organisationId}${purposeIs('i', caller.purpose)}
            AND i."since" <= ${isoDate(at)} AND (i."ends_at" IS NULL OR i."ends_at" > ${moment})
        ) AS involved,
        (
          SELECT g."id" FROM "break_glass_grant" g
          WHERE g."household_id" = h.id AND g."professional" = ${caller.subject} AND g."organisation_id" = ${caller.organisationId}${purposeIs('g', caller.purpose)}
            AND g."granted_at" <= ${moment} AND g."expires_at" > ${moment}
          ORDER BY g."granted_at" DESC LIMIT 1
        ) AS grant_id
      FROM unnest(${[...householdIds]}::text[]) AS h(id)`;
    const byHousehold = new Map(rows.map((row) => [row.household_id, row]));
    return householdIds.map((id): Standing => {
      const row = byHousehold.get(id);
      return { involved: row?.involved === true, ...(row?.grant_id ? { breakGlassGrantId: row.grant_id } : {}) };
    });
  });
}

/** `AND <table>.purpose = …`, as activeInvolvementOf: an undefined purpose matches any. */
function purposeIs(table: 'i' | 'g', purpose: string | undefined): Prisma.Sql {
  return purpose !== undefined ? Prisma.sql` AND ${Prisma.raw(table)}."purpose" = ${purpose}` : Prisma.empty;
}

/** The Prisma condition for an active involvement of an organisation for a purpose at a moment. */
export function activeInvolvementOf(organisationId: string, purpose: string | undefined, at: Date) {
  return {
    organisationId,
    ...(purpose !== undefined ? { purpose } : {}),
    since: { lte: isoDate(at) },
    OR: [{ endsAt: null }, { endsAt: { gt: at } }],
  };
}

/** The calendar date (UTC) of a moment, as `since` holds it: 2026-11-24. */
export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}
