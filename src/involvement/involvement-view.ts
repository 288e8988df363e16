import { findOrganisation, type Organisation } from '../domain/organisations.ts';

/** An involvement row as the household loader reads it (only active ones: src/households/household-loaders.ts). */
export interface InvolvementRow {
  organisationId: string;
  purpose: string;
  since: string;
  endsAt: Date | null;
}

/** `Household.involvement` as the schema shows it. */
export interface InvolvementView {
  organisation: Organisation;
  purpose: string;
  since: string;
  /** A planned end (ISO date-time), or null. */
  until: string | null;
}

/**
 * What `Household.involvement` may show: active involvements of organisations in the register, and never
 * one of a mental health care organisation. That someone is in GGZ care is health data (AVG art. 9), so
 * such a row is left out even if one was stored by mistake; an organisation the register does not know
 * cannot be judged, so it is left out too.
 */
export function visibleInvolvement(rows: readonly InvolvementRow[], now: Date): InvolvementView[] {
  return rows.flatMap((row) => {
    const organisation = findOrganisation(row.organisationId);
    if (!organisation || organisation.kind === 'MENTAL_HEALTH_CARE') return [];
    if (row.endsAt && row.endsAt <= now) return [];
    return [{ organisation, purpose: row.purpose, since: row.since, until: row.endsAt?.toISOString() ?? null }];
  });
}
