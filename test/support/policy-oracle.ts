/**
 * An independent reading of schema/field-policies.yaml for the property tests: the file is parsed here
 * with the yaml package directly and evaluated with this file's own few lines, sharing no code with the
 * gateway's decision (src/policy). If the two disagree, one of them is wrong.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ORGANISATIONS } from '../../src/domain/organisations.ts';

export type Verdict = 'ALLOWED' | 'FORBIDDEN' | 'PURPOSE_MISMATCH' | 'CONSENT_REQUIRED';

export interface OracleCaller {
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
  categories: Record<string, unknown>;
  legalBases: Record<string, { roles: string[]; purposes: string[] }>;
  organisationKinds: Record<string, { roles: string[] }>;
  fields: Record<string, Record<string, RawField>>;
}

export interface PolicyOracle {
  roles: string[];
  /** Every organisation of the register with each role its kind may hold: the tokens the hub accepts. */
  registeredCallers: { role: string; organisationId: string }[];
  purposes: string[];
  categories: string[];
  verdict(caller: OracleCaller, coordinate: string, consents: readonly OracleConsent[], now: Date): Verdict;
  /** Personal data: the field needs a basis (anything but `basis: none`); an unknown field counts as personal. */
  isPersonal(coordinate: string): boolean;
}

export function loadPolicyOracle(file = 'schema/field-policies.yaml'): PolicyOracle {
  const raw = parse(readFileSync(file, 'utf8')) as RawPolicy;
  return {
    roles: Object.keys(raw.roles),
    registeredCallers: ORGANISATIONS.flatMap((organisation) => (raw.organisationKinds[organisation.kind]?.roles ?? []).map((role) => ({ role, organisationId: organisation.id }))),
    purposes: Object.keys(raw.purposes),
    categories: Object.keys(raw.categories),
    isPersonal(coordinate) {
      const [typeName, fieldName] = coordinate.split('.');
      const field = raw.fields[typeName]?.[fieldName];
      return !field || field.basis !== 'none';
    },
    verdict(caller, coordinate, consents, now) {
      const [typeName, fieldName] = coordinate.split('.');
      const field = raw.fields[typeName]?.[fieldName];
      if (!field) return 'FORBIDDEN';
      const bases = Array.isArray(field.basis) ? field.basis : [field.basis];
      let consentCouldApply = false;
      let purposeWasTheProblem = false;
      for (const basis of bases) {
        const legal = raw.legalBases[basis];
        const roleOk = (!legal || legal.roles.includes(caller.role)) && (!field.roles || field.roles.includes(caller.role));
        const purposeOk = (!legal || legal.purposes.includes(caller.purpose)) && (!field.purposes || field.purposes.includes(caller.purpose));
        if (roleOk && !purposeOk) purposeWasTheProblem = true;
        if (!roleOk || !purposeOk) continue;
        if (basis !== 'consent') return 'ALLOWED';
        consentCouldApply = true;
        const valid = consents.some(
          (consent) =>
            consent.category === field.category &&
            consent.granteeOrganisationId === caller.organisationId &&
            consent.purpose === caller.purpose &&
            consent.validFrom <= now &&
            (consent.validUntil === null || consent.validUntil > now) &&
            consent.withdrawnAt === null,
        );
        if (valid) return 'ALLOWED';
      }
      if (consentCouldApply) return 'CONSENT_REQUIRED';
      return purposeWasTheProblem ? 'PURPOSE_MISMATCH' : 'FORBIDDEN';
    },
  };
}
