import type { BreakGlassGrant, Prisma, PrismaClient } from '../db/generated/client.ts';
import type { Caller } from '../auth/caller.ts';
import type { OfficerScope } from '../supervision/officer-scope.ts';
import type { BreakGlassOutcome } from './break-glass-input.ts';

export type GrantRow = BreakGlassGrant;

/** Which reviews an officer asks for. CLOSED is either outcome. */
export type ReviewStatusFilter = 'OPEN' | 'CLOSED' | 'ALL';

type Reader = Pick<PrismaClient, 'breakGlassGrant'>;

/**
 * The caller's own unexpired grant for the household, if any: the same professional, organisation and
 * purpose the standing loader (src/involvement/standing-loader.ts) accepts a grant for.
 */
export function findActiveGrantOf(prisma: Reader, caller: Caller, householdId: string, now: Date): Promise<GrantRow | null> {
  return prisma.breakGlassGrant.findFirst({
    where: { householdId, professional: caller.subject, organisationId: caller.organisationId, purpose: caller.purpose, grantedAt: { lte: now }, expiresAt: { gt: now } },
    orderBy: { grantedAt: 'desc' },
  });
}

export interface NewGrant {
  id: string;
  householdId: string;
  reasonCode: string;
  justification: string;
  grantedAt: Date;
  expiresAt: Date;
}

/** Stores a grant for the caller; the id is chosen beforehand, so the access record can name it. */
export function insertGrant(tx: Prisma.TransactionClient, caller: Caller, grant: NewGrant): Promise<GrantRow> {
  return tx.breakGlassGrant.create({
    data: { ...grant, professional: caller.subject, organisationId: caller.organisationId, roles: [...caller.roles], purpose: caller.purpose },
  });
}

/** What an officer supervises, as a Prisma condition: a hub-wide officer everything, another their organisation's grants. */
function inScope(scope: OfficerScope): Prisma.BreakGlassGrantWhereInput {
  return scope.kind === 'hub' ? {} : { organisationId: scope.organisationId };
}

function withStatus(status: ReviewStatusFilter): Prisma.BreakGlassGrantWhereInput {
  if (status === 'OPEN') return { reviewStatus: 'OPEN' };
  if (status === 'CLOSED') return { reviewStatus: { not: 'OPEN' } };
  return {};
}

/** The grants an officer supervises, newest first. */
export function grantsInScope(prisma: Reader, scope: OfficerScope, status: ReviewStatusFilter): Promise<GrantRow[]> {
  return prisma.breakGlassGrant.findMany({ where: { ...inScope(scope), ...withStatus(status) }, orderBy: [{ grantedAt: 'desc' }, { id: 'asc' }] });
}

/** One grant, only if the officer supervises it: outside the scope it is as unknown as a wrong id. */
export function findGrantInScope(prisma: Reader, scope: OfficerScope, id: string): Promise<GrantRow | null> {
  return prisma.breakGlassGrant.findFirst({ where: { id, ...inScope(scope) } });
}

/** Per grant id: how many access records name it (one per data subject per request). */
export async function accessCounts(prisma: Pick<PrismaClient, 'auditRecord'>, grantIds: readonly string[]): Promise<Map<string, number>> {
  if (grantIds.length === 0) return new Map();
  const groups = await prisma.auditRecord.groupBy({ by: ['breakGlassGrantId'], where: { breakGlassGrantId: { in: [...grantIds] } }, _count: { _all: true } });
  return new Map(groups.map((group) => [group.breakGlassGrantId!, group._count._all]));
}

export interface Reviewer {
  subject: string;
  organisationId: string;
}

/**
 * Closes an open review. Null when it was closed already (by someone else a moment ago, too): the
 * condition on OPEN is part of the UPDATE, so two officers cannot both close it.
 */
export async function closeReview(tx: Prisma.TransactionClient, id: string, outcome: BreakGlassOutcome, note: string, reviewer: Reviewer, at: Date): Promise<GrantRow | null> {
  const { count } = await tx.breakGlassGrant.updateMany({
    where: { id, reviewStatus: 'OPEN' },
    data: { reviewStatus: outcome, reviewNote: note, reviewedBy: reviewer.subject, reviewedByOrganisationId: reviewer.organisationId, reviewedAt: at },
  });
  return count === 1 ? tx.breakGlassGrant.findUnique({ where: { id } }) : null;
}
