import { badUserInput, checkFreeText } from '../request/user-input.ts';
import type { BreakGlassPolicy } from '../policy/policy-types.ts';
import { isValidBsn } from '../domain/bsn.ts';
import { type AddressKey, type AddressKeyInput, checkAddressKey } from '../households/address.ts';

/** `Mutation.declareEmergencyAccess(input)` as GraphQL delivers it: the household by one of id, BSN or address. */
export interface DeclareEmergencyAccessInput {
  householdId?: string | null;
  bsn?: string | null;
  address?: AddressKeyInput | null;
  reasonCode: string;
  justification: string;
}

/** Which household the emergency is about, as the caller named it. */
export type EmergencyTarget = { householdId: string } | { bsn: string } | { address: AddressKey };

export interface ValidDeclaration {
  target: EmergencyTarget;
  reasonCode: string;
  justification: string;
}

/** `Mutation.closeBreakGlassReview(input)` as GraphQL delivers it (the outcome enum already checked). */
export interface CloseBreakGlassReviewInput {
  id: string;
  outcome: BreakGlassOutcome;
  note: string;
}

export type BreakGlassOutcome = 'JUSTIFIED' | 'NOT_JUSTIFIED';

/** Free text is read by the privacy officer and may end up in reports: bounded and BSN-free. */
export const MAX_TEXT = 1000;

/** Checks what needs no database; returns the household as named and the trimmed justification. */
export function validateDeclareInput(input: DeclareEmergencyAccessInput, policy: BreakGlassPolicy): ValidDeclaration {
  const target = targetOf(input);
  if (!policy.reasons.has(input.reasonCode)) {
    throw badUserInput('input.reasonCode', `unknown reason; use one of ${[...policy.reasons.keys()].join(', ')}`);
  }
  const justification = input.justification.trim();
  if (justification.length < policy.minimumJustificationLength) {
    throw badUserInput('input.justification', `explain the emergency in at least ${policy.minimumJustificationLength} characters`);
  }
  checkText('input.justification', justification);
  return { target, reasonCode: input.reasonCode, justification };
}

function targetOf(input: DeclareEmergencyAccessInput): EmergencyTarget {
  const given = [input.householdId != null, input.bsn != null, input.address != null].filter(Boolean).length;
  if (given !== 1) throw badUserInput('input', 'name the household by exactly one of householdId, bsn or address');
  if (input.householdId != null) {
    if (!input.householdId.trim() || input.householdId.length > 100) throw badUserInput('input.householdId', 'an id of 1 to 100 characters');
    return { householdId: input.householdId };
  }
  if (input.bsn != null) {
    if (!isValidBsn(input.bsn)) throw badUserInput('input.bsn', 'invalid BSN: it must be 9 digits and pass the elfproef');
    return { bsn: input.bsn };
  }
  return { address: checkAddressKey('input.address', input.address!) };
}

/** Checks the officer's closing note; returns the trimmed note. */
export function validateCloseInput(input: CloseBreakGlassReviewInput): CloseBreakGlassReviewInput {
  const note = input.note.trim();
  if (!note) throw badUserInput('input.note', 'give the finding of the review');
  checkText('input.note', note);
  return { id: input.id, outcome: input.outcome, note };
}

function checkText(argument: string, text: string): void {
  checkFreeText(argument, text, MAX_TEXT);
}
