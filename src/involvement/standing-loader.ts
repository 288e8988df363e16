import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/generated/client.ts';
import type { Caller } from '../auth/caller.ts';
import type { Standing } from '../policy/need-to-know.ts';

/**
 * Where the caller stands with each household asked about in this request: is the caller's organisation
 * actively involved with it for the caller's purpose, and has the caller an unexpired break-the-glass
 * grant for it. Two database round trips for all households of the request, read only when a decision
 * or look-up needs it; a new loader per request, so an involvement ended a moment ago counts at once.
 */
export function createStandingLoader(prisma: Pick<PrismaClient, 'involvement' | 'breakGlassGrant'>, caller: Caller, now: () => Date = () => new Date()): DataLoader<string, Standing> {
  return new DataLoader(async (householdIds) => {
    const at = now();
    const ids = [...householdIds];
    const [involvements, grants] = await Promise.all([
      prisma.involvement.findMany({
        where: { householdId: { in: ids }, ...activeInvolvementOf(caller.organisationId, caller.purpose, at) },
        select: { householdId: true },
      }),
      prisma.breakGlassGrant.findMany({
        where: { householdId: { in: ids }, professional: caller.subject, organisationId: caller.organisationId, purpose: caller.purpose, grantedAt: { lte: at }, expiresAt: { gt: at } },
        select: { id: true, householdId: true },
        orderBy: { grantedAt: 'desc' },
      }),
    ]);
    const involved = new Set(involvements.map((row) => row.householdId));
    return ids.map((id): Standing => {
      const grant = grants.find((row) => row.householdId === id);
      return { involved: involved.has(id), ...(grant ? { breakGlassGrantId: grant.id } : {}) };
    });
  });
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
