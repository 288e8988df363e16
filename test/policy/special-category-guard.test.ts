import { describe, expect, it } from 'vitest';
import { buildSchema } from 'graphql';
import { POLICY_FILE, policySchema, problemsOf, shippedPolicy, withLine } from '../support/policy-file-fixture.ts';
import { specialCategoryCoordinates, specialCategoryTypes } from '../../src/policy/special-category-guard.ts';
import { loadDomainSdl } from '../../src/domain/partner-domains.ts';

const schema = policySchema;
const shipped = shippedPolicy;
const CARE_FIELDS = ['inCare', 'trajectoryKind', 'responsiblePractitioner', 'crisisPlanPresent'];



const specialMessage = (coordinate: string, filed: string) =>
  `'${coordinate}' is special-category data (type Care is marked @specialCategory in schema/domains/care.graphql), but is filed ${filed}: file it under a category with special: true (AVG art. 9, explicit consent only)`;

describe('special categories marked in the adapter contracts', () => {
  it('reads the mark from the care contract, where stitching cannot drop it', () => {
    expect([...specialCategoryTypes().keys()]).toEqual(['Care']);
    expect(specialCategoryTypes().get('Care')!.contract).toBe('schema/domains/care.graphql');
    // Without the mark in the contract nothing is marked: the guard does not guess from names.
    const unmarked = specialCategoryTypes(['care'], (domain) => loadDomainSdl(domain).replace('type Care @specialCategory', 'type Care'));
    expect(unmarked.size).toBe(0);
    // A contract may mark a type in an extension too.
    expect(specialCategoryTypes(['care'], () => 'directive @specialCategory on OBJECT\ntype Query { x: Int }\ntype Foo { a: Int }\nextend type Foo @specialCategory').has('Foo')).toBe(true);
  });

  it('covers every Care field and every field that returns Care, in the public schema', () => {
    const coordinates = [...specialCategoryCoordinates(schema, specialCategoryTypes()).keys()].sort();
    expect(coordinates).toEqual(['Person.care', ...CARE_FIELDS.map((field) => `Care.${field}`)].sort());
  });

  it('is served by the contract with its directive declared, so an adapter building it does not fail', () => {
    const contract = buildSchema(loadDomainSdl('care'));
    expect(contract.getDirective('specialCategory')).toBeDefined();
    expect(contract.getType('Care')!.astNode!.directives!.map((directive) => directive.name.value)).toEqual(['specialCategory']);
  });
});

describe('the policy check refuses special-category data under an ordinary category', () => {
  it('passes the shipped file', () => {
    expect(problemsOf(shipped)).toEqual([]);
  });

  it('refuses Care.inCare moved to category wonen with basis wmo-wijkteam, naming file and line', () => {
    const { text, line } = withLine('inCare:                  { category: ggz, basis: consent, roles: [wijkcoach], purposes: [wijkteam-ondersteuning] }', 'inCare:                  { category: wonen, basis: wmo-wijkteam }');
    expect(problemsOf(text)).toEqual([`${POLICY_FILE}:${line}: ${specialMessage('Care.inCare', "under category 'wonen'")}`]);
  });

  it('refuses Care fields under a non-special category even with basis consent', () => {
    let text = shipped;
    const lines: number[] = [];
    for (const field of CARE_FIELDS) {
      const changed = withLine(`${field}:`.padEnd(25) + '{ category: ggz,', `${field}:`.padEnd(25) + '{ category: wonen,', text);
      text = changed.text;
      lines.push(changed.line);
    }
    const problems = problemsOf(text);
    expect(problems).toEqual(CARE_FIELDS.map((field, index) => `${POLICY_FILE}:${lines[index]}: ${specialMessage(`Care.${field}`, "under category 'wonen'")}`));
  });

  it('refuses Person.care under an ordinary category, and without a category on basis none', () => {
    const wonen = withLine('care:       { category: ggz,', 'care:       { category: wonen,');
    expect(problemsOf(wonen.text)).toEqual([`${POLICY_FILE}:${wonen.line}: ${specialMessage('Person.care', "under category 'wonen'")}`]);
    const open = withLine('care:       { category: ggz, basis: consent, roles: [wijkcoach], purposes: [wijkteam-ondersteuning] }', 'care:       { basis: none }');
    expect(problemsOf(open.text)).toContainEqual(`${POLICY_FILE}:${open.line}: ${specialMessage('Person.care', 'without a category')}`);
  });

  it('refuses a new look-alike category, and the ggz category itself stripped of special: true', () => {
    const lookAlike = withLine(
      'trajectoryKind:          { category: ggz,',
      'trajectoryKind:          { category: ggz-licht,',
      withLine('  ggz: {', '  ggz-licht: { description: Lichte zorg }\n  ggz: {').text,
    );
    expect(problemsOf(lookAlike.text)).toEqual([`${POLICY_FILE}:${lookAlike.line}: ${specialMessage('Care.trajectoryKind', "under category 'ggz-licht'")}`]);

    const notSpecial = withLine('inclusief het feit dat iemand in zorg is", special: true }', 'inclusief het feit dat iemand in zorg is" }');
    const problems = problemsOf(notSpecial.text);
    for (const coordinate of ['Person.care', ...CARE_FIELDS.map((field) => `Care.${field}`)]) {
      expect(problems.some((problem) => problem.includes(specialMessage(coordinate, "under category 'ggz'")))).toBe(true);
    }
  });
});
