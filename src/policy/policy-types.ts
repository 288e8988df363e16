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

export interface PolicySet {
  file: string;
  roles: ReadonlyMap<string, string>;
  purposes: ReadonlyMap<string, string>;
  categories: ReadonlyMap<string, Category>;
  legalBases: ReadonlyMap<string, LegalBasis>;
  fields: ReadonlyMap<string, FieldPolicy>;
}
