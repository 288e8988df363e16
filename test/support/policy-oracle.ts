/**
 * An independent reading of schema/field-policies.yaml for the property tests: the file is parsed here
 * with the yaml package directly and evaluated with this file's own few lines, sharing no code with the
 * gateway's decision (src/policy, src/involvement). If the two disagree, one of them is wrong.
 *
 * What it evaluates, in the policy file's own words:
 * - fields: which role may see which field for which purpose, on which basis (a legal basis or consent);
 * - needToKnow: data released on a basis in `involvementRequiredFor` is only for an organisation with an
 *   active involvement with the household (started on or before today, not ended), for the caller's
 *   purpose; a look-up by BSN or address of a household the caller is not involved with finds nobody,
 *   unless a basis outside that list that releases household data covers the caller (the Wgs signal);
 * - breakGlass: an unexpired grant of this professional (same subject, organisation and purpose) stands
 *   in for the involvement, never for a special category;
 * - consent: active, confirmed (four eyes: a pending consent never counts), for the caller's organisation
 *   and purpose.
 * - consents as data (`consentsOf`): the categories' `special` flag. A consent for a special category says
 *   the person gets that care, so only its grantee organisation knows of it, and only by involvement (a
 *   grant never opens a special category); any other consent is known to whoever may see the household
 *   (involvement or grant); nobody knows of the consents of a household they may not see.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, isObjectType, type GraphQLNamedType } from 'graphql';
import { parse } from 'yaml';

export type Verdict = 'ALLOWED' | 'FORBIDDEN' | 'PURPOSE_MISMATCH' | 'NOT_INVOLVED' | 'CONSENT_REQUIRED';

export interface OracleCaller {
  /** The professional (token `sub`): a break-the-glass grant is personal. */
  subject: string;
  role: string;
  purpose: string;
  organisationId: string;
}

export interface OracleConsent {
  category: string;
  granteeOrganisationId: string;
  purpose: string;
  validFrom: Date;
  validUntil: Date | null;
  withdrawnAt: Date | null;
  /** Null: waiting for the second professional (four eyes), never active. */
  confirmedAt: Date | null;
}

export interface OracleInvolvement {
  organisationId: string;
  purpose: string;
  /** ISO date (2026-11-24) on which it started. */
  since: string;
  endsAt: Date | null;
}

export interface OracleGrant {
  id: string;
  professional: string;
  organisationId: string;
  purpose: string;
  grantedAt: Date;
  expiresAt: Date;
}

/** A household's registered relationships: who is involved with it, who declared an emergency for it. */
export interface OracleHousehold {
  involvements: readonly OracleInvolvement[];
  grants: readonly OracleGrant[];
}

/**
 * Whose data a field is. `household` absent: a root field, about no household (the row rule is then the
 * look-up's, see `lookup`). `consents`: the person's own (none for a household's fields).
 */
export interface OracleSubject {
  consents: readonly OracleConsent[];
  household?: OracleHousehold;
}

/** A verdict, and for a release that only a break-the-glass grant made possible: that grant. */
export interface Judgement {
  verdict: Verdict;
  grant?: OracleGrant;
}

interface RawField {
  category?: string;
  basis: string | string[];
  roles?: string[];
  purposes?: string[];
}

interface RawPolicy {
  roles: Record<string, string>;
  purposes: Record<string, string>;
  categories: Record<string, { special?: boolean }>;
  legalBases: Record<string, { roles: string[]; purposes: string[] }>;
  organisationKinds: Record<string, { roles: string[] }>;
  needToKnow: { involvementRequiredFor: string[] };
  fields: Record<string, Record<string, RawField>>;
}

export interface PolicyOracle {
  roles: string[];
  purposes: string[];
  categories: string[];
  /** Roles an organisation of this kind may hold (policy: organisationKinds); a token with another is refused. */
  rolesOfKind(kind: string): string[];
  judge(caller: OracleCaller, coordinate: string, subject: OracleSubject, now: Date): Judgement;
  verdict(caller: OracleCaller, coordinate: string, subject: OracleSubject, now: Date): Verdict;
  /**
   * May a look-up by BSN or address find this household for this caller? If only a grant lets it, the
   * grant (the look-up's access record must name it).
   */
  lookup(caller: OracleCaller, household: OracleHousehold, now: Date): { finds: boolean; grant?: OracleGrant };
  /** Whether the caller's organisation is actively involved with the household for the caller's purpose. */
  involved(caller: OracleCaller, household: OracleHousehold, now: Date): boolean;
  /** The caller's unexpired grants for the household (any of them may be the one a record names). */
  activeGrants(caller: OracleCaller, household: OracleHousehold, now: Date): OracleGrant[];
  /**
   * The consents (of one person, in `household`; none when the hub does not know the person) that the
   * caller may know exist, whatever their status: what `consentsOf` must list, no more and no less. Who
   * may call `consentsOf` at all is the field policy's (`verdict` of Query.consentsOf).
   */
  knownConsents<T extends Pick<OracleConsent, 'category' | 'granteeOrganisationId'>>(caller: OracleCaller, household: OracleHousehold | undefined, consents: readonly T[], now: Date): T[];
  /** Personal data: the field needs a basis (anything but `basis: none`); an unknown field counts as personal. */
  isPersonal(coordinate: string): boolean;
}

export function loadPolicyOracle(file = 'schema/field-policies.yaml', schemaFile = 'schema/public.graphql'): PolicyOracle {
  const raw = parse(readFileSync(file, 'utf8')) as RawPolicy;
  const involvementRequiredFor = new Set(raw.needToKnow?.involvementRequiredFor ?? []);
  const special = (category: string | undefined) => category !== undefined && raw.categories[category]?.special === true;
  const basesOf = (field: RawField) => (Array.isArray(field.basis) ? field.basis : [field.basis]);
  // The bases that release data of a household or its members: those of the types a Household reaches.
  const householdBases = new Set<string>();
  for (const typeName of typesReachedFrom('Household', schemaFile)) {
    for (const field of Object.values(raw.fields[typeName] ?? {})) for (const basis of basesOf(field)) householdBases.add(basis);
  }

  const involved = (caller: OracleCaller, household: OracleHousehold, now: Date) =>
    household.involvements.some(
      (involvement) =>
        involvement.organisationId === caller.organisationId &&
        involvement.purpose === caller.purpose &&
        involvement.since <= now.toISOString().slice(0, 10) &&
        (involvement.endsAt === null || involvement.endsAt > now),
    );
  const activeGrants = (caller: OracleCaller, household: OracleHousehold, now: Date) =>
    household.grants.filter(
      (grant) =>
        grant.professional === caller.subject && grant.organisationId === caller.organisationId && grant.purpose === caller.purpose &&
        grant.grantedAt <= now && grant.expiresAt > now,
    );

  const judge = (caller: OracleCaller, coordinate: string, subject: OracleSubject, now: Date): Judgement => {
    const [typeName, fieldName] = coordinate.split('.');
    const field = raw.fields[typeName]?.[fieldName];
    if (!field) return { verdict: 'FORBIDDEN' };
    const household = subject.household;
    const isInvolved = household !== undefined && involved(caller, household, now);
    const grant = household ? activeGrants(caller, household, now)[0] : undefined;
    let consentMissing = false;
    let notInvolved = false;
    let purposeWasTheProblem = false;
    let underGrant: Judgement | undefined;
    for (const basis of basesOf(field)) {
      const legal = raw.legalBases[basis];
      const known = basis === 'none' || basis === 'consent' || legal !== undefined;
      const roleOk = known && (!legal || legal.roles.includes(caller.role)) && (!field.roles || field.roles.includes(caller.role));
      const purposeOk = (!legal || legal.purposes.includes(caller.purpose)) && (!field.purposes || field.purposes.includes(caller.purpose));
      if (roleOk && !purposeOk) purposeWasTheProblem = true;
      if (!roleOk || !purposeOk) continue;
      if (basis === 'none') return { verdict: 'ALLOWED' };
      // Where the caller stands with the household, for data on this basis.
      const standing = household === undefined || !involvementRequiredFor.has(basis) || isInvolved ? 'involved' : grant ? 'grant' : 'none';
      if (basis !== 'consent') {
        if (standing === 'involved') return { verdict: 'ALLOWED' };
        if (standing === 'grant' && !special(field.category)) underGrant ??= { verdict: 'ALLOWED', grant };
        else notInvolved = true;
        continue;
      }
      // Without any standing the consents are not even looked at: the answer is the missing involvement.
      if (standing === 'none') {
        notInvolved = true;
        continue;
      }
      const consented = subject.consents.some(
        (consent) =>
          consent.category === field.category &&
          consent.granteeOrganisationId === caller.organisationId &&
          consent.purpose === caller.purpose &&
          consent.confirmedAt !== null &&
          consent.validFrom <= now &&
          (consent.validUntil === null || consent.validUntil > now) &&
          consent.withdrawnAt === null,
      );
      // Under a grant alone a special category is CONSENT_REQUIRED whether or not a consent is on record:
      // the grant never opens it, and a different code would tell that a (health-data) consent exists.
      if (standing === 'grant' && special(field.category)) consentMissing = true;
      else if (!consented) consentMissing = true;
      else if (standing === 'involved') return { verdict: 'ALLOWED' };
      else underGrant ??= { verdict: 'ALLOWED', grant };
    }
    if (underGrant) return underGrant;
    if (consentMissing) return { verdict: 'CONSENT_REQUIRED' };
    if (notInvolved) return { verdict: 'NOT_INVOLVED' };
    return { verdict: purposeWasTheProblem ? 'PURPOSE_MISMATCH' : 'FORBIDDEN' };
  };

  return {
    roles: Object.keys(raw.roles),
    purposes: Object.keys(raw.purposes),
    categories: Object.keys(raw.categories),
    rolesOfKind: (kind) => raw.organisationKinds?.[kind]?.roles ?? [],
    isPersonal(coordinate) {
      const [typeName, fieldName] = coordinate.split('.');
      const field = raw.fields[typeName]?.[fieldName];
      return !field || field.basis !== 'none';
    },
    judge,
    verdict: (caller, coordinate, subject, now) => judge(caller, coordinate, subject, now).verdict,
    involved,
    activeGrants,
    knownConsents(caller, household, consents, now) {
      if (!household) return [];
      const isInvolved = involved(caller, household, now);
      if (!isInvolved && activeGrants(caller, household, now).length === 0) return [];
      // A category the policy does not list counts as special here too: whoever cannot tell, does not show.
      const specialHere = (category: string) => !(category in raw.categories) || special(category);
      return consents.filter((consent) => !specialHere(consent.category) || (isInvolved && consent.granteeOrganisationId === caller.organisationId));
    },
    lookup(caller, household, now) {
      const exempt = Object.entries(raw.legalBases).some(
        ([name, legal]) => !involvementRequiredFor.has(name) && householdBases.has(name) && legal.roles.includes(caller.role) && legal.purposes.includes(caller.purpose),
      );
      if (exempt || involved(caller, household, now)) return { finds: true };
      const grant = activeGrants(caller, household, now)[0];
      return grant ? { finds: true, grant } : { finds: false };
    },
  };
}

/** The object types a type reaches through its fields (itself included), read from the public schema. */
function typesReachedFrom(start: string, schemaFile: string): Set<string> {
  const schema = buildSchema(readFileSync(schemaFile, 'utf8'));
  const reached = new Set<string>();
  const visit = (type: GraphQLNamedType | undefined) => {
    if (!type || !isObjectType(type) || reached.has(type.name)) return;
    reached.add(type.name);
    for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
  };
  visit(schema.getType(start) ?? undefined);
  return reached;
}
