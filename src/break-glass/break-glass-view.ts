import type { PolicySet } from '../policy/policy-types.ts';
import type { GrantRow } from './break-glass-store.ts';

/** `BreakGlassGrant` as the professional who declared it sees it. */
export interface GrantView {
  id: string;
  householdId: string;
  reasonCode: string;
  reasonDescription: string | null;
  justification: string;
  grantedAt: string;
  expiresAt: string;
}

/** `BreakGlassReview` as the privacy officer sees it. */
export interface ReviewView extends GrantView {
  professional: string;
  organisationId: string;
  active: boolean;
  accessCount: number;
  reviewStatus: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

export function grantView(row: GrantRow, policies: PolicySet): GrantView {
  return {
    id: row.id,
    householdId: row.householdId,
    reasonCode: row.reasonCode,
    // A reason removed from the policy file since: the code stays, without a description.
    reasonDescription: policies.breakGlass.reasons.get(row.reasonCode) ?? null,
    justification: row.justification,
    grantedAt: row.grantedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/** Active: it gives access now, exactly when the standing loader would accept it. */
export function reviewView(row: GrantRow, accessCount: number, policies: PolicySet, now: Date): ReviewView {
  return {
    ...grantView(row, policies),
    professional: row.professional,
    organisationId: row.organisationId,
    active: row.grantedAt <= now && row.expiresAt > now,
    accessCount,
    reviewStatus: row.reviewStatus,
    reviewedBy: row.reviewedBy,
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
    reviewNote: row.reviewNote,
  };
}
