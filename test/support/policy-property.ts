/**
 * The property behind issue 3: for random callers, consent sets and queries, (a) the hub never returns a
 * value the policy forbids, and withholds exactly what the policy withholds, with the policy's code; and
 * (b) no partner is asked for a field the caller may not see for that person. The policy is read by the
 * independent oracle (test/support/policy-oracle.ts); (b) is observed at the partner simulators.
 * Used by test/gateway/no-leak.property.test.ts (1,000 cases) and test/property/run-property-check.ts
 * (any number, e.g. 100,000).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildSchema, getNamedType, type GraphQLObjectType, type GraphQLSchema, isObjectType } from 'graphql';
import { allDemoPeople, DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { ORGANISATIONS } from '../../src/domain/organisations.ts';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';
import { DOMAINS, type Domain } from '../../src/domain/partner-domains.ts';
import type { OracleCaller, OracleConsent, PolicyOracle, Verdict } from './policy-oracle.ts';
import type { TestHub } from './hub.ts';

const WITHHELD_CODES = new Set(['FORBIDDEN', 'PURPOSE_MISMATCH', 'CONSENT_REQUIRED', 'CONSENT_UNAVAILABLE']);
const PEOPLE = allDemoPeople();
const DAY = 86_400_000;

export interface Selection {
  field: string;
  /** Response key: an alias, so that fragments and plain fields never collide. */
  key: string;
  args?: string;
  children?: Selection[];
  /** Children wrapped in an inline fragment or a named fragment (Person only). */
  wrap?: 'inline' | 'named';
}

export interface PropertyCase {
  caller: OracleCaller;
  consents: { person: number; consent: OracleConsent }[];
  root: Selection;
}

type ConsentState = 'active' | 'withdrawn' | 'expired' | 'future';

/** A generator of random cases, from the public schema and the policy's own vocabulary. */
export function propertyCaseArbitrary(oracle: PolicyOracle): fc.Arbitrary<PropertyCase> {
  const schema = buildSchema(readFileSync('schema/public.graphql', 'utf8'));
  const now = Date.now();
  const consent = fc.record({
    person: fc.nat(PEOPLE.length - 1),
    category: fc.constantFrom(...oracle.categories),
    granteeOrganisationId: fc.constantFrom(...ORGANISATIONS.map((organisation) => organisation.id)),
    purpose: fc.constantFrom(...oracle.purposes),
    state: fc.constantFrom<ConsentState>('active', 'active', 'withdrawn', 'expired', 'future'),
  }).map(({ person, state, ...rest }) => ({ person, consent: { ...rest, ...period(state, now) } }));
  return fc.record({
    caller: fc.record({
      role: fc.constantFrom(...oracle.roles),
      purpose: fc.constantFrom(...oracle.purposes),
      organisationId: fc.constantFrom(...ORGANISATIONS.map((organisation) => organisation.id)),
    }),
    consents: fc.array(consent, { maxLength: 12 }),
    root: fc.gen().map((g) => randomRoot(g, schema)),
  });
}

function period(state: ConsentState, now: number): Pick<OracleConsent, 'validFrom' | 'validUntil' | 'withdrawnAt'> {
  // Far from now, so that the oracle and the hub never disagree because a second passed.
  const past = new Date(now - 200 * DAY);
  switch (state) {
    case 'active': return { validFrom: past, validUntil: null, withdrawnAt: null };
    case 'withdrawn': return { validFrom: past, validUntil: null, withdrawnAt: new Date(now - 10 * DAY) };
    case 'expired': return { validFrom: past, validUntil: new Date(now - 10 * DAY), withdrawnAt: null };
    case 'future': return { validFrom: new Date(now + 100 * DAY), validUntil: null, withdrawnAt: null };
  }
}

type Gen = fc.GeneratorValue;
type RootField = 'households' | 'household' | 'householdByMemberBsn' | 'personByBsn';

function randomRoot(g: Gen, schema: GraphQLSchema): Selection {
  const householdIds = DEMO_HOUSEHOLDS.map((household) => household.id);
  const bsn = () => JSON.stringify(PEOPLE[g(fc.nat, PEOPLE.length - 1)].bsn);
  const root = g(fc.constantFrom, 'households', 'household', 'householdByMemberBsn', 'personByBsn') as RootField;
  const args: string = ({
    households: () => `(ids: ${JSON.stringify(g(fc.subarray, householdIds, { minLength: 1 }))})`,
    household: () => `(id: ${JSON.stringify(g(fc.constantFrom, ...householdIds))})`,
    householdByMemberBsn: () => `(bsn: ${bsn()})`,
    personByBsn: () => `(bsn: ${bsn()})`,
  } satisfies Record<RootField, () => string>)[root]();
  const type = getNamedType(schema.getQueryType()!.getFields()[root].type) as GraphQLObjectType;
  return { field: root, key: 'root', args, children: randomSelection(g, schema, type, 0) };
}

function randomSelection(g: Gen, schema: GraphQLSchema, type: GraphQLObjectType, depth: number): Selection[] {
  const fields = Object.values(type.getFields()).filter((field) => field.args.length === 0);
  const chosen = g(fc.subarray, fields.map((field) => field.name), { minLength: 1 });
  // Every Person selects its id, so that each value can be traced to the person it is about.
  if (type.name === 'Person' && !chosen.includes('id')) chosen.unshift('id');
  return chosen.flatMap((name): Selection[] => {
    const named = getNamedType(type.getFields()[name].type);
    const key = `${name}_${depth}`;
    if (!isObjectType(named)) return [{ field: name, key }];
    if (depth >= 3) return [];
    const children = randomSelection(g, schema, named, depth + 1);
    const wrap = named.name === 'Person' ? g(fc.constantFrom, undefined, 'inline', 'named') : undefined;
    return [{ field: name, key, children, wrap }];
  });
}

/** The GraphQL document of a case (named fragments collected at the end). */
export function printCase(root: Selection): string {
  const fragments: string[] = [];
  const print = (selection: Selection): string => {
    const alias = selection.key === selection.field ? '' : `${selection.key}: `;
    if (!selection.children) return `${alias}${selection.field}`;
    const id = selection.children.find((child) => child.field === 'id');
    let body = selection.children.map(print).join(' ');
    if (selection.wrap === 'inline') body = `${id ? print(id) : ''} ... on Person { ${body} }`;
    if (selection.wrap === 'named') {
      const name = `PersonPart${fragments.length}`;
      fragments.push(`fragment ${name} on Person { ${body} }`);
      body = `${id ? print(id) : ''} ...${name}`;
    }
    return `${alias}${selection.field}${selection.args ?? ''} { ${body} }`;
  };
  return `query PropertyCase { ${print(root)} }\n${fragments.join('\n')}`;
}

/** What the runner needs from a started hub: look-up keys of the demo people, by index. */
export interface PropertyHarness {
  hub: TestHub;
  subjectKeys: string[];
  oracle: PolicyOracle;
}

export async function createPropertyHarness(hub: TestHub, oracle: PolicyOracle): Promise<PropertyHarness> {
  const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
  return { hub, oracle, subjectKeys: PEOPLE.map((person) => protector.lookupKey(person.bsn)) };
}

/** Runs one case against the hub and returns its violations (empty: the property holds). */
export async function runPropertyCase({ hub, subjectKeys, oracle }: PropertyHarness, testCase: PropertyCase): Promise<string[]> {
  const { prisma } = hub.database;
  await prisma.consent.deleteMany({});
  if (testCase.consents.length > 0) {
    await prisma.consent.createMany({
      data: testCase.consents.map(({ person, consent }) => ({
        subjectKey: subjectKeys[person], ...consent, evidenceMethod: 'WRITTEN', evidenceReference: 'property-test', recordedBy: 'property-test',
      })),
    });
  }
  for (const domain of DOMAINS) hub.partners[domain]!.resetCount();
  const token = await hub.token({ role: testCase.caller.role, purpose: testCase.caller.purpose, organisationId: testCase.caller.organisationId });
  const response = await hub.query(token, printCase(testCase.root));
  const now = new Date();
  const consentsOf = (personId: string | undefined) => {
    const index = PEOPLE.findIndex((person) => person.id === personId);
    return testCase.consents.filter((entry) => entry.person === index).map((entry) => entry.consent);
  };
  const verdict = (coordinate: string, personId: string | undefined): Verdict => oracle.verdict(testCase.caller, coordinate, consentsOf(personId), now);
  const violations: string[] = [];

  // (a) every value returned is allowed; every withheld field is withheld with the oracle's code.
  const walk = (value: unknown, selections: Selection[], typeName: string, personId: string | undefined, path: string) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) return value.forEach((item, index) => walk(item, selections, typeName, personId, `${path}.${index}`));
    const object = value as Record<string, unknown>;
    const subject = typeName === 'Person' ? (object[selections.find((s) => s.field === 'id')?.key ?? ''] as string | undefined) : personId;
    for (const selection of selections) {
      const coordinate = `${typeName}.${selection.field}`;
      const fieldValue = object[selection.key];
      if (fieldValue !== null && fieldValue !== undefined && verdict(coordinate, subject) !== 'ALLOWED') {
        violations.push(`returned ${coordinate} at ${path}.${selection.key} although the policy says ${verdict(coordinate, subject)}`);
      }
      if (selection.children) walk(fieldValue, selection.children, childType(typeName, selection.field), subject, `${path}.${selection.key}`);
    }
  };
  const data = response.body.data;
  if (response.status !== 200) violations.push(`status ${response.status}: ${JSON.stringify(response.body.errors?.[0]?.extensions?.code)}`);
  if (data) walk(data.root, testCase.root.children!, rootType(testCase.root.field), undefined, 'root');
  for (const error of response.body.errors ?? []) {
    const code = error.extensions?.code as string;
    if (!WITHHELD_CODES.has(code)) {
      if (code !== 'BAD_USER_INPUT') violations.push(`unexpected error ${code} at ${error.path?.join('.')}`);
      continue;
    }
    const located = locate(data, testCase.root, error.path ?? []);
    if (!located) {
      violations.push(`withheld error at an unknown path ${error.path?.join('.')}`);
      continue;
    }
    const expected = verdict(located.coordinate, located.personId);
    if (expected !== code) violations.push(`${located.coordinate} withheld with ${code}, the policy says ${expected}`);
  }

  // (b) what the partners were asked: for every person in a request, the caller may see that partner's
  // field of that person, and every partner field asked serves at least one field the caller may see.
  for (const domain of DOMAINS) {
    for (const request of receivedRequests(hub, domain)) {
      for (const bsn of request.bsns) {
        const person = PEOPLE.find((candidate) => candidate.bsn === bsn);
        if (!person) continue;
        const personField = `Person.${DOMAIN_FIELD[domain]}`;
        if (verdict(personField, person.id) !== 'ALLOWED') violations.push(`partner ${domain} was asked about a person for whom ${personField} is ${verdict(personField, person.id)}`);
        for (const { field, serves } of request.fields) {
          if (!serves.some((coordinate) => verdict(coordinate, person.id) === 'ALLOWED')) violations.push(`partner ${domain} was asked for '${field}' (${serves.join(', ') || 'unknown'}) of a person who may not see it`);
        }
      }
    }
  }
  return violations;
}

const DOMAIN_FIELD: Record<Domain, string> = { housing: 'housing', debt: 'debt', care: 'care' };
const PUBLIC_SCHEMA = buildSchema(readFileSync('schema/public.graphql', 'utf8'));

function rootType(field: string): string {
  return getNamedType(PUBLIC_SCHEMA.getQueryType()!.getFields()[field].type).name;
}

function childType(typeName: string, field: string): string {
  return getNamedType((PUBLIC_SCHEMA.getType(typeName) as GraphQLObjectType).getFields()[field].type).name;
}

/** The coordinate and person an error path points at, following the case's selection by response key. */
function locate(data: any, root: Selection, path: readonly (string | number)[]): { coordinate: string; personId?: string } | undefined {
  let selections: Selection[] = [root];
  let typeName = 'Query';
  let value: any = data;
  let personId: string | undefined;
  for (let index = 0; index < path.length; index++) {
    const part = path[index];
    if (typeof part === 'number') {
      value = value?.[part];
      if (typeName === 'Person') personId = value?.[selections.find((s) => s.field === 'id')?.key ?? ''] ?? personId;
      continue;
    }
    const selection = selections.find((candidate) => candidate.key === part);
    if (!selection) return undefined;
    if (index === path.length - 1) return { coordinate: `${typeName}.${selection.field}`, personId };
    value = value?.[part];
    typeName = typeName === 'Query' ? rootType(selection.field) : childType(typeName, selection.field);
    selections = selection.children ?? [];
    if (typeName === 'Person' && value && !Array.isArray(value)) personId = value[selections.find((s) => s.field === 'id')?.key ?? ''] ?? personId;
  }
  return undefined;
}

/**
 * What a partner simulator was asked since its counters were reset, with the hub contract fields each
 * partner field serves. The simulators log their own vocabulary; the table below translates it and is
 * written here, independently of the adapters' own maps.
 */
function receivedRequests(hub: TestHub, domain: Domain): { bsns: string[]; fields: { field: string; serves: string[] }[] }[] {
  return hub.partners[domain]!.receivedRequests().map((request) => ({
    bsns: request.bsns,
    fields: request.fields.map((field) => ({ field, serves: PARTNER_FIELDS[domain][field] ?? [] })),
  }));
}

const PARTNER_FIELDS: Record<Domain, Record<string, string[]>> = {
  housing: {
    contractnummer: ['Housing.contractNumber'],
    ingangsdatum: ['Housing.tenancyStartDate'],
    maandhuur: ['Housing.monthlyRent'],
    'achterstand.bedrag': ['Housing.rentArrearsAmount'],
    'achterstand.maanden': ['Housing.rentArrearsMonths'],
    vroegsignaal: ['Housing.rentArrearsTwoMonthsOrMore'],
    overlastmeldingen: ['Housing.nuisanceReportsCount'],
    'uitzettingsprocedure.fase': ['Housing.evictionStatus'],
  },
  debt: {
    dossiernummer: ['Debt.caseNumber'],
    fase: ['Debt.caseStatus'],
    totaleSchuld: ['Debt.totalDebt'],
    aantalSchuldeisers: ['Debt.creditorCount'],
    betalingsregeling: ['Debt.paymentArrangement'],
    budgetbeheer: ['Debt.budgetManagement'],
  },
  care: {
    // Only the Patient's identifiers, to match results: what `Person.care` itself allows.
    '_elements=identifier': ['Person.care'],
    '_revinclude=EpisodeOfCare:patient': ['Care.inCare', 'Care.trajectoryKind'],
    '_revinclude=CareTeam:patient': ['Care.responsiblePractitioner'],
    '_include:iterate=CareTeam:participant': ['Care.responsiblePractitioner'],
    '_include:iterate=PractitionerRole:practitioner': ['Care.responsiblePractitioner'],
    '_revinclude=CarePlan:subject': ['Care.crisisPlanPresent'],
  },
};
