import type { RequestContext } from '../request/request-context.ts';
import type { Decision } from '../policy/decide.ts';
import { lookupNeedsInvolvement } from '../policy/need-to-know.ts';

/** What a root resolver needs to apply the row rule itself. */
export type GuardContext = Pick<RequestContext, 'policies' | 'caller' | 'standing'>;

export type LookupStanding = { allowed: true; breakGlassGrantId?: string } | { allowed: false };

/**
 * May a look-up by BSN or address by this caller find this household? Only when the caller's
 * organisation is involved with it (or the caller holds a break-the-glass grant for it), unless a basis
 * exempt from the row rule covers the caller (the Wgs early signal). Otherwise the look-up must answer
 * exactly as for a resident the hub does not know: no membership oracle.
 */
export async function lookupStanding(ctx: GuardContext, householdId: string): Promise<LookupStanding> {
  if (!lookupNeedsInvolvement(ctx.policies, ctx.caller)) return { allowed: true };
  const standing = await ctx.standing.load(householdId);
  if (standing.involved) return { allowed: true };
  if (standing.breakGlassGrantId) return { allowed: true, breakGlassGrantId: standing.breakGlassGrantId };
  return { allowed: false };
}

/** Whether the caller's organisation is actively involved with the household for the caller's purpose (no grant). */
export async function isInvolved(ctx: GuardContext, householdId: string): Promise<boolean> {
  return (await ctx.standing.load(householdId)).involved;
}

/** The access-log entry of a look-up that found someone the caller may not know of: recorded, never answered. */
export function notInvolvedLookup(coordinate: string): Decision {
  return { allowed: false, coordinate, code: 'NOT_INVOLVED', reason: 'The caller\'s organisation is not involved with this household', options: [] };
}
