import type { RequestContext } from '../request/request-context.ts';
import { changeWithAccessRecord } from '../audit/audited-change.ts';
import { badUserInput, forbidden } from '../request/user-input.ts';
import { findConsent, findPersonByKey, markConfirmed, type ConsentRow } from './consent-store.ts';
import { recordHiddenConsentAttempt } from './consent-access-log.ts';
import { consentStandingOf, mayKnowOfConsent, noSuchConsent } from './consent-visibility.ts';

const COORDINATE = 'Mutation.confirmConsent';

/**
 * Four eyes for a special-category consent (AVG art. 9(2)(a)): the organisation that gains access must
 * not be the only evidence that the resident agreed. A second professional of the grantee organisation,
 * involved with the household and not the one who recorded it, checks the evidence and confirms; only
 * then is the consent ACTIVE.
 *
 * Why not a one-time code from the resident instead: the hub has no channel to the resident. It knows
 * no phone number, e-mail address or DigiD session of theirs, only what the professionals enter, so a
 * "code sent to the resident" would be sent to, and typed in by, the same professional. The gap that
 * remains: two colleagues of one organisation can still agree on a consent the resident never gave.
 * The evidence reference, the receipt for the resident and the access log (who recorded, who confirmed)
 * make that traceable afterwards, not impossible. Closing it needs a resident channel (a portal with
 * DigiD, or the GGZ provider confirming), which this hub does not have.
 */
export async function confirmConsent(ctx: RequestContext, id: string, operationName: string): Promise<ConsentRow> {
  const existing = await findConsent(ctx.prisma, id);
  if (!existing) throw noSuchConsent();
  const person = await findPersonByKey(ctx.prisma, existing.subjectKey);
  const standing = await consentStandingOf(ctx, person?.householdId);
  if (!person || !mayKnowOfConsent(ctx.policies, ctx.caller, standing, existing)) {
    recordHiddenConsentAttempt(ctx, COORDINATE, existing);
    throw noSuchConsent();
  }
  if (existing.withdrawnAt) throw badUserInput('id', 'this consent was withdrawn; record a new one');
  if (existing.confirmedAt) throw badUserInput('id', 'this consent is already confirmed');
  if (existing.granteeOrganisationId !== ctx.caller.organisationId) throw forbidden('Only a professional of the grantee organisation can confirm this consent');
  if (sameProfessional(existing.recordedBy, ctx.caller.subject)) {
    throw forbidden('A second professional must confirm this consent: whoever recorded it cannot also confirm it (four eyes)');
  }
  if (standing !== 'involved') throw forbidden('Only a professional whose organisation is involved with this household can confirm this consent');
  const access = { coordinate: COORDINATE, subject: { personId: person.id }, operationName };
  const actor = { subject: ctx.caller.subject, organisationId: ctx.caller.organisationId };
  return changeWithAccessRecord(ctx, access, async (tx) => {
    const confirmed = await markConfirmed(tx, id, actor, new Date());
    if (!confirmed) throw badUserInput('id', 'this consent was confirmed or withdrawn meanwhile');
    return confirmed;
  });
}

/** One professional, however the identity provider cased or padded the `sub` this time. */
function sameProfessional(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
