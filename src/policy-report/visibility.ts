import type { Caller } from '../auth/caller.ts';
import type { ConsentRecord } from '../consent/consent-record.ts';
import { decideField, type Decision } from '../policy/decide.ts';
import type { FieldPolicy, PolicySet } from '../policy/policy-types.ts';
import { NOT_ABOUT_A_HOUSEHOLD, type Standing } from '../policy/need-to-know.ts';

/**
 * Who may see what under a policy, worked out by asking the run-time decision (src/policy/decide.ts) about
 * representative situations, never by reading the rules a second time: what the report and the diff say is
 * what the hub does. One cell per role (that some organisation kind may hold) × purpose × field.
 */

/** The situations the decision is asked about: where the caller stands with the household, and whether the person consented. */
export const SITUATIONS = ['unrelated', 'involved', 'breakGlass', 'consentOnly', 'involvedWithConsent', 'breakGlassWithConsent'] as const;
export type Situation = (typeof SITUATIONS)[number];

interface SituationSetup {
  standing: Standing;
  consent: boolean;
}

const SETUP: Record<Situation, SituationSetup> = {
  unrelated: { standing: { involved: false }, consent: false },
  involved: { standing: { involved: true }, consent: false },
  breakGlass: { standing: { involved: false, breakGlassGrantId: 'report-grant' }, consent: false },
  consentOnly: { standing: { involved: false }, consent: true },
  involvedWithConsent: { standing: { involved: true }, consent: true },
  breakGlassWithConsent: { standing: { involved: false, breakGlassGrantId: 'report-grant' }, consent: true },
};

/** How a field can become visible for one role and purpose. */
export type Visibility =
  /** In every situation: basis `none` (no personal data) or a legal basis outside the row rule. */
  | { kind: 'always'; basis: string }
  /** Once the caller's organisation is involved with the household; `breakGlass`: also under a grant. */
  | { kind: 'involvement'; basis: string; breakGlass: boolean }
  /** Only with the person's active consent; `involvement`: and only when involved; `breakGlass`: also under a grant. */
  | { kind: 'consent'; involvement: boolean; breakGlass: boolean }
  | { kind: 'never'; why: 'ROLE_NOT_COVERED' | 'PURPOSE_NOT_COVERED' };

export interface Cell {
  role: string;
  purpose: string;
  coordinate: string;
  visibility: Visibility;
  /** The situations in which the decision released the field: what the diff compares. */
  visibleIn: readonly Situation[];
}

export interface VisibilityModel {
  policies: PolicySet;
  /** Roles some organisation kind may hold, in the order of the file's `roles`. */
  roles: readonly string[];
  /** Roles in the file that no organisation kind may hold: no token can carry them. */
  unheldRoles: readonly string[];
  purposes: readonly string[];
  /** Per role, the purposes for which it may declare break-the-glass (breakGlass.roles and Mutation.declareEmergencyAccess). */
  breakGlassPurposes: ReadonlyMap<string, readonly string[]>;
  cells: ReadonlyMap<string, Cell>;
}

export const DECLARE_EMERGENCY = 'Mutation.declareEmergencyAccess';

/** The organisation a representative caller belongs to; the consent in the situations names the same one. */
const REPORT_ORGANISATION = 'report-organisation';

export function cellKey(role: string, purpose: string, coordinate: string): string {
  return `${role}\u0000${purpose}\u0000${coordinate}`;
}

export function callerFor(role: string, purpose: string): Caller {
  return { subject: 'policy-report', organisationId: REPORT_ORGANISATION, roles: [role], purpose };
}

/** The decision for one field in one situation, exactly as the gateway would ask it. */
export function decideInSituation(policies: PolicySet, field: FieldPolicy, caller: Caller, situation: Situation, now: Date): Decision {
  const setup = SETUP[situation];
  const consents: ConsentRecord[] = setup.consent && field.category ? [activeConsent(field.category, caller, now)] : [];
  return decideField(policies, field, caller, consents, now, setup.standing);
}

/** Whether the role may declare an emergency at all: breakGlass.roles and the field policy of the declaration both let it. */
export function mayDeclareBreakGlass(policies: PolicySet, role: string, purpose: string, now: Date): boolean {
  const declare = policies.fields.get(DECLARE_EMERGENCY);
  if (!policies.breakGlass.roles.includes(role) || !declare) return false;
  return decideField(policies, declare, callerFor(role, purpose), [], now, NOT_ABOUT_A_HOUSEHOLD).allowed;
}

export function buildVisibilityModel(policies: PolicySet, now = new Date()): VisibilityModel {
  const held = new Set([...policies.organisationKinds.values()].flatMap((kind) => kind.roles));
  const roles = [...policies.roles.keys()].filter((role) => held.has(role));
  const unheldRoles = [...policies.roles.keys()].filter((role) => !held.has(role));
  const purposes = [...policies.purposes.keys()];
  const breakGlassPurposes = new Map<string, string[]>();
  const cells = new Map<string, Cell>();
  for (const role of roles) {
    breakGlassPurposes.set(role, []);
    for (const purpose of purposes) {
      const grants = mayDeclareBreakGlass(policies, role, purpose, now);
      if (grants) breakGlassPurposes.get(role)!.push(purpose);
      for (const field of policies.fields.values()) {
        cells.set(cellKey(role, purpose, field.coordinate), cellFor(policies, field, role, purpose, grants, now));
      }
    }
  }
  return { policies, roles, unheldRoles, purposes, breakGlassPurposes, cells };
}

/** One cell: the decision in each situation the caller can be in, summed up as a Visibility. */
export function cellFor(policies: PolicySet, field: FieldPolicy, role: string, purpose: string, mayBreakGlass: boolean, now: Date): Cell {
  const caller = callerFor(role, purpose);
  const decisions = new Map<Situation, Decision>();
  for (const situation of SITUATIONS) {
    // A grant exists only for a role that may declare one: for the others that situation cannot occur.
    if (!mayBreakGlass && situation.startsWith('breakGlass')) continue;
    decisions.set(situation, decideInSituation(policies, field, caller, situation, now));
  }
  const visibleIn = [...decisions].filter(([, decision]) => decision.allowed).map(([situation]) => situation);
  return { role, purpose, coordinate: field.coordinate, visibility: summarise(decisions), visibleIn };
}

function summarise(decisions: ReadonlyMap<Situation, Decision>): Visibility {
  const released = (situation: Situation) => decisions.get(situation)?.allowed === true;
  const basisIn = (situation: Situation) => {
    const decision = decisions.get(situation)!;
    return decision.allowed ? decision.basis : '';
  };
  if (released('unrelated')) return { kind: 'always', basis: basisIn('unrelated') };
  if (released('involved')) return { kind: 'involvement', basis: basisIn('involved'), breakGlass: released('breakGlass') };
  if (released('consentOnly')) return { kind: 'consent', involvement: false, breakGlass: false };
  if (released('involvedWithConsent')) return { kind: 'consent', involvement: true, breakGlass: released('breakGlassWithConsent') };
  const refused = decisions.get('involvedWithConsent')!;
  return { kind: 'never', why: !refused.allowed && refused.code === 'PURPOSE_MISMATCH' ? 'PURPOSE_NOT_COVERED' : 'ROLE_NOT_COVERED' };
}

function activeConsent(category: string, caller: Caller, now: Date): ConsentRecord {
  const longAgo = new Date(now.getTime() - 24 * 3600_000);
  return { id: 'report-consent', subjectKey: 'report-person', category, granteeOrganisationId: caller.organisationId, purpose: caller.purpose, validFrom: longAgo, validUntil: null, withdrawnAt: null, confirmedAt: longAgo };
}
