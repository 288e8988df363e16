import { GraphQLError } from 'graphql';
import { isValidBsn } from '../domain/bsn.ts';

/**
 * Bad input, said the same way by every resolver of the hub: BAD_USER_INPUT naming the offending
 * argument (`input.bsn`, `reason`). Messages never repeat the value: it may be a BSN. The argument is in
 * the message too, because the gateway passes only the code of an input error on.
 */
export function badUserInput(argument: string, problem: string): GraphQLError {
  return new GraphQLError(`${argument}: ${problem}`, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

/** A change the hub's own resolver refuses for who the caller is; the message says who may, without personal data. */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/**
 * Free text (evidence references, justifications, notes, reasons) ends up in receipts, the registration,
 * reports and partners' logs: keep it bounded and BSN-free.
 */
export function checkFreeText(argument: string, text: string, maxLength: number): void {
  if (text.length > maxLength) throw badUserInput(argument, `at most ${maxLength} characters`);
  if (containsBsn(text)) throw badUserInput(argument, 'must not contain a BSN');
}

/** Nine digits that pass the elfproef, standing alone (not part of a longer number). */
export function containsBsn(text: string): boolean {
  return (text.match(/(?<!\d)\d{9}(?!\d)/g) ?? []).some(isValidBsn);
}
