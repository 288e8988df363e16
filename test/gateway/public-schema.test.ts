import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getNamedType, type GraphQLObjectType, isObjectType } from 'graphql';
import { printPublicSchema, publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { ROOTS_RECORDING_THEIR_OWN_SUBJECTS } from '../../src/gateway/field-authorization.ts';

describe('the public contract', () => {
  it('is what schema/public.graphql says (regenerate with npm run schema:print)', () => {
    expect(`${printPublicSchema()}\n`).toBe(readFileSync('schema/public.graphql', 'utf8'));
  });

  it('keeps the adapters\' merge plumbing out of it', () => {
    const printed = printPublicSchema();
    expect(printed).not.toContain('peopleByBsn');
    expect(printed).toMatch(/type Person \{[^}]*\bhousing: Housing[^}]*\bdebt: Debt[^}]*\bcare: Care/s);
  });

  it('names every root field that returns personal data of anything but a Person or Household as recording its own subjects', () => {
    const schema = publicSchemaForPolicyCheck();
    const policies = loadPolicyFile('schema/field-policies.yaml', schema);
    // Whether an object type (not through Person or Household, which carry the hub's own subject key) has a field that needs a basis.
    const holdsPersonalData = (type: GraphQLObjectType, seen = new Set<string>()): boolean => {
      if (type.name === 'Person' || type.name === 'Household' || seen.has(type.name)) return false;
      seen.add(type.name);
      return Object.values(type.getFields()).some((field) => {
        const personal = policies.fields.get(`${type.name}.${field.name}`)?.bases[0].kind !== 'none';
        const named = getNamedType(field.type);
        return personal || (isObjectType(named) && holdsPersonalData(named, seen));
      });
    };
    const needed = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) =>
      Object.values(root.getFields())
        .filter((field) => {
          const named = getNamedType(field.type);
          return isObjectType(named) && holdsPersonalData(named);
        })
        .map((field) => `${root.name}.${field.name}`),
    );
    expect(needed.sort()).toEqual([...ROOTS_RECORDING_THEIR_OWN_SUBJECTS].sort());
  });
});
