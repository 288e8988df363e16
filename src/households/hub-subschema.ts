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

/** Dutch postcode: four digits (not starting with 0) and two letters; a space is allowed. */
export function normalisePostcode(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return /^[1-9]\d{3}[A-Z]{2}$/.test(compact) ? compact : undefined;
}

/** The wijkteam's case registration (households and members) as a local subschema of the gateway. */
export function createHubSubschema() {
  return makeExecutableSchema<HubDataContext>({
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
          const row = await ctx.prisma.household.findFirst({
            where: { postcode, houseNumber: args.houseNumber, houseNumberSuffix: suffix ? { equals: suffix, mode: 'insensitive' } : null },
            select: { id: true },
          });
          if (!row) {
            const address = `${postcode} ${args.houseNumber}${suffix ? ` ${suffix.toUpperCase()}` : ''}`;
            ctx.accessLog.recordKeyed(missedLookupKey(ctx.protector, 'ADDRESS', address), 'Query.householdByAddress');
            return null;
          }
          if (!(await foundIfInvolved(ctx, { kind: 'household', id: row.id }, row.id, 'Query.householdByAddress'))) return null;
          return ctx.households.household.load(row.id);
        },
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
        regisseur: (household: HouseholdRow) =>
          household.regisseurName
            ? { name: household.regisseurName, phone: household.regisseurPhone, organisation: organisationOrNull(household.regisseurOrgId) }
            : null,
        involvement: (household: HouseholdRow) =>
          household.involvement.map((entry) => ({ organisation: organisationOrNull(entry.organisationId), since: entry.since })),
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
