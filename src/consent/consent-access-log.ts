import { decideForSubject } from '../request/field-decision.ts';
import type { RequestContext } from '../request/request-context.ts';

/**
 * Records in the request's access log that a consent operation touched this person's data. The gateway
 * only knows whose data a field is for Person and Household, so the consent resolvers, which know the
 * person, say it themselves; the decision is the gateway's own for the root field.
 */
export async function recordConsentAccess(context: RequestContext, coordinate: string, personId: string | undefined): Promise<void> {
  if (!personId) return;
  const subject = { kind: 'person', id: personId } as const;
  context.accessLog.record(subject, await decideForSubject(context, coordinate, subject));
}
