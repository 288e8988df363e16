import type { Prisma, PrismaClient } from '../db/generated/client.ts';

/** Dutch postcode: four digits (not starting with 0) and two letters; a space is allowed. */
export function normalisePostcode(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return /^[1-9]\d{3}[A-Z]{2}$/.test(compact) ? compact : undefined;
}

/** What identifies a household's address: postcode (normalised), house number and suffix (or null). */
export interface AddressKey {
  postcode: string;
  houseNumber: number;
  houseNumberSuffix: string | null;
}

/** The id of the household at this address, if the registration knows one. The suffix compares case-insensitively. */
export async function householdIdAtAddress(prisma: PrismaClient | Prisma.TransactionClient, key: AddressKey): Promise<string | null> {
  const row = await prisma.household.findFirst({
    where: {
      postcode: key.postcode,
      houseNumber: key.houseNumber,
      houseNumberSuffix: key.houseNumberSuffix ? { equals: key.houseNumberSuffix, mode: 'insensitive' } : null,
    },
    select: { id: true },
  });
  return row?.id ?? null;
}
