import { decideForSubject } from '../request/field-decision.ts';
import type { RequestContext } from '../request/request-context.ts';
import { missedLookupKey } from '../audit/missed-lookup.ts';
import type { ConsentRow } from './consent-store.ts';

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
 * A receipt check reads whether a consent, and so the consent of one person, still holds: recorded under
 * that person (from the stored consent), or, when the consent is gone or the receipt names none, under
 * the consent id it claims.
 */
export function recordReceiptCheck(context: RequestContext, consentId: string, stored: ConsentRow | null): void {
  const coordinate = 'Query.verifyConsentReceipt';
  if (stored?.subjectEncrypted) {
    context.accessLog.recordKeyed({ kind: 'PERSON', subjectKey: stored.subjectKey, subjectEncrypted: stored.subjectEncrypted }, coordinate);
  } else {
    context.accessLog.recordKeyed(missedLookupKey(context.protector, 'CONSENT_ID', consentId), coordinate);
  }
}
