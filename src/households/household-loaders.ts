import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/generated/client.ts';
import type { InvolvementRow } from '../involvement/involvement-view.ts';
import { isoDate } from '../involvement/standing-loader.ts';

/** Rows of the wijkteam's case registration, as read per request (batched and cached by DataLoader). */
export interface HouseholdRow {
  id: string;
  street: string;
  houseNumber: number;
  houseNumberSuffix: string | null;
  postcode: string;
  city: string;
  regisseurName: string | null;
  regisseurPhone: string | null;
  regisseurOrgId: string | null;
}

export interface PersonRow {
  id: string;
  householdId: string;
  bsnHash: string;
  bsnEncrypted: string;
  givenName: string;
  familyName: string;
  birthDate: string;
}

export interface HouseholdLoaders {
  household: DataLoader<string, HouseholdRow | null>;
  membersOf: DataLoader<string, PersonRow[]>;
  person: DataLoader<string, PersonRow | null>;
  /**
   * A household's active involvements (started, not ended), read only when `Household.involvement` is
   * selected; what may be shown of them: src/involvement/involvement-view.ts.
   */
  involvementOf: DataLoader<string, InvolvementRow[]>;
}

/** One set per request: one database round trip per kind of row, however many households are asked for, and none for what the query does not select. */
export function createHouseholdLoaders(prisma: PrismaClient): HouseholdLoaders {
  const person = new DataLoader<string, PersonRow | null>(async (ids) => {
    const rows = await prisma.person.findMany({ where: { id: { in: [...ids] } } });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  });
  const membersOf = new DataLoader<string, PersonRow[]>(async (householdIds) => {
    const rows = await prisma.person.findMany({ where: { householdId: { in: [...householdIds] } }, orderBy: { id: 'asc' } });
    for (const row of rows) person.prime(row.id, row);
    return householdIds.map((id) => rows.filter((row) => row.householdId === id));
  });
  const household = new DataLoader<string, HouseholdRow | null>(async (ids) => {
    const rows = await prisma.household.findMany({ where: { id: { in: [...ids] } } });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  });
  const involvementOf = new DataLoader<string, InvolvementRow[]>(async (householdIds) => {
    const now = new Date();
    const rows = await prisma.involvement.findMany({
      where: { householdId: { in: [...householdIds] }, since: { lte: isoDate(now) }, OR: [{ endsAt: null }, { endsAt: { gt: now } }] },
      select: { householdId: true, organisationId: true, purpose: true, since: true, endsAt: true },
      orderBy: [{ since: 'asc' }, { organisationId: 'asc' }],
    });
    return householdIds.map((id) => rows.filter((row) => row.householdId === id).map(({ householdId: _household, ...involvement }) => involvement));
  });
  return { household, membersOf, person, involvementOf };
}
