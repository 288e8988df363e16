import type { RequestContext } from '../request/request-context.ts';
import { changeWithAccessRecord } from '../audit/audited-change.ts';
import { isInvolved } from '../involvement/involvement-guard.ts';
import { badUserInput, forbidden } from '../request/user-input.ts';
import { type OnBehalfOfResidentInput, validateOnBehalfOfResident, validateWithdrawalReason } from './consent-input.ts';
import { findConsent, findPersonByKey, markWithdrawn, type ConsentRow } from './consent-store.ts';
import { consentSubject, recordHiddenConsentAttempt } from './consent-access-log.ts';
import { isSpecialCategory, noSuchConsent } from './consent-visibility.ts';

const COORDINATE = 'Mutation.withdrawConsent';

export interface WithdrawConsentArgs {
  id: string;
  reason?: string | null;
  onBehalfOfResident?: OnBehalfOfResidentInput | null;
}

/**
 * Withdraws a consent; it holds no longer from the next request. Withdrawing stays as easy as giving
 * (AVG art. 7(3)): the grantee organisation and the recording organisation may always withdraw, with
 * no involvement needed (a resident who left the wijkteam can still withdraw through them). Any other
 * professional withdraws only on the resident's behalf, with the evidence of the resident's request
 * (`onBehalfOfResident`), and only when their organisation is actively involved with the household.
 * A special-category consent is unknown to anyone but those two organisations: it answers as an
 * unknown id (consent-visibility.ts).
 */
export async function withdrawConsent(ctx: RequestContext, args: WithdrawConsentArgs, operationName: string): Promise<ConsentRow> {
  const reason = validateWithdrawalReason(args.reason);
  const onBehalfOfResident = args.onBehalfOfResident ? validateOnBehalfOfResident(args.onBehalfOfResident) : undefined;
  const existing = await findConsent(ctx.prisma, args.id);
  if (!existing) throw noSuchConsent();
  const organisationId = ctx.caller.organisationId;
  const isParty = existing.granteeOrganisationId === organisationId || existing.recordedByOrganisationId === organisationId;
  if (!isParty && isSpecialCategory(ctx.policies, existing.category)) {
    recordHiddenConsentAttempt(ctx, COORDINATE, existing);
    throw noSuchConsent();
  }
  const person = await findPersonByKey(ctx.prisma, existing.subjectKey);
  if (!isParty) {
    if (!onBehalfOfResident) {
      recordHiddenConsentAttempt(ctx, COORDINATE, existing);
      throw forbidden('Only the grantee or the recording organisation can withdraw this consent; a professional involved with the household can withdraw it on the resident\'s behalf (onBehalfOfResident)');
    }
    if (!person || !(await isInvolved(ctx, person.householdId))) {
      recordHiddenConsentAttempt(ctx, COORDINATE, existing);
      throw forbidden('Only a professional whose organisation is involved with the resident\'s household can withdraw a consent on their behalf');
    }
  }
  const access = {
    coordinate: COORDINATE,
    subject: person ? { personId: person.id } : { protectedSubject: consentSubject(ctx.protector, existing.id, existing) },
    operationName,
  };
  const actor = { subject: ctx.caller.subject, organisationId };
  return changeWithAccessRecord(ctx, access, async (tx) => {
    const withdrawn = await markWithdrawn(tx, existing.id, actor, reason, new Date(), onBehalfOfResident);
    if (!withdrawn) throw badUserInput('id', 'this consent was already withdrawn');
    return withdrawn;
  });
}
