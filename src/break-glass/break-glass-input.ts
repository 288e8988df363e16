import { badUserInput, checkFreeText } from '../request/user-input.ts';
import type { BreakGlassPolicy } from '../policy/policy-types.ts';

/** `Mutation.declareEmergencyAccess(input)` as GraphQL delivers it. */
export interface DeclareEmergencyAccessInput {
  householdId: string;
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

/** Checks what needs no database; returns the trimmed justification. */
export function validateDeclareInput(input: DeclareEmergencyAccessInput, policy: BreakGlassPolicy): DeclareEmergencyAccessInput {
  if (!policy.reasons.has(input.reasonCode)) {
    throw badUserInput('input.reasonCode', `unknown reason; use one of ${[...policy.reasons.keys()].join(', ')}`);
  }
  const justification = input.justification.trim();
  if (justification.length < policy.minimumJustificationLength) {
    throw badUserInput('input.justification', `explain the emergency in at least ${policy.minimumJustificationLength} characters`);
  }
  checkText('input.justification', justification);
  return { householdId: input.householdId, reasonCode: input.reasonCode, justification };
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
