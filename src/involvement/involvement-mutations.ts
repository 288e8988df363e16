import type { GraphQLResolveInfo } from 'graphql';
import { changeWithAccessRecord, operationNameOf } from '../audit/audited-change.ts';
import { missedLookupKey } from '../audit/missed-lookup.ts';
import { badUserInput } from '../request/user-input.ts';
import { householdIdAtAddress } from '../households/address.ts';
import type { HouseholdRow } from '../households/household-loaders.ts';
import type { RequestContext } from '../request/request-context.ts';
import { isInvolved, notInvolvedLookup } from './involvement-guard.ts';
import { type EndInvolvementInput, type IntakeInput, type InvolvementKeyInput, validateEndReason, validateIntakeInput, validateInvolvementKey } from './involvement-input.ts';
import { intakeRefused, mayEndInvolvement, mayRegisterIntake, noSuchHousehold } from './involvement-rules.ts';
import { type Actor, createHousehold, endInvolvement as endStoredInvolvement, hasActiveInvolvement, registerInvolvement } from './involvement-store.ts';

/**
 * Mutation.registerIntake, addInvolvement and endInvolvement: check the input, apply the rules, then
 * write the change and its access record in one transaction (src/audit/audited-change.ts). A refused
 * attempt about a household is recorded as withheld, so a privacy officer sees probing too.
 */

export interface IntakeResult {
  created: boolean;
  alreadyInvolved: boolean;
  household: HouseholdRow | null;
}

/** The aanmelding: the caller's wijkteam becomes involved with the household, which is created if unknown. */
export async function registerIntake(ctx: RequestContext, input: IntakeInput, info: GraphQLResolveInfo): Promise<IntakeResult> {
  const coordinate = 'Mutation.registerIntake';
  if (!mayRegisterIntake(ctx.caller)) throw intakeRefused();
  const intake = validateIntakeInput(input);
  const now = new Date();
  const ownInvolvement = (householdId: string) => ({ householdId, organisationId: ctx.caller.organisationId, purpose: ctx.caller.purpose });
  const existingId = 'bsn' in intake.identifiedBy
    ? await householdIdOfMember(ctx, intake.identifiedBy.bsn)
    : await householdIdAtAddress(ctx.prisma, intake.identifiedBy.address);

  if (existingId) {
    const access = { coordinate, subject: { householdId: existingId }, operationName: operationNameOf(info) };
    const { alreadyInvolved } = await changeWithAccessRecord(ctx, access, (tx) => registerInvolvement(tx, ownInvolvement(existingId), actorOf(ctx), now));
    forgetHousehold(ctx, existingId);
    return { created: false, alreadyInvolved, household: await ctx.households.household.load(existingId) };
  }

  const fresh = intake.newHousehold();
  const knownResident = await ctx.prisma.person.findUnique({ where: { bsnHash: ctx.protector.lookupKey(fresh.resident.bsn) }, select: { id: true } });
  if (knownResident) {
    // Only an intake by address can get here: the resident already lives in another household of the hub.
    ctx.accessLog.record({ kind: 'person', id: knownResident.id }, notInvolvedLookup(coordinate));
    throw badUserInput('input.resident.bsn', 'this resident is registered with another household; register the intake by BSN');
  }
  // The new household has no members before the transaction: the record is about its first resident,
  // under the same protected key the person's later records get.
  const resident = { kind: 'PERSON' as const, subjectKey: ctx.protector.lookupKey(fresh.resident.bsn), subjectEncrypted: ctx.protector.encrypt(fresh.resident.bsn) };
  const access = { coordinate, subject: { protectedSubject: resident }, operationName: operationNameOf(info) };
  const householdId = await changeWithAccessRecord(ctx, access, async (tx) => {
    try {
      const id = await createHousehold(tx, ctx.protector, fresh, actorOf(ctx));
      await registerInvolvement(tx, ownInvolvement(id), actorOf(ctx), now);
      return id;
    } catch (error) {
      // Someone registered this resident at the same moment (bsn_hash is unique): nothing is stored.
      if ((error as { code?: unknown } | null)?.code === 'P2002') {
        throw badUserInput('input.resident.bsn', 'this resident was registered at the same moment; try the intake again');
      }
      throw error;
    }
  });
  return { created: true, alreadyInvolved: false, household: await ctx.households.household.load(householdId) };
}

/** The regisseur adds a partner organisation to a household the caller's organisation is involved with. */
export async function addInvolvement(ctx: RequestContext, input: InvolvementKeyInput, info: GraphQLResolveInfo): Promise<HouseholdRow | null> {
  const coordinate = 'Mutation.addInvolvement';
  const key = validateInvolvementKey(input, ctx.policies);
  if (!(await isInvolved(ctx, key.householdId))) return refuse(ctx, key.householdId, coordinate);
  const access = { coordinate, subject: { householdId: key.householdId }, operationName: operationNameOf(info) };
  await changeWithAccessRecord(ctx, access, (tx) => registerInvolvement(tx, key, actorOf(ctx), new Date()));
  forgetHousehold(ctx, key.householdId);
  return ctx.households.household.load(key.householdId);
}

/** Ends an organisation's involvement for one purpose, now. The next request already counts it. */
export async function endInvolvement(ctx: RequestContext, input: EndInvolvementInput, info: GraphQLResolveInfo): Promise<HouseholdRow | null> {
  const coordinate = 'Mutation.endInvolvement';
  const key = validateInvolvementKey(input, ctx.policies);
  const reason = validateEndReason(input.reason);
  const callerInvolved = await isInvolved(ctx, key.householdId);
  if (!mayEndInvolvement(ctx.caller, key.organisationId, callerInvolved)) return refuse(ctx, key.householdId, coordinate);
  const now = new Date();
  if (!(await hasActiveInvolvement(ctx.prisma, key, now))) {
    // An organisation ending its own involvement that is not there learns no more than about an unknown id.
    if (!callerInvolved) return refuse(ctx, key.householdId, coordinate);
    throw nothingToEnd();
  }
  const access = { coordinate, subject: { householdId: key.householdId }, operationName: operationNameOf(info) };
  await changeWithAccessRecord(ctx, access, async (tx) => {
    if ((await endStoredInvolvement(tx, key, actorOf(ctx), reason, now)) === 0) throw nothingToEnd(); // ended a moment ago
  });
  forgetHousehold(ctx, key.householdId);
  return ctx.households.household.load(key.householdId);
}

function nothingToEnd() {
  return badUserInput('input.organisationId', 'this organisation has no active involvement with this household for this purpose');
}

/**
 * Refuses a change to a household the caller may not change, with the answer for an unknown id. The
 * attempt is recorded: withheld for every member of a household the hub knows, a missed look-up otherwise.
 */
async function refuse(ctx: RequestContext, householdId: string, coordinate: string): Promise<never> {
  if (await ctx.households.household.load(householdId)) ctx.accessLog.record({ kind: 'household', id: householdId }, notInvolvedLookup(coordinate));
  else ctx.accessLog.recordKeyed(missedLookupKey(ctx.protector, 'HOUSEHOLD_ID', householdId), coordinate);
  throw noSuchHousehold();
}

async function householdIdOfMember(ctx: RequestContext, bsn: string): Promise<string | null> {
  const person = await ctx.prisma.person.findUnique({ where: { bsnHash: ctx.protector.lookupKey(bsn) }, select: { householdId: true } });
  return person?.householdId ?? null;
}

/**
 * After a change, what this request read about the household is stale: its row, its involvement
 * list, where the caller stands with it, and the decisions made on that standing. Later fields of the
 * same request decide afresh.
 */
function forgetHousehold(ctx: RequestContext, householdId: string): void {
  ctx.households.household.clear(householdId);
  ctx.households.membersOf.clear(householdId);
  ctx.households.involvementOf.clear(householdId);
  ctx.standing.clear(householdId);
  ctx.decisions.clear();
}

function actorOf(ctx: RequestContext): Actor {
  return { subject: ctx.caller.subject, organisationId: ctx.caller.organisationId };
}

