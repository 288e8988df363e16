/** Shared pieces of the involvement tests: tokens of the demo organisations, the mutations, counters. */
import type pg from 'pg';
import type { TestHub } from '../support/hub.ts';
import { DOMAINS } from '../../src/domain/partner-domains.ts';

export const WEST = { organisationId: 'wijkteam-west', subject: 'noor.visser' } as const;

export const REGISTER_INTAKE = /* GraphQL */ `
  mutation Intake($input: IntakeInput!) {
    registerIntake(input: $input) { created alreadyInvolved household { id } }
  }
`;
export const ADD_INVOLVEMENT = /* GraphQL */ `
  mutation Add($input: AddInvolvementInput!) { addInvolvement(input: $input) { id } }
`;
export const END_INVOLVEMENT = /* GraphQL */ `
  mutation End($input: EndInvolvementInput!) { endInvolvement(input: $input) { id } }
`;

/** A wijkcoach of wijkteam West (the demo's second wijkteam). */
export function westToken(hub: TestHub): Promise<string> {
  return hub.token(WEST);
}

export function resetPartnerCounters(hub: TestHub): void {
  for (const domain of DOMAINS) hub.partners[domain]!.resetCount();
}

/** Every BSN the partner simulators were asked about since the last reset. */
export function bsnsAskedOfPartners(hub: TestHub): string[] {
  return DOMAINS.flatMap((domain) => hub.partners[domain]!.receivedRequests().flatMap((request) => request.bsns));
}

export function partnerRequestCount(hub: TestHub): number {
  return DOMAINS.reduce((sum, domain) => sum + hub.partners[domain]!.requestCount(), 0);
}

/** The access records of one request (by its trace id), as stored. */
export async function recordsOfTrace(db: pg.Client, traceId: string) {
  const { rows } = await db.query(
    `SELECT subject_kind, subject_key, lookups, fields_released, fields_withheld, field_bases, organisation_id, professional, name, status_code
       FROM audit_record WHERE trace_id = $1 ORDER BY subject_key`,
    [traceId],
  );
  return rows as {
    subject_kind: string; subject_key: string; lookups: string[]; fields_released: string[]; fields_withheld: string[];
    field_bases: Record<string, string> | null; organisation_id: string; professional: string; name: string; status_code: string;
  }[];
}

/** Active involvement rows of a household, as stored (organisation and purpose). */
export async function activeInvolvements(db: pg.Client, householdId: string): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT organisation_id, purpose FROM involvement
      WHERE household_id = $1 AND since <= to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') AND (ends_at IS NULL OR ends_at > now())
      ORDER BY organisation_id, purpose`,
    [householdId],
  );
  return rows.map((row) => `${row.organisation_id}/${row.purpose}`);
}
