import { GraphQLError } from 'graphql';
import { badUserInput, checkFreeText } from '../request/user-input.ts';
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
  /** Optional: now when left out. Never in the past (src/consent/consent-input.ts `parseValidFrom`). */
  validFrom?: string | null;
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

/** `withdrawConsent(onBehalfOfResident)`: how the resident asked for the withdrawal, as evidence. */
export interface OnBehalfOfResidentInput {
  evidenceMethod: EvidenceMethod;
  evidenceReference: string;
}

const MAX_TEXT = 200;
/** A client clock a little ahead of ours is no backdating: validFrom up to this far in the past counts as now. */
export const CLOCK_SLACK_MS = 5 * 60_000;
/** The calendar the residents and professionals live in: a date-only validFrom of today here means now. */
const LOCAL_TIME_ZONE = 'Europe/Amsterdam';
const MAX_WITHDRAWAL_REASON = 500;


/** Checks everything that needs no database; throws the first problem as BAD_USER_INPUT. */
export function validateRecordConsentInput(input: RecordConsentInput, policies: PolicySet, now = new Date()): ValidConsent {
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
  const validFrom = parseValidFrom(input.validFrom, now);
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

/** The evidence of a withdrawal asked for by the resident through a professional who is not its grantee or recorder. */
export function validateOnBehalfOfResident(input: OnBehalfOfResidentInput): OnBehalfOfResidentInput {
  const evidenceReference = input.evidenceReference.trim();
  if (!evidenceReference) throw badUserInput('onBehalfOfResident.evidenceReference', 'give the reference of the resident\'s request (document number, conversation note)');
  checkText('onBehalfOfResident.evidenceReference', evidenceReference);
  return { evidenceMethod: input.evidenceMethod, evidenceReference };
}

export function validateWithdrawalReason(reason: string | null | undefined): string | null {
  const text = reason?.trim() || null;
  if (text) checkFreeText('reason', text, MAX_WITHDRAWAL_REASON);
  return text;
}

/** Free text ends up in receipts, FHIR exports and logs of partners: keep it short and BSN-free. */
function checkText(argument: string, text: string): void {
  checkFreeText(argument, text, MAX_TEXT);
}

/**
 * When a consent starts to apply: now when not given. A consent is not backdated: it never covers
 * processing that happened before the resident agreed, so a moment before now (beyond a few minutes of
 * clock slack) is refused. A date-only value of today (in Amsterdam) means now; a later date means that
 * date (midnight UTC, as `parseMoment`). A moment within the slack is taken as now.
 */
export function parseValidFrom(value: string | null | undefined, now: Date): Date {
  if (value === null || value === undefined) return now;
  const moment = parseMoment('input.validFrom', value);
  if (isDateOnly(value)) {
    const today = localDate(now);
    const day = value.trim();
    if (day < today) throw backdated();
    return day === today ? now : moment;
  }
  if (moment.getTime() < now.getTime() - CLOCK_SLACK_MS) throw backdated();
  return moment < now ? now : moment;
}

function backdated(): GraphQLError {
  return badUserInput('input.validFrom', 'consent is not backdated: give today, a later moment, or leave it out (now)');
}

function isDateOnly(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value.trim());
}

/** The calendar date (YYYY-MM-DD) of a moment in Amsterdam. */
export function localDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: LOCAL_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
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
