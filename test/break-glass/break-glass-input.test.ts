import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { validateCloseInput, validateDeclareInput } from '../../src/break-glass/break-glass-input.ts';
import { rolesOfPolicy } from '../../src/break-glass/break-glass-roles.ts';
import { buildSubjectAccessReport } from '../../src/audit/subject-access-report.ts';
import type { AuditRecord } from '../../src/db/generated/client.ts';

/** The checks that need no database: input, the roles the resolvers check again, the resident's report. */

const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const JUSTIFICATION = 'De bewoner is sinds gisteren onbereikbaar en de buren melden gasgeur.';

function refusal(check: () => unknown): { argument: unknown; message: string } {
  try {
    check();
  } catch (error) {
    const { extensions, message } = error as GraphQLError;
    expect(extensions.code).toBe('BAD_USER_INPUT');
    return { argument: extensions.argument, message };
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('declareEmergencyAccess input', () => {
  const declare = (input: Partial<{ householdId: string; reasonCode: string; justification: string }>) =>
    validateDeclareInput({ householdId: 'hh-1001', reasonCode: 'crisisdienst', justification: JUSTIFICATION, ...input }, policies.breakGlass);

  it('accepts a known reason and trims the justification', () => {
    expect(declare({ justification: `  ${JUSTIFICATION}\n` })).toEqual({ target: { householdId: 'hh-1001' }, reasonCode: 'crisisdienst', justification: JUSTIFICATION });
  });

  it('refuses a reason code that is not in the policy file, listing the codes', () => {
    for (const reasonCode of ['', 'Crisisdienst', 'toString', 'nieuwsgierig']) {
      const { argument, message } = refusal(() => declare({ reasonCode }));
      expect(argument).toBe('input.reasonCode');
      expect(message).toContain([...policies.breakGlass.reasons.keys()].join(', '));
    }
  });

  it('counts the justification after trimming: 39 characters padded with spaces are too short, 40 are enough', () => {
    const minimum = policies.breakGlass.minimumJustificationLength;
    expect(refusal(() => declare({ justification: `${'a'.repeat(minimum - 1)}${' '.repeat(10)}` })).argument).toBe('input.justification');
    expect(declare({ justification: 'a'.repeat(minimum) }).justification).toHaveLength(minimum);
    expect(declare({ justification: 'a'.repeat(1000) }).justification).toHaveLength(1000);
    expect(refusal(() => declare({ justification: 'a'.repeat(1001) })).argument).toBe('input.justification');
  });

  it('refuses a BSN in the justification and never repeats it', () => {
    const { argument, message } = refusal(() => declare({ justification: `${JUSTIFICATION} BSN 999906318.` }));
    expect(argument).toBe('input.justification');
    expect(message).not.toContain('999906318');
  });
});

describe('closeBreakGlassReview input', () => {
  it('requires a note of at most 1000 characters without a BSN', () => {
    expect(validateCloseInput({ id: 'g', outcome: 'JUSTIFIED', note: ' Terecht. ' }).note).toBe('Terecht.');
    for (const note of ['', '  \n ', 'x'.repeat(1001), 'bewoner 999906318']) {
      expect(refusal(() => validateCloseInput({ id: 'g', outcome: 'JUSTIFIED', note })).argument).toBe('input.note');
    }
  });
});

describe('who the resolvers let through (checked again behind the field policy)', () => {
  it('the declaration\'s field policy names exactly breakGlass.roles', () => {
    expect([...rolesOfPolicy(policies, 'Mutation.declareEmergencyAccess')].sort()).toEqual([...policies.breakGlass.roles].sort());
    for (const field of ['householdId', 'reasonCode', 'reasonDescription', 'justification', 'grantedAt', 'expiresAt']) {
      expect(policies.fields.get(`BreakGlassGrant.${field}`)?.roles).toEqual(policies.breakGlass.roles);
    }
  });

  it('the review roots are for privacy officers only', () => {
    for (const coordinate of ['Query.breakGlassReviews', 'Mutation.closeBreakGlassReview']) {
      expect([...rolesOfPolicy(policies, coordinate)].sort()).toEqual(['hub-privacy-officer', 'privacy-officer']);
      expect(policies.fields.get(coordinate)?.purposes).toEqual(['privacy-toezicht']);
    }
  });
});

describe('the resident\'s report', () => {
  const record = (breakGlassGrantId: string | null) =>
    ({
      id: 'r1', traceId: 't', endTime: new Date('2026-11-24T10:00:00Z'), organisationId: 'wijkteam-west', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning',
      fieldsReleased: ['Household.address'], fieldsWithheld: [], fieldBases: { 'Household.address': 'wmo-wijkteam' }, breakGlassGrantId,
    }) as unknown as AuditRecord;

  it('says in plain Dutch when an access was under noodtoegang, and not otherwise', () => {
    const [under, normal] = buildSubjectAccessReport([record('g-1'), record(null)], policies).accesses;
    expect(under.text).toContain('onder noodtoegang');
    expect(normal.text).not.toContain('noodtoegang');
  });
});
