import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, isObjectType } from 'graphql';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { POLICY_FILE, policySchema, problemsOf, withLine } from '../support/policy-file-fixture.ts';

const schema = policySchema;

describe('the field policy file', () => {
  it('covers every field of the public schema exactly', () => {
    const policies = loadPolicyFile(POLICY_FILE, schema);
    const published = buildSchema(readFileSync('schema/public.graphql', 'utf8'));
    const coordinates = Object.values(published.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
      .flatMap((type) => Object.keys((type as any).getFields()).map((field) => `${type.name}.${field}`));
    expect([...policies.fields.keys()].sort()).toEqual(coordinates.sort());
    expect(policies.fields.get('Care.inCare')).toMatchObject({ category: 'ggz', bases: [{ kind: 'consent' }] });
    expect(policies.fields.get('Housing.rentArrearsTwoMonthsOrMore')!.bases).toEqual([{ kind: 'legal', name: 'wmo-wijkteam' }, { kind: 'legal', name: 'wgs-vroegsignalering' }]);
  });

  it('names the file, the line and the problem for an unknown field', () => {
    const { text, line } = withLine('    evictionStatus:', '    evictionDate:');
    expect(problemsOf(text)).toContainEqual(`${POLICY_FILE}:${line}: unknown field 'Housing.evictionDate': not in the public schema`);
  });

  it('reports the field left without a policy', () => {
    const { text } = withLine('    evictionStatus:', '    # evictionStatus:');
    expect(problemsOf(text).join('\n')).toContain(`no policy for 'Housing.evictionStatus'`);
  });

  it('rejects an unknown category, role, purpose or basis', () => {
    const category = withLine('monthlyRent:          { category: wonen,', 'monthlyRent:          { category: huur,');
    expect(problemsOf(category.text)).toContainEqual(`${POLICY_FILE}:${category.line}: 'Housing.monthlyRent': unknown category 'huur'`);
    const role = withLine('caseNumber:         { category: schulden, basis: wmo-wijkteam', 'caseNumber:         { category: schulden, basis: wmo-wijkteam, roles: [wijkagent]');
    expect(problemsOf(role.text)).toContainEqual(`${POLICY_FILE}:${role.line}: unknown role 'wijkagent'`);
    const purpose = withLine('totalDebt:          { category: schulden, basis: wmo-wijkteam', 'totalDebt:          { category: schulden, basis: wmo-wijkteam, purposes: [marketing]');
    expect(problemsOf(purpose.text)).toContainEqual(`${POLICY_FILE}:${purpose.line}: unknown purpose 'marketing'`);
    const basis = withLine('creditorCount:      { category: schulden, basis: wmo-wijkteam', 'creditorCount:      { category: schulden, basis: gerechtvaardigd-belang');
    expect(problemsOf(basis.text)[0]).toMatch(new RegExp(`^${POLICY_FILE}:${basis.line}: 'Debt.creditorCount': unknown basis 'gerechtvaardigd-belang'`));
  });

  it('refuses a key a category, legal basis or organisation kind does not have, such as half of an unquoted description', () => {
    // Unquoted inside { }, YAML cuts the description at its first comma and reads the rest as a key.
    const cut = withLine('  huishouden: { description: "Samenstelling van het huishouden, regisseur en betrokken organisaties" }', '  huishouden: { description: Samenstelling van het huishouden, regisseur en betrokken organisaties }');
    expect(problemsOf(cut.text)).toContainEqual(`${POLICY_FILE}:${cut.line}: 'categories.huishouden': unknown key 'regisseur en betrokken organisaties' (a text with a comma inside { } needs quotes)`);
    const typo = withLine('  ggz: { description: "Geestelijke gezondheidszorg, inclusief het feit dat iemand in zorg is", special: true }', '  ggz: { description: "Geestelijke gezondheidszorg, inclusief het feit dat iemand in zorg is", speciaal: true }');
    expect(problemsOf(typo.text)).toContainEqual(`${POLICY_FILE}:${typo.line}: 'categories.ggz': unknown key 'speciaal'`);
    const kind = withLine('  WIJKTEAM:            { description: Sociaal wijkteam, roles: [wijkcoach, privacy-officer] }', '  WIJKTEAM:            { description: Sociaal wijkteam, rollen: [wijkcoach, privacy-officer], roles: [wijkcoach] }');
    expect(problemsOf(kind.text)).toContainEqual(`${POLICY_FILE}:${kind.line}: 'organisationKinds.WIJKTEAM': unknown key 'rollen'`);
  });

  it('refuses any basis but consent for health data, including the mere fact of being in care', () => {
    const { text, line } = withLine('inCare:                  { category: ggz, basis: consent', 'inCare:                  { category: ggz, basis: wmo-wijkteam');
    expect(problemsOf(text)).toContainEqual(
      `${POLICY_FILE}:${line}: 'Care.inCare': category 'ggz' is a special category (AVG art. 9) and may only be shared with explicit consent`,
    );
    // Also when consent is listed next to a legal basis: one non-consent basis is enough to refuse.
    const mixed = withLine('care:       { category: ggz, basis: consent', 'care:       { category: ggz, basis: [consent, wmo-wijkteam]');
    expect(problemsOf(mixed.text)).toContainEqual(
      `${POLICY_FILE}:${mixed.line}: 'Person.care': category 'ggz' is a special category (AVG art. 9) and may only be shared with explicit consent`,
    );
  });

  it('accepts several bases for one field and checks each of them', () => {
    const unknown = withLine('rentArrearsTwoMonthsOrMore: { category: wonen, basis: [wmo-wijkteam, wgs-vroegsignalering]', 'rentArrearsTwoMonthsOrMore: { category: wonen, basis: [wmo-wijkteam, wgs]');
    expect(problemsOf(unknown.text)[0]).toMatch(new RegExp(`^${POLICY_FILE}:${unknown.line}: 'Housing.rentArrearsTwoMonthsOrMore': unknown basis 'wgs'`));
    const withNone = withLine('rentArrearsTwoMonthsOrMore: { category: wonen, basis: [wmo-wijkteam, wgs-vroegsignalering]', 'rentArrearsTwoMonthsOrMore: { category: wonen, basis: [none, wgs-vroegsignalering]');
    expect(problemsOf(withNone.text)).toContainEqual(`${POLICY_FILE}:${withNone.line}: 'Housing.rentArrearsTwoMonthsOrMore': basis none cannot be combined with other bases`);
    // A field may narrow a legal basis, but not to nothing: such a basis could never apply.
    const unreachable = withLine('rentArrearsTwoMonthsOrMore: { category: wonen, basis: [wmo-wijkteam, wgs-vroegsignalering] }', 'rentArrearsTwoMonthsOrMore: { category: wonen, basis: [wmo-wijkteam, wgs-vroegsignalering], roles: [wijkcoach] }');
    expect(problemsOf(unreachable.text)).toContainEqual(
      `${POLICY_FILE}:${unreachable.line}: 'Housing.rentArrearsTwoMonthsOrMore': legal basis 'wgs-vroegsignalering' covers none of the field's roles or purposes, so it can never apply`,
    );
  });

  it('asks for roles and purposes on a consent-based field', () => {
    const { text, line } = withLine('inCare:                  { category: ggz, basis: consent, roles: [wijkcoach], purposes: [wijkteam-ondersteuning] }', 'inCare:                  { category: ggz, basis: consent }');
    expect(problemsOf(text)).toContainEqual(`${POLICY_FILE}:${line}: 'Care.inCare': with basis consent, list the roles and purposes that may see it`);
  });

  it('refuses consent as basis where no single person is concerned', () => {
    const { text, line } = withLine('street:            { category: adres, basis: wmo-wijkteam', 'street:            { category: adres, basis: consent');
    expect(problemsOf(text)).toContainEqual(`${POLICY_FILE}:${line}: 'Address.street': basis consent needs one person the data is about; 'Address' is not about a single person`);
  });

  it('refuses to let a field be withheld that the schema declares non-null', () => {
    const { text, line } = withLine('    name: { basis: none }', '    name: { basis: none, roles: [wijkcoach] }');
    expect(problemsOf(text)).toContainEqual(`${POLICY_FILE}:${line}: 'Organisation.name' may be withheld, so the schema must declare it nullable (it is String!)`);
  });

  it('reports bad YAML with its line', () => {
    const duplicate = withLine('    totalDebt:  ', '    caseStatus:  ');
    expect(problemsOf(duplicate.text)).toEqual([`${POLICY_FILE}:${duplicate.line}: YAML error: Map keys must be unique`]);
    const unclosed = withLine('  adres: { description: Woonadres van het huishouden }', '  adres: { description: "Woonadres }');
    expect(problemsOf(unclosed.text)[0]).toMatch(new RegExp(`^${POLICY_FILE}:${unclosed.line}: YAML error`));
  });

  it('reports an unreadable file by name', () => {
    expect(() => loadPolicyFile('schema/does-not-exist.yaml', schema)).toThrow(/schema\/does-not-exist\.yaml: cannot read the file/);
  });
});
