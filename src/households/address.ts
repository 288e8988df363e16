import type { Prisma, PrismaClient } from '../db/generated/client.ts';
import { badUserInput, checkFreeText } from '../request/user-input.ts';

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

const MAX_SUFFIX = 10;

/** An address as a look-up gives it: postcode, house number and suffix (the rest is ignored here). */
export interface AddressKeyInput {
  postcode: string;
  houseNumber: number;
  houseNumberSuffix?: string | null;
}

/**
 * Checks the parts of an address that identify a household, as BAD_USER_INPUT naming `<argument>.postcode`,
 * `.houseNumber` or `.houseNumberSuffix` (never the value).
 */
export function checkAddressKey(argument: string, input: AddressKeyInput): AddressKey {
  const postcode = normalisePostcode(input.postcode);
  if (!postcode) throw badUserInput(`${argument}.postcode`, 'invalid postcode: use four digits and two letters, such as 3531CJ');
  if (!Number.isInteger(input.houseNumber) || input.houseNumber < 1 || input.houseNumber > 99999) throw badUserInput(`${argument}.houseNumber`, 'a house number from 1 to 99999');
  const suffix = input.houseNumberSuffix?.trim() || null;
  if (suffix && !new RegExp(`^[\\p{L}\\d][\\p{L}\\d -]{0,${MAX_SUFFIX - 1}}$`, 'u').test(suffix)) {
    throw badUserInput(`${argument}.houseNumberSuffix`, `at most ${MAX_SUFFIX} letters or digits, such as A or bis`);
  }
  if (suffix) checkFreeText(`${argument}.houseNumberSuffix`, suffix, MAX_SUFFIX);
  return { postcode, houseNumber: input.houseNumber, houseNumberSuffix: suffix };
}

/** The address as one string, for the keyed hash of a look-up that found no household there. */
export function addressLookupText(key: AddressKey): string {
  return `${key.postcode} ${key.houseNumber}${key.houseNumberSuffix ? ` ${key.houseNumberSuffix.toUpperCase()}` : ''}`;
}
