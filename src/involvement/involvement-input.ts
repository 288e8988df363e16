import { isValidBsn } from '../domain/bsn.ts';
import { findOrganisation } from '../domain/organisations.ts';
import { badUserInput, checkFreeText, containsBsn } from '../request/user-input.ts';
import { parseMoment } from '../consent/consent-input.ts';
import { type AddressKey, checkAddressKey } from '../households/address.ts';
import type { PolicySet } from '../policy/policy-types.ts';

/**
 * The involvement mutations' input as GraphQL delivers it, and its checks. Everything here needs no
 * database, so a bad input is refused the same way whoever the household is. Messages never repeat a
 * value (it may be a BSN); each names its argument, as src/consent/consent-input.ts does.
 */

export interface AddressInput {
  postcode: string;
  houseNumber: number;
  houseNumberSuffix?: string | null;
  street?: string | null;
  city?: string | null;
}

export interface ResidentInput {
  bsn?: string | null;
  givenName: string;
  familyName: string;
  birthDate: string;
  address?: AddressInput | null;
}

export interface IntakeInput {
  bsn?: string | null;
  address?: AddressInput | null;
  resident?: ResidentInput | null;
}

export interface InvolvementKeyInput {
  householdId: string;
  organisationId: string;
  purpose: string;
}

export interface EndInvolvementInput extends InvolvementKeyInput {
  reason?: string | null;
}

/** An address as checked: the key that finds a household, and street and city when given. */
export interface CheckedAddress extends AddressKey {
  street: string | null;
  city: string | null;
}

/** What a new household needs: a full address and its first resident (BSN still in clear text). */
export interface NewHousehold {
  address: AddressKey & { street: string; city: string };
  resident: { bsn: string; givenName: string; familyName: string; birthDate: string };
}

/** A checked intake: how the household is found, and what to create if the hub does not know it. */
export interface ValidIntake {
  identifiedBy: { bsn: string } | { address: CheckedAddress };
  /**
   * The household to create when none is found. Throws BAD_USER_INPUT when the input cannot make one
   * (no resident, an incomplete address): asked only when a household must be created.
   */
  newHousehold: () => NewHousehold;
}

const MAX_NAME = 100;
const MAX_STREET = 200;
const MAX_CITY = 100;
const MAX_REASON = 500;
const MAX_ID = 100;

export function validateIntakeInput(input: IntakeInput): ValidIntake {
  const hasBsn = input.bsn !== undefined && input.bsn !== null;
  const hasAddress = input.address !== undefined && input.address !== null;
  if (hasBsn === hasAddress) throw badUserInput('input', 'give exactly one of bsn and address to find the household');
  if (hasBsn && !isValidBsn(input.bsn!)) throw badUserInput('input.bsn', 'invalid BSN: it must be 9 digits and pass the elfproef');
  const address = hasAddress ? checkAddress('input.address', input.address!) : null;
  const resident = input.resident ?? null;
  if (resident) {
    if (hasBsn && resident.bsn != null) throw badUserInput('input.resident.bsn', 'leave empty for an intake by BSN: the resident is input.bsn');
    if (hasAddress && resident.address != null) throw badUserInput('input.resident.address', 'leave empty for an intake by address: the address is input.address');
    if (resident.bsn != null && !isValidBsn(resident.bsn)) throw badUserInput('input.resident.bsn', 'invalid BSN: it must be 9 digits and pass the elfproef');
  }
  const checkedResident = resident ? checkResident(resident) : null;
  const residentAddress = resident?.address ? checkAddress('input.resident.address', resident.address) : null;

  const newHousehold = (): NewHousehold => {
    if (!checkedResident) throw badUserInput('input.resident', 'the hub knows no such household: give the resident (givenName, familyName, birthDate) to register it');
    const bsn = hasBsn ? input.bsn! : resident!.bsn;
    if (!bsn) throw badUserInput('input.resident.bsn', 'the hub knows no household at this address: give the resident\'s BSN to register it');
    const home = hasAddress ? { argument: 'input.address', value: address! } : { argument: 'input.resident.address', value: residentAddress };
    if (!home.value) throw badUserInput(home.argument, 'the hub knows no such household: give the resident\'s full address to register it');
    if (!home.value.street) throw badUserInput(`${home.argument}.street`, 'a new household needs its street');
    if (!home.value.city) throw badUserInput(`${home.argument}.city`, 'a new household needs its city');
    return { address: { ...home.value, street: home.value.street, city: home.value.city }, resident: { ...checkedResident, bsn } };
  };
  return { identifiedBy: hasBsn ? { bsn: input.bsn! } : { address: address! }, newHousehold };
}

/** An organisation and purpose to register with a household: in the register, never GGZ, a policy purpose. */
export function validateInvolvementKey(input: InvolvementKeyInput, policies: PolicySet): InvolvementKeyInput {
  checkId('input.householdId', input.householdId);
  const organisation = findOrganisation(input.organisationId);
  if (!organisation) throw badUserInput('input.organisationId', 'unknown organisation');
  // That someone is in GGZ care is itself health data (AVG art. 9): a GGZ involvement is never registered
  // (nor ended) here, whoever asks and whichever household it is.
  if (organisation.kind === 'MENTAL_HEALTH_CARE') throw badUserInput('input.organisationId', 'a mental health care involvement is health data and is not registered in the hub');
  if (!policies.purposes.has(input.purpose)) {
    throw badUserInput('input.purpose', `unknown purpose; use one of ${[...policies.purposes.keys()].join(', ')}`);
  }
  return { householdId: input.householdId, organisationId: input.organisationId, purpose: input.purpose };
}

export function validateEndReason(reason: string | null | undefined): string | null {
  const text = reason?.trim() || null;
  if (text) checkText('input.reason', text, MAX_REASON);
  return text;
}

function checkAddress(argument: string, input: AddressInput): CheckedAddress {
  const key = checkAddressKey(argument, input);
  const street = input.street?.trim() || null;
  if (street) checkText(`${argument}.street`, street, MAX_STREET);
  const city = input.city?.trim() || null;
  if (city) checkText(`${argument}.city`, city, MAX_CITY);
  return { ...key, street, city };
}

function checkResident(resident: ResidentInput): { givenName: string; familyName: string; birthDate: string } {
  const givenName = resident.givenName.trim();
  const familyName = resident.familyName.trim();
  if (!givenName) throw badUserInput('input.resident.givenName', 'required');
  if (!familyName) throw badUserInput('input.resident.familyName', 'required');
  checkText('input.resident.givenName', givenName, MAX_NAME);
  checkText('input.resident.familyName', familyName, MAX_NAME);
  return { givenName, familyName, birthDate: checkBirthDate(resident.birthDate) };
}

/** A calendar date (1987-12-08), not in the future and not before 1900. */
function checkBirthDate(value: string): string {
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw badUserInput('input.resident.birthDate', 'not an ISO 8601 date such as 1987-12-08');
  const moment = parseMoment('input.resident.birthDate', text);
  if (moment.getTime() > Date.now() || text < '1900-01-01') throw badUserInput('input.resident.birthDate', 'not a possible birth date');
  return text;
}

function checkId(argument: string, id: string): void {
  if (!id.trim() || id.length > MAX_ID) throw badUserInput(argument, `an id of 1 to ${MAX_ID} characters`);
}

/** Free text ends up in the registration and in logs: keep it short and BSN-free. */
function checkText(argument: string, text: string, max: number): void {
  checkFreeText(argument, text, max);
}
