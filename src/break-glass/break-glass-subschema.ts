import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { changeWithAccessRecord, operationNameOf } from '../audit/audited-change.ts';
import type { Subject } from '../audit/access-log.ts';
import { missedLookupKey } from '../audit/missed-lookup.ts';
import { isInvolved } from '../involvement/involvement-guard.ts';
import { decideForSubject } from '../request/field-decision.ts';
import type { RequestContext } from '../request/request-context.ts';
import { officerScope } from '../supervision/officer-scope.ts';
import { badUserInput } from '../request/user-input.ts';
import { type CloseBreakGlassReviewInput, type DeclareEmergencyAccessInput, type EmergencyTarget, validateCloseInput, validateDeclareInput } from './break-glass-input.ts';
import { addressLookupText, householdIdAtAddress } from '../households/address.ts';
import { accessCounts, closeReview, findActiveGrantOf, findGrantInScope, grantsInScope, insertGrant, type ReviewStatusFilter } from './break-glass-store.ts';
import { grantView, reviewView } from './break-glass-view.ts';
import { rolesOfPolicy, requireRole } from './break-glass-roles.ts';

const BREAK_GLASS_SDL = readFileSync(new URL('../../schema/break-glass.graphql', import.meta.url), 'utf8');

const DECLARE = 'Mutation.declareEmergencyAccess';
const REVIEWS = 'Query.breakGlassReviews';
const CLOSE = 'Mutation.closeBreakGlassReview';

/**
 * Break-the-glass as a local subschema (registered in src/gateway/local-subschemas.ts). Who may call each
 * root is the field policy's (schema/field-policies.yaml); the resolvers check the role again, apply
 * the row rule themselves (a root field is not about a household for the decision) and write the
 * access records of what they hand out.
 */
export function createBreakGlassSubschema() {
  return makeExecutableSchema<RequestContext>({
    typeDefs: BREAK_GLASS_SDL,
    resolvers: {
      Mutation: {
        declareEmergencyAccess: async (_root, { input }: { input: DeclareEmergencyAccessInput }, ctx, info) => {
          requireRole(ctx.caller, ctx.policies.breakGlass.roles, DECLARE);
          const valid = validateDeclareInput(input, ctx.policies.breakGlass);
          const householdId = await householdNamedBy(ctx, valid.target);
          if (await isInvolved(ctx, householdId)) {
            throw badUserInput('input.householdId', 'your organisation is involved with this household for your purpose; no emergency access is needed');
          }
          const subject: Subject = { kind: 'household', id: householdId };
          const now = new Date();
          const existing = await findActiveGrantOf(ctx.prisma, ctx.caller, householdId, now);
          if (existing) {
            // Declared before and still running: the same grant, handed out again, and that is a read under it.
            ctx.accessLog.record(subject, await decideForSubject(ctx, DECLARE, undefined));
            ctx.accessLog.recordLookup(subject, DECLARE, existing.id);
            return grantView(existing, ctx.policies);
          }
          const grant = { householdId, reasonCode: valid.reasonCode, justification: valid.justification, id: randomUUID(), grantedAt: now, expiresAt: new Date(now.getTime() + ctx.policies.breakGlass.durationMinutes * 60_000) };
          // The record of the declaration names the grant: it is the first processing under it.
          const access = { coordinate: DECLARE, subject: { householdId }, operationName: operationNameOf(info), breakGlassGrantId: grant.id };
          const row = await changeWithAccessRecord(ctx, access, async (tx) => {
            // Audited changes take turns on the access-log chain, so this second look sees a grant a parallel
            // request of the same caller stored a moment ago: never two grants, never a record of one not stored.
            if (await findActiveGrantOf(tx, ctx.caller, householdId, now)) {
              throw badUserInput('input.householdId', 'you declared an emergency for this household a moment ago; declare again to get that grant');
            }
            return insertGrant(tx, ctx.caller, grant);
          });
          return grantView(row, ctx.policies);
        },
        closeBreakGlassReview: async (_root, { input }: { input: CloseBreakGlassReviewInput }, ctx, info) => {
          requireRole(ctx.caller, rolesOfPolicy(ctx.policies, CLOSE), CLOSE);
          const valid = validateCloseInput(input);
          const existing = await findGrantInScope(ctx.prisma, officerScope(ctx.policies, ctx.caller), valid.id);
          // Another organisation's grant answers exactly as an unknown id: no oracle for what others did.
          if (!existing) throw badUserInput('input.id', 'no break-the-glass grant with this id in your supervision');
          if (existing.reviewStatus !== 'OPEN') throw badUserInput('input.id', 'this review is already closed');
          const access = { coordinate: CLOSE, subject: { householdId: existing.householdId }, operationName: operationNameOf(info) };
          const reviewer = { subject: ctx.caller.subject, organisationId: ctx.caller.organisationId };
          const closed = await changeWithAccessRecord(ctx, access, async (tx) => {
            const row = await closeReview(tx, valid.id, valid.outcome, valid.note, reviewer, new Date());
            if (!row) throw badUserInput('input.id', 'this review is already closed');
            return row;
          });
          const counts = await accessCounts(ctx.prisma, [closed.id]);
          return reviewView(closed, counts.get(closed.id) ?? 0, ctx.policies, new Date());
        },
      },
      Query: {
        breakGlassReviews: async (_root, { status }: { status: ReviewStatusFilter }, ctx) => {
          requireRole(ctx.caller, rolesOfPolicy(ctx.policies, REVIEWS), REVIEWS);
          const rows = await grantsInScope(ctx.prisma, officerScope(ctx.policies, ctx.caller), status);
          const counts = await accessCounts(ctx.prisma, rows.map((row) => row.id));
          await recordOfficerRead(ctx, new Set(rows.map((row) => row.householdId)));
          const now = new Date();
          return rows.map((row) => reviewView(row, counts.get(row.id) ?? 0, ctx.policies, now));
        },
      },
    },
  });
}

/**
 * The household the emergency is about, by id, a member's BSN or its address. One that the hub does not
 * know is a look-up that missed: recorded under its protected key, and refused naming the argument.
 */
async function householdNamedBy(ctx: RequestContext, target: EmergencyTarget): Promise<string> {
  if ('householdId' in target) {
    if (await ctx.households.household.load(target.householdId)) return target.householdId;
    ctx.accessLog.recordKeyed(missedLookupKey(ctx.protector, 'HOUSEHOLD_ID', target.householdId), DECLARE);
    throw badUserInput('input.householdId', 'no household with this id');
  }
  if ('bsn' in target) {
    const person = await ctx.prisma.person.findUnique({ where: { bsnHash: ctx.protector.lookupKey(target.bsn) }, select: { householdId: true } });
    if (person) return person.householdId;
    ctx.accessLog.recordKeyed(missedLookupKey(ctx.protector, 'BSN', target.bsn), DECLARE);
    throw badUserInput('input.bsn', 'no household with a member with this BSN');
  }
  const householdId = await householdIdAtAddress(ctx.prisma, target.address);
  if (householdId) return householdId;
  ctx.accessLog.recordKeyed(missedLookupKey(ctx.protector, 'ADDRESS', addressLookupText(target.address)), DECLARE);
  throw badUserInput('input.address', 'no household at this address');
}

/**
 * The officer's read is processing too (AVG art. 5(2)): a record for every member of each household whose
 * grant was handed out, released on the officer's own basis. It is not made under the grant, so it does
 * not count as an access under it. An empty list hands out nobody's data and leaves no record.
 */
async function recordOfficerRead(ctx: RequestContext, householdIds: ReadonlySet<string>): Promise<void> {
  const decision = await decideForSubject(ctx, REVIEWS, undefined);
  for (const id of householdIds) {
    const subject: Subject = { kind: 'household', id };
    ctx.accessLog.record(subject, decision);
    ctx.accessLog.recordLookup(subject, REVIEWS);
  }
}

