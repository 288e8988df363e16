import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { PrismaClient } from '../db/generated/client.ts';
import type { SubjectProtector } from '../crypto/subject-protection.ts';
import { isValidBsn } from '../domain/bsn.ts';
import { findOrganisation } from '../domain/organisations.ts';
import type { HouseholdLoaders, HouseholdRow, PersonRow } from './household-loaders.ts';
import type { AccessLog, Subject } from '../audit/access-log.ts';
import { missedLookupKey } from '../audit/missed-lookup.ts';
import { type GuardContext, lookupStanding, notInvolvedLookup } from '../involvement/involvement-guard.ts';
import { addressLookupText, householdIdAtAddress, normalisePostcode } from './address.ts';
import type { RequestContext } from '../request/request-context.ts';
import { addInvolvement, endInvolvement, registerIntake } from '../involvement/involvement-mutations.ts';
import type { EndInvolvementInput, IntakeInput, InvolvementKeyInput } from '../involvement/involvement-input.ts';
import { visibleInvolvement } from '../involvement/involvement-view.ts';

/** What the hub's own resolvers need from the request context. */
export interface HubDataContext extends GuardContext {
  prisma: PrismaClient;
  protector: SubjectProtector;
  households: HouseholdLoaders;
  accessLog: AccessLog;
}

const HUB_SDL = readFileSync(new URL('../../schema/hub.graphql', import.meta.url), 'utf8');

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export { normalisePostcode } from './address.ts';

/** The wijkteam's case registration (households and members) as a local subschema of the gateway. */
export function createHubSubschema() {
  return makeExecutableSchema<RequestContext>({
    typeDefs: HUB_SDL,
    resolvers: {
      // Every look-up is a read of the case registration, found or not: it leaves an access record whatever
      // the client selects (src/audit/access-log.ts); a miss under the protected look-up key.
      Query: {
        household: async (_root, { id }: { id: string }, ctx) => lookUpHousehold(ctx, 'Query.household', id),
        households: async (_root, { ids }: { ids: string[] }, ctx) => {
          if (ids.length > 100) throw badInput('At most 100 households per request');
          return Promise.all(ids.map((id) => lookUpHousehold(ctx, 'Query.households', id)));
        },
        householdByMemberBsn: async (_root, { bsn }: { bsn: string }, ctx) => {
          const person = await personByBsn(bsn, ctx, 'Query.householdByMemberBsn');
          // The answer tells that this person is a client; the other members count once their data is selected.
          if (!person || !(await foundIfInvolved(ctx, { kind: 'person', id: person.id }, person.householdId, 'Query.householdByMemberBsn'))) return null;
          return ctx.households.household.load(person.householdId);
        },
        personByBsn: async (_root, { bsn }: { bsn: string }, ctx) => {
          const person = await personByBsn(bsn, ctx, 'Query.personByBsn');
          if (!person || !(await foundIfInvolved(ctx, { kind: 'person', id: person.id }, person.householdId, 'Query.personByBsn'))) return null;
          return person;
        },
        householdByAddress: async (_root, args: { postcode: string; houseNumber: number; houseNumberSuffix?: string | null }, ctx) => {
          const postcode = normalisePostcode(args.postcode);
          if (!postcode) throw badInput('Invalid postcode: use four digits and two letters, such as 3531CJ');
          if (args.houseNumber < 1 || args.houseNumber > 99999) throw badInput('Invalid house number');
          const suffix = args.houseNumberSuffix?.trim() || null;
          const householdId = await householdIdAtAddress(ctx.prisma, { postcode, houseNumber: args.houseNumber, houseNumberSuffix: suffix });
          if (!householdId) {
            const address = addressLookupText({ postcode, houseNumber: args.houseNumber, houseNumberSuffix: suffix });
            ctx.accessLog.recordKeyed(missedLookupKey(ctx.protector, 'ADDRESS', address), 'Query.householdByAddress');
            return null;
          }
          if (!(await foundIfInvolved(ctx, { kind: 'household', id: householdId }, householdId, 'Query.householdByAddress'))) return null;
          return ctx.households.household.load(householdId);
        },
      },
      // Registering and ending involvement (src/involvement): each change with its access record in one
      // transaction. They return the hub's own objects only (no stitching merge needed).
      Mutation: {
        registerIntake: (_root, { input }: { input: IntakeInput }, ctx, info) => registerIntake(ctx, input, info),
        addInvolvement: (_root, { input }: { input: InvolvementKeyInput }, ctx, info) => addInvolvement(ctx, input, info),
        endInvolvement: (_root, { input }: { input: EndInvolvementInput }, ctx, info) => endInvolvement(ctx, input, info),
      },
      Household: {
        address: (household: HouseholdRow) => ({
          street: household.street,
          houseNumber: household.houseNumber,
          houseNumberSuffix: household.houseNumberSuffix,
          postcode: household.postcode,
          city: household.city,
        }),
        members: (household: HouseholdRow, _args, ctx) => ctx.households.membersOf.load(household.id),
        // A household registered by an intake has a regisseur organisation before a named regisseur.
        regisseur: (household: HouseholdRow) =>
          household.regisseurName || household.regisseurOrgId
            ? { name: household.regisseurName, phone: household.regisseurPhone, organisation: organisationOrNull(household.regisseurOrgId) }
            : null,
        involvement: async (household: HouseholdRow, _args, ctx) => visibleInvolvement(await ctx.households.involvementOf.load(household.id), new Date()),
      },
      Person: {
        bsn: (person: PersonRow, _args, ctx) => ctx.protector.decrypt(person.bsnEncrypted),
      },
    },
  });
}

async function personByBsn(bsn: string, ctx: HubDataContext, lookup: string): Promise<PersonRow | null> {
  if (!isValidBsn(bsn)) throw badInput('Invalid BSN: it must be 9 digits and pass the elfproef');
  const person = await ctx.prisma.person.findUnique({ where: { bsnHash: ctx.protector.lookupKey(bsn) } });
  if (person) ctx.households.person.prime(person.id, person);
  else ctx.accessLog.recordKeyed(missedLookupKey(ctx.protector, 'BSN', bsn), lookup);
  return person;
}

/**
 * A look-up by BSN or address found someone. A caller whose organisation is not involved with their
 * household gets the answer for someone unknown (null, nothing else), and the attempt is recorded under
 * the person as a withheld look-up (NOT_INVOLVED). Returns whether the look-up may answer.
 */
async function foundIfInvolved(ctx: HubDataContext, subject: Subject, householdId: string, lookup: string): Promise<boolean> {
  const standing = await lookupStanding(ctx, householdId);
  ctx.accessLog.recordLookup(subject, lookup, standing.allowed ? standing.breakGlassGrantId : undefined);
  if (!standing.allowed) ctx.accessLog.record(subject, notInvolvedLookup(lookup));
  return standing.allowed;
}

async function lookUpHousehold(ctx: HubDataContext, lookup: string, id: string): Promise<HouseholdRow | null> {
  const household = await ctx.households.household.load(id);
  if (household) ctx.accessLog.recordLookup({ kind: 'household', id }, lookup);
  else ctx.accessLog.recordKeyed(missedLookupKey(ctx.protector, 'HOUSEHOLD_ID', id), lookup);
  return household;
}

function organisationOrNull(id: string | null) {
  return (id && findOrganisation(id)) || null;
}
