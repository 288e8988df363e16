import { decideForSubject } from '../request/field-decision.ts';
import type { RequestContext } from '../request/request-context.ts';
import { missedLookupKey } from '../audit/missed-lookup.ts';
import type { ConsentRow } from './consent-store.ts';
import type { ProtectedSubject } from '../audit/access-log.ts';
import type { SubjectProtector } from '../crypto/subject-protection.ts';
import { notInvolvedLookup } from '../involvement/involvement-guard.ts';

/**
 * Records in the request's access log that a consent operation touched this person's data. The gateway
 * only knows whose data a field is for Person and Household, so the consent resolvers, which know the
 * person, say it themselves; the decision is the gateway's own for the root field. A BSN that names
 * nobody is recorded as a missed look-up, under its keyed hash.
 */
export async function recordConsentAccess(context: RequestContext, coordinate: string, person: { id: string } | null | undefined, bsn?: string): Promise<void> {
  if (!person) {
    if (bsn) context.accessLog.recordKeyed(missedLookupKey(context.protector, 'BSN', bsn), coordinate);
    return;
  }
  const subject = { kind: 'person', id: person.id } as const;
  context.accessLog.record(subject, await decideForSubject(context, coordinate, subject));
  context.accessLog.recordLookup(subject, coordinate);
}

/**
 * Whose consent a stored consent row is, as the row protects it (the person's keyed hash and encrypted
 * BSN, even when the case registration no longer knows them). A consent that is gone, or a row from
 * before encrypted subjects, is named by its id's keyed hash.
 */
export function consentSubject(protector: SubjectProtector, consentId: string, stored: ConsentRow | null): ProtectedSubject {
  return stored?.subjectEncrypted
    ? { kind: 'PERSON', subjectKey: stored.subjectKey, subjectEncrypted: stored.subjectEncrypted }
    : missedLookupKey(protector, 'CONSENT_ID', consentId);
}

/** A receipt check reads whether a consent, and so the consent of one person, still holds. */
export function recordReceiptCheck(context: RequestContext, consentId: string, stored: ConsentRow | null): void {
  context.accessLog.recordKeyed(consentSubject(context.protector, consentId, stored), 'Query.verifyConsentReceipt');
}

/**
 * A consent change refused because the caller's organisation is not involved with the person (or the
 * hub does not know them): the attempt is recorded for the person (or, for nobody, under the BSN's keyed
 * hash) as withheld NOT_INVOLVED, though the caller is told only what they would hear for an unknown BSN.
 */
export function recordRefusedAttempt(context: RequestContext, coordinate: string, person: { id: string } | null, bsn: string): void {
  if (!person) {
    context.accessLog.recordKeyed(missedLookupKey(context.protector, 'BSN', bsn), coordinate);
    return;
  }
  const subject = { kind: 'person', id: person.id } as const;
  context.accessLog.recordLookup(subject, coordinate);
  context.accessLog.record(subject, notInvolvedLookup(coordinate));
}

/** An attempt on a consent the caller may not know of: recorded under the consent's subject, answered as an unknown id. */
export function recordHiddenConsentAttempt(context: RequestContext, coordinate: string, stored: ConsentRow): void {
  context.accessLog.recordKeyed(consentSubject(context.protector, stored.id, stored), coordinate);
}
