import type { Caller } from '../auth/caller.ts';
import { type ConsentRecord, isActiveConsent } from '../consent/consent-record.ts';
import type { Basis, FieldPolicy, PolicySet } from './policy-types.ts';
import { basisNeedsInvolvement, NOT_ABOUT_A_HOUSEHOLD, type Standing } from './need-to-know.ts';

/**
 * The policy decision for one field of one person, with its explanation. Pure: the caller, the policy and
 * (only when a consent basis could apply) the person's consent records go in, a decision comes out.
 * The gateway uses it twice with the same inputs: to prune what it asks partners for, and to withhold
 * fields in the answer.
 */

export type WithheldCode = 'FORBIDDEN' | 'PURPOSE_MISMATCH' | 'NOT_INVOLVED' | 'CONSENT_REQUIRED' | 'CONSENT_UNAVAILABLE';

/** Why one basis does or does not make the field visible for this caller and person. */
export type BasisOutcome = 'SATISFIED' | 'ROLE_NOT_COVERED' | 'PURPOSE_NOT_COVERED' | 'NOT_INVOLVED' | 'CONSENT_MISSING' | 'CONSENT_STORE_UNAVAILABLE';

/** One way the field could be visible: a basis with the roles and purposes it covers for this field. */
export interface AccessOption {
  /** `none`, `consent` or the name of a legal basis. */
  basis: string;
  kind: Basis['kind'];
  /** Roles and purposes this basis covers for this field; `undefined` = any. */
  roles?: readonly string[];
  purposes?: readonly string[];
  outcome: BasisOutcome;
  /** For a consent basis: the consent that would have to be recorded (for the caller's organisation). */
  requiredConsent?: RequiredConsent;
  /** For a basis that needs involvement (policy: needToKnow): the involvement that would have to be registered. */
  requiredInvolvement?: RequiredInvolvement;
}

export interface RequiredInvolvement {
  organisationId: string;
  purpose: string;
}

export interface RequiredConsent {
  category: string;
  granteeOrganisationId: string;
  purpose: string;
}

export type Decision =
  | {
      allowed: true;
      coordinate: string;
      category?: string;
      basis: string;
      consentId?: string;
      /** Released under a break-the-glass grant instead of an involvement: every record of it names the grant. */
      breakGlassGrantId?: string;
      options: readonly AccessOption[];
    }
  | {
      allowed: false;
      coordinate: string;
      code: WithheldCode;
      category?: string;
      /** Why, in words without personal data. */
      reason: string;
      /** For CONSENT_REQUIRED: the consent that would make the field visible. */
      requiredConsent?: RequiredConsent;
      /** For NOT_INVOLVED: the involvement that would make the field visible. */
      requiredInvolvement?: RequiredInvolvement;
      /** Every basis the policy names for this field and what it needs. */
      options: readonly AccessOption[];
    };

/** What the consent store answered for one person: their consent records, or that it could not be asked. */
export type ConsentLookup = readonly ConsentRecord[] | 'unavailable';

/**
 * Whether the decision for this caller depends on the person's consents: no basis without consent
 * releases the field, and a consent basis covers the caller's role and purpose. Only then are consent
 * records looked up (and only then can an unreachable consent store matter).
 */
export function dependsOnConsent(policies: PolicySet, field: FieldPolicy, caller: Caller): boolean {
  const outcome = (basis: Basis) => scopeOutcome(field, basis, caller, basis.kind === 'legal' ? policies.legalBases.get(basis.name) : undefined);
  if (field.bases.some((basis) => basis.kind !== 'consent' && outcome(basis) === 'SATISFIED')) return false;
  return field.bases.some((basis) => basis.kind === 'consent' && outcome(basis) === 'SATISFIED');
}

/**
 * Whether the decision for this caller depends on where the caller stands with the household: a basis
 * that covers the caller's role and purpose needs involvement (policy: needToKnow). Only then is the
 * standing read.
 */
export function dependsOnInvolvement(policies: PolicySet, field: FieldPolicy, caller: Caller): boolean {
  return field.bases.some((basis) => basisNeedsInvolvement(policies, basis) && scopeOutcome(field, basis, caller, basis.kind === 'legal' ? policies.legalBases.get(basis.name) : undefined) === 'SATISFIED');
}

/**
 * The full decision for one field of one person. `consents` is only read when a consent basis applies;
 * `standing` only when a basis that covers the caller needs involvement. For a field that is not about
 * a household (NOT_ABOUT_A_HOUSEHOLD) the row rule is left to the root's resolver.
 */
export function decideField(
  policies: PolicySet,
  field: FieldPolicy,
  caller: Caller,
  consents: ConsentLookup,
  now = new Date(),
  standing: Standing | typeof NOT_ABOUT_A_HOUSEHOLD = NOT_ABOUT_A_HOUSEHOLD,
): Decision {
  const { coordinate, category } = field;
  const special = category !== undefined && policies.categories.get(category)?.special === true;
  const rowRule = (basis: Basis) => standing !== NOT_ABOUT_A_HOUSEHOLD && basisNeedsInvolvement(policies, basis);
  const involved = standing !== NOT_ABOUT_A_HOUSEHOLD && standing.involved;
  // Break-the-glass stands in for involvement, never for a special category (GGZ stays consent-only).
  const grantId = standing !== NOT_ABOUT_A_HOUSEHOLD && !special ? standing.breakGlassGrantId : undefined;
  const requiredInvolvement = { organisationId: caller.organisationId, purpose: caller.purpose };
  let match: ConsentRecord | undefined;
  let usedGrant: string | undefined;
  const options = field.bases.map((basis): AccessOption => {
    const legal = basis.kind === 'legal' ? policies.legalBases.get(basis.name) : undefined;
    const roles = narrow(field.roles, legal?.roles);
    const purposes = narrow(field.purposes, legal?.purposes);
    const option: AccessOption = { basis: basisName(basis), kind: basis.kind, roles, purposes, outcome: scopeOutcome(field, basis, caller, legal) };
    const notInvolved = (): AccessOption => ({ ...option, outcome: 'NOT_INVOLVED', requiredInvolvement });
    if (basis.kind !== 'consent') {
      if (option.outcome !== 'SATISFIED' || !rowRule(basis) || involved) return option;
      if (grantId) {
        usedGrant ??= grantId;
        return option;
      }
      return notInvolved();
    }
    if (option.outcome === 'SATISFIED' || option.outcome === 'PURPOSE_NOT_COVERED') {
      option.requiredConsent = { category: category!, granteeOrganisationId: caller.organisationId, purpose: option.outcome === 'SATISFIED' ? caller.purpose : (purposes ?? [])[0] };
    }
    if (option.outcome !== 'SATISFIED') return option;
    // Without involvement, or a grant, consents are not even looked at. Under a grant alone a special
    // category is CONSENT_REQUIRED whatever is on record: the grant never opens it, and answering
    // differently when a consent exists would tell that one exists (itself health data).
    const withRowRule = rowRule(basis);
    const anyGrant = standing !== NOT_ABOUT_A_HOUSEHOLD && standing.breakGlassGrantId !== undefined;
    if (withRowRule && !involved && !anyGrant) return notInvolved();
    if (withRowRule && !involved && special) return { ...option, outcome: 'CONSENT_MISSING' };
    // Consent records are looked at only for a caller whose role and purpose the consent basis covers.
    if (consents === 'unavailable') return { ...option, outcome: 'CONSENT_STORE_UNAVAILABLE' };
    match ??= releasingConsent(consents, category, caller, now);
    if (!match) return { ...option, outcome: 'CONSENT_MISSING' };
    if (withRowRule && !involved) usedGrant ??= grantId; // a grant, and not a special category (see above)
    return option;
  });

  // Prefer a basis that needs no consent, so a consent is named only when it is what releases the data.
  const released = options.find((option) => option.outcome === 'SATISFIED' && option.kind !== 'consent') ?? options.find((option) => option.outcome === 'SATISFIED');
  if (released) {
    const grant = usedGrant && rowRule(field.bases[options.indexOf(released)]) && !involved ? { breakGlassGrantId: usedGrant } : {};
    return { allowed: true, coordinate, category, basis: released.basis, ...(released.kind === 'consent' ? { consentId: match!.id } : {}), ...grant, options };
  }

  const withheld = (code: WithheldCode, reason: string, required: { requiredConsent?: RequiredConsent; requiredInvolvement?: RequiredInvolvement } = {}): Decision => ({ allowed: false, coordinate, code, category, reason, options, ...required });
  const consentOption = options.find((option) => option.kind === 'consent');
  if (options.some((option) => option.outcome === 'CONSENT_STORE_UNAVAILABLE')) {
    return withheld('CONSENT_UNAVAILABLE', 'The consent store cannot be reached; consent-based data is withheld');
  }
  if (consentOption?.outcome === 'CONSENT_MISSING') {
    return withheld('CONSENT_REQUIRED', `Consent of this person is required for category '${category}'`, { requiredConsent: consentOption.requiredConsent });
  }
  if (options.some((option) => option.outcome === 'NOT_INVOLVED')) {
    return withheld('NOT_INVOLVED', `The caller's organisation is not involved with this household for purpose '${caller.purpose}'`, { requiredInvolvement });
  }
  if (options.some((option) => option.outcome === 'PURPOSE_NOT_COVERED')) {
    return withheld('PURPOSE_MISMATCH', `${coordinate} may not be used for purpose '${caller.purpose}'`);
  }
  return withheld('FORBIDDEN', `The caller's role may not see ${coordinate}`);
}

/**
 * The consent that releases a field of this category to this caller now, if any: the first active one
 * for the caller's organisation and purpose. It is all decideField reads of a person's consents, so two
 * people with the same releasing consent state (the same one, or none) get the same decision.
 */
export function releasingConsent(consents: readonly ConsentRecord[], category: string | undefined, caller: Caller, now: Date): ConsentRecord | undefined {
  return consents.find((consent) => consent.category === category && consent.granteeOrganisationId === caller.organisationId && consent.purpose === caller.purpose && isActiveConsent(consent, now));
}

function scopeOutcome(field: FieldPolicy, basis: Basis, caller: Caller, legal: { roles: readonly string[]; purposes: readonly string[] } | undefined): BasisOutcome {
  const roles = narrow(field.roles, legal?.roles);
  const purposes = narrow(field.purposes, legal?.purposes);
  if (basis.kind === 'legal' && !legal) return 'ROLE_NOT_COVERED';
  if (roles && !caller.roles.some((role) => roles.includes(role))) return 'ROLE_NOT_COVERED';
  if (purposes && !purposes.includes(caller.purpose)) return 'PURPOSE_NOT_COVERED';
  return 'SATISFIED';
}

/** A legal basis covers its own roles and purposes; a field may narrow them further. */
function narrow(fieldList: readonly string[] | undefined, basisList: readonly string[] | undefined): readonly string[] | undefined {
  if (!basisList) return fieldList;
  if (!fieldList) return basisList;
  return basisList.filter((name) => fieldList.includes(name));
}

function basisName(basis: Basis): string {
  return basis.kind === 'legal' ? basis.name : basis.kind;
}
