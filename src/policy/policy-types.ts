/** The field policies as the hub uses them, after src/policy/policy-file.ts has read and checked them. */

export type Basis = { kind: 'none' } | { kind: 'consent' } | { kind: 'legal'; name: string };

export interface FieldPolicy {
  /** `Type.field`, as in the schema. */
  coordinate: string;
  category?: string;
  /**
   * The grounds on which the field may be shared, in the order the file lists them; any one suffices.
   * A legal basis brings its own roles and purposes; consent needs the field's roles and purposes.
   */
  bases: readonly Basis[];
  /**
   * Roles that may see the field: required with consent, optional narrowing with a legal basis;
   * `undefined` on a field with basis `none` means every role.
   */
  roles?: readonly string[];
  /** Purposes for which the field may be seen; same rules as `roles`. */
  purposes?: readonly string[];
  /** Line in the policy file, for messages. */
  line: number;
}

export interface Category {
  description: string;
  /** A special category of personal data (AVG art. 9), such as health data: consent only. */
  special: boolean;
}

export interface LegalBasis {
  description: string;
  roles: readonly string[];
  purposes: readonly string[];
}

/** Which roles an organisation of one kind (src/domain/organisations.ts) may hold in a token. */
export interface OrganisationKindPolicy {
  description: string;
  roles: readonly string[];
}

/**
 * Need to know (of whom): data released on one of these bases needs an active involvement of the
 * caller's organisation with the household, for the caller's purpose. `consent` may be listed too.
 */
export interface NeedToKnowPolicy {
  description: string;
  involvementRequiredFor: ReadonlySet<string>;
}

/** Break-the-glass: who may declare an emergency, for how long, for which reasons, with how much text. */
export interface BreakGlassPolicy {
  description: string;
  roles: readonly string[];
  durationMinutes: number;
  minimumJustificationLength: number;
  reasons: ReadonlyMap<string, string>;
}

/** Who supervises what: hub-wide roles see all processing; other officers their own organisation's. */
export interface SupervisionPolicy {
  description: string;
  hubWideRoles: readonly string[];
}

export interface PolicySet {
  file: string;
  roles: ReadonlyMap<string, string>;
  purposes: ReadonlyMap<string, string>;
  categories: ReadonlyMap<string, Category>;
  legalBases: ReadonlyMap<string, LegalBasis>;
  organisationKinds: ReadonlyMap<string, OrganisationKindPolicy>;
  needToKnow: NeedToKnowPolicy;
  breakGlass: BreakGlassPolicy;
  supervision: SupervisionPolicy;
  fields: ReadonlyMap<string, FieldPolicy>;
}
