import { GraphQLError } from 'graphql';
import { isValidBsn } from '../domain/bsn.ts';
import { findOrganisation } from '../domain/organisations.ts';
import type { PolicySet } from '../policy/policy-types.ts';

/** How the consent was given, as recorded evidence. */
export type EvidenceMethod = 'WRITTEN' | 'VERBAL' | 'DIGITAL';

/** Who gave the consent: the person themself or their legal representative (curator, mentor, parent). */
export type GivenBy = 'DATA_SUBJECT' | 'LEGAL_REPRESENTATIVE';

/** `Mutation.recordConsent(input)` as GraphQL delivers it (enums already checked by GraphQL). */
export interface RecordConsentInput {
  bsn: string;
  givenBy: GivenBy;
  representativeName?: string | null;
  evidenceMethod: EvidenceMethod;
  evidenceReference: string;
  category: string;
  granteeOrganisationId: string;
  purpose: string;
  validFrom: string;
  validUntil?: string | null;
}

/** A checked consent to record; the BSN is still in clear text and must only be hashed or encrypted. */
export interface ValidConsent {
  bsn: string;
  givenBy: GivenBy;
  representativeName: string | null;
  evidenceMethod: EvidenceMethod;
  evidenceReference: string;
  category: string;
  granteeOrganisationId: string;
  purpose: string;
  validFrom: Date;
  validUntil: Date | null;
}

const MAX_TEXT = 200;
const MAX_WITHDRAWAL_REASON = 500;

/**
 * BAD_USER_INPUT naming the offending argument. Messages never repeat the value: it may be a BSN.
 * The argument is in the message too, because the gateway passes only the code of an input error on.
 */
export function badUserInput(argument: string, problem: string): GraphQLError {
  return new GraphQLError(`${argument}: ${problem}`, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

/** Checks everything that needs no database; throws the first problem as BAD_USER_INPUT. */
export function validateRecordConsentInput(input: RecordConsentInput, policies: PolicySet): ValidConsent {
  if (!isValidBsn(input.bsn)) throw badUserInput('input.bsn', 'invalid BSN: it must be 9 digits and pass the elfproef');
  const representativeName = input.representativeName?.trim() || null;
  if (input.givenBy === 'LEGAL_REPRESENTATIVE' && !representativeName) {
    throw badUserInput('input.representativeName', 'name the legal representative who gave the consent');
  }
  if (input.givenBy === 'DATA_SUBJECT' && representativeName) {
    throw badUserInput('input.representativeName', 'only for consent given by a LEGAL_REPRESENTATIVE');
  }
  if (representativeName) checkText('input.representativeName', representativeName);
  const evidenceReference = input.evidenceReference.trim();
  if (!evidenceReference) throw badUserInput('input.evidenceReference', 'give the reference of the evidence (document number, conversation note)');
  checkText('input.evidenceReference', evidenceReference);
  if (!policies.categories.has(input.category)) {
    throw badUserInput('input.category', `unknown category; use one of ${[...policies.categories.keys()].join(', ')}`);
  }
  if (!findOrganisation(input.granteeOrganisationId)) throw badUserInput('input.granteeOrganisationId', 'unknown organisation');
  if (!policies.purposes.has(input.purpose)) {
    throw badUserInput('input.purpose', `unknown purpose; use one of ${[...policies.purposes.keys()].join(', ')}`);
  }
  const validFrom = parseMoment('input.validFrom', input.validFrom);
  const validUntil = input.validUntil ? parseMoment('input.validUntil', input.validUntil) : null;
  if (validUntil && validUntil <= validFrom) throw badUserInput('input.validUntil', 'the period must end after it starts (validUntil after validFrom)');
  return {
    bsn: input.bsn,
    givenBy: input.givenBy,
    representativeName,
    evidenceMethod: input.evidenceMethod,
    evidenceReference,
    category: input.category,
    granteeOrganisationId: input.granteeOrganisationId,
    purpose: input.purpose,
    validFrom,
    validUntil,
  };
}

export function validateWithdrawalReason(reason: string | null | undefined): string | null {
  const text = reason?.trim() || null;
  if (text && text.length > MAX_WITHDRAWAL_REASON) throw badUserInput('reason', `at most ${MAX_WITHDRAWAL_REASON} characters`);
  if (text && containsBsn(text)) throw badUserInput('reason', 'must not contain a BSN');
  return text;
}

/** Free text ends up in receipts, FHIR exports and logs of partners: keep it short and BSN-free. */
function checkText(argument: string, text: string): void {
  if (text.length > MAX_TEXT) throw badUserInput(argument, `at most ${MAX_TEXT} characters`);
  if (containsBsn(text)) throw badUserInput(argument, 'must not contain a BSN');
}

export function containsBsn(text: string): boolean {
  return (text.match(/(?<!\d)\d{9}(?!\d)/g) ?? []).some(isValidBsn);
}

const MOMENT = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * An ISO 8601 date (`2026-03-01`, midnight UTC, as the demo data) or date-time with a zone
 * (`2026-03-01T09:00:00+01:00`). Impossible dates such as 2026-02-30 are refused, not rolled over.
 */
export function parseMoment(argument: string, value: string): Date {
  const match = MOMENT.exec(value.trim());
  const moment = match ? new Date(value.trim()) : null;
  if (!match || !moment || Number.isNaN(moment.getTime())) {
    throw badUserInput(argument, 'not an ISO 8601 date (2026-03-01) or date-time with zone (2026-03-01T09:00:00+01:00)');
  }
  const [, year, month, day] = match.map(Number);
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) throw badUserInput(argument, 'no such date');
  return moment;
}
