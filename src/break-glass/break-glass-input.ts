import { GraphQLError } from 'graphql';
import { isValidBsn } from '../domain/bsn.ts';
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

/**
 * BAD_USER_INPUT naming the argument, as src/consent/consent-input.ts does. The message never repeats
 * the value (it may hold a BSN); the argument is in the message too, as the gateway passes only the code on.
 */
export function badUserInput(argument: string, problem: string): GraphQLError {
  return new GraphQLError(`${argument}: ${problem}`, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

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
  if (text.length > MAX_TEXT) throw badUserInput(argument, `at most ${MAX_TEXT} characters`);
  if (containsBsn(text)) throw badUserInput(argument, 'must not contain a BSN');
}

/** Nine digits that pass the elfproef, standing alone: the same rule as the consent texts. */
export function containsBsn(text: string): boolean {
  return (text.match(/(?<!\d)\d{9}(?!\d)/g) ?? []).some(isValidBsn);
}
