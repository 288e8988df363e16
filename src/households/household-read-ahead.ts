import type DataLoader from 'dataloader';
import { Prisma } from '../db/generated/client.ts';
import type { Standing } from '../policy/need-to-know.ts';
import { readStandingWith } from '../involvement/standing-loader.ts';
import type { HouseholdLoaders, HouseholdRow, PersonRow } from './household-loaders.ts';

/** A household's row and its members' rows, as the standing's statement selects them alongside. */
interface HouseholdAhead {
  household: HouseholdRow;
  members: PersonRow[];
}

/**
 * Households asked for by id (`household(id)`, `households(ids)`), read before execution in one statement
 * with where the caller stands with them (and the members' consents, when the query needs them): the
 * standing's statement (src/involvement/standing-loader.ts) selects each household's row and its members'
 * rows alongside. The request's loaders are primed with what it brings, so the resolvers, the decisions
 * and the access log find it there: one round trip where there were three (household, members,
 * standing), and the adapters' calls leave two round trips sooner.
 *
 * Nothing is read that the request would not read itself: the members of a household that was found are
 * read for its access record whatever the query selects (src/audit/audit-writer.ts). A household that
 * does not exist is null, as the household loader answers; a failed read fails every primed key, and the
 * resolvers and decisions fail on it as they would on their own reads.
 */
export function readHouseholdsAhead(
  loaders: { households: HouseholdLoaders; standing: DataLoader<string, Standing> },
  householdIds: readonly string[],
): void {
  const read = readStandingWith<HouseholdAhead>(loaders.standing, householdIds, HOUSEHOLD_WITH_MEMBERS);
  const { household, membersOf, person } = loaders.households;
  read.then((byId) => {
    for (const ahead of byId.values()) for (const row of ahead?.members ?? []) person.prime(row.id, row);
  }, () => undefined);
  for (const id of householdIds) {
    const ahead = read.then((byId) => byId.get(id) ?? null);
    household.prime(id, handled(ahead.then((found) => found?.household ?? null)));
    membersOf.prime(id, handled(ahead.then((found) => found?.members ?? [])));
  }
}

/** A promise whose rejection nobody may await (a key the request never loads): not an unhandled rejection. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Over the standing's `h.id`: null when no such household. The keys are the fields of HouseholdRow and
 * PersonRow (src/households/household-loaders.ts); the members in the order the members loader reads them.
 */
const HOUSEHOLD_WITH_MEMBERS = Prisma.sql`(SELECT json_build_object(
  'household', json_build_object('id', x."id", 'street', x."street", 'houseNumber', x."house_number",
    'houseNumberSuffix', x."house_number_suffix", 'postcode', x."postcode", 'city', x."city", 'regisseurName', x."regisseur_name",
    'regisseurPhone', x."regisseur_phone", 'regisseurOrgId', x."regisseur_org_id"),
  'members', (SELECT coalesce(json_agg(json_build_object('id', p."id", 'householdId', p."household_id", 'bsnHash', p."bsn_hash",
    'bsnEncrypted', p."bsn_encrypted", 'givenName', p."given_name", 'familyName', p."family_name", 'birthDate', p."birth_date") ORDER BY p."id"), '[]'::json)
    FROM "person" p WHERE p."household_id" = x."id"))
  FROM "household" x WHERE x."id" = h.id)`;
