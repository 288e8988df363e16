import type { RequestContext } from '../request/request-context.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { Caller } from '../auth/caller.ts';
import type { ConsentRecord } from './consent-record.ts';
import { badUserInput } from '../request/user-input.ts';

/**
 * Who may know of which consent. A consent for a special category is itself special-category data:
 * "this resident agreed to share their GGZ care with the wijkteam" says they are in GGZ care. So such a
 * consent is shown only to its grantee organisation (who are also the ones who confirm it); everyone
 * else sees no trace of it, not in a list, not in a count, not in an error message.
 */

/** A special category (AVG art. 9), such as ggz. A category the policy does not know counts as special: fail closed. */
export function isSpecialCategory(policies: PolicySet, category: string): boolean {
  return policies.categories.get(category)?.special ?? true;
}

/**
 * Where the caller stands with a household, for its consents: `involved` (their organisation actively
 * is, for the caller's purpose), `grant` (a break-the-glass grant of this professional stands in, for
 * non-special data only) or `none` (the household answers as unknown).
 */
export type ConsentStanding = 'involved' | 'grant' | 'none';

export async function consentStandingOf(ctx: Pick<RequestContext, 'standing'>, householdId: string | undefined): Promise<ConsentStanding> {
  if (!householdId) return 'none';
  const standing = await ctx.standing.load(householdId);
  if (standing.involved) return 'involved';
  return standing.breakGlassGrantId !== undefined ? 'grant' : 'none';
}

/**
 * Whether the caller may know that this consent exists, standing as they do with the person's household.
 * A special-category consent: only its grantee organisation, and only by involvement (a break-the-glass
 * grant never opens a special category). Any other consent: whoever may see the household.
 */
export function mayKnowOfConsent(policies: PolicySet, caller: Caller, standing: ConsentStanding, consent: Pick<ConsentRecord, 'category' | 'granteeOrganisationId'>): boolean {
  if (standing === 'none') return false;
  if (!isSpecialCategory(policies, consent.category)) return true;
  return standing === 'involved' && consent.granteeOrganisationId === caller.organisationId;
}

/** The one answer for a consent id that names nothing, or a consent the caller may not know of. */
export function noSuchConsent() {
  return badUserInput('id', 'no consent with this id');
}
