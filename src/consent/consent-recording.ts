import type { RequestContext } from '../request/request-context.ts';
import { changeWithAccessRecord } from '../audit/audited-change.ts';
import { isInvolved } from '../involvement/involvement-guard.ts';
import { activeInvolvementOf } from '../involvement/standing-loader.ts';
import { badUserInput } from '../request/user-input.ts';
import { type RecordConsentInput, validateRecordConsentInput } from './consent-input.ts';
import { findPersonByBsn, insertConsent, type ConsentRow } from './consent-store.ts';
import { signConsentReceipt } from './consent-receipt.ts';
import { recordRefusedAttempt } from './consent-access-log.ts';
import { isSpecialCategory } from './consent-visibility.ts';

const COORDINATE = 'Mutation.recordConsent';

/**
 * Records a consent the resident gave, and signs its receipt.
 * - Only a professional whose organisation is actively involved with the resident's household records
 *   it (a break-the-glass grant is for an emergency read, not for creating access). A resident the hub
 *   does not know and one outside the caller's involvement get the same answer: no membership oracle.
 * - The grantee must itself be involved with the household for the consent's purpose: a consent is not
 *   a way in for an organisation that has no task for this household.
 * - Not backdated (validFrom, see consent-input.ts).
 * - A special category (GGZ) is stored PENDING_CONFIRMATION: it releases nothing until a second
 *   professional confirms it (consent-confirmation.ts). Other categories are confirmed by the recording.
 */
export async function recordConsent(ctx: RequestContext, input: RecordConsentInput, operationName: string): Promise<{ consent: ConsentRow; receipt: string }> {
  const now = new Date();
  const valid = validateRecordConsentInput(input, ctx.policies, now);
  const person = await findPersonByBsn(ctx.prisma, ctx.protector, valid.bsn);
  if (!person || !(await isInvolved(ctx, person.householdId))) {
    recordRefusedAttempt(ctx, COORDINATE, person, valid.bsn);
    throw badUserInput('input.bsn', 'no person with this BSN in a household your organisation is involved with');
  }
  const grantee = await ctx.prisma.involvement.findFirst({
    where: { householdId: person.householdId, ...activeInvolvementOf(valid.granteeOrganisationId, valid.purpose, now) },
    select: { id: true },
  });
  if (!grantee) throw badUserInput('input.granteeOrganisationId', 'this organisation is not involved with the household for this purpose');
  // The evidence reference is required for every consent (validateRecordConsentInput); for a special
  // category it is what the confirming professional checks before confirming.
  const needsConfirmation = isSpecialCategory(ctx.policies, valid.category);
  const actor = { subject: ctx.caller.subject, organisationId: ctx.caller.organisationId };
  const access = { coordinate: COORDINATE, subject: { personId: person.id }, operationName };
  const consent = await changeWithAccessRecord(ctx, access, (tx) => insertConsent(tx, ctx.protector, valid, actor, needsConfirmation, now));
  return { consent, receipt: await signConsentReceipt(ctx.hubKey, consent) };
}
