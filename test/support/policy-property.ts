/**
 * The properties behind issues 3, 9 and 11, for random callers (professionals of several organisations,
 * now and then with a role their organisation may not hold), random worlds (involvements, break-the-glass
 * grants, confirmed and pending consents: test/support/property-world.ts) and queries written as a hostile
 * client would write them (aliases onto `id` and `bsn`, `@skip`/`@include` with literals and variables,
 * fragments, only `id`, look-ups by BSN, address and id that miss):
 * (a) the hub never returns a value the policy forbids, and withholds exactly what the policy withholds,
 *     with the policy's code; that includes need to know: without an active involvement of the caller's
 *     organisation for the caller's purpose (or the caller's own unexpired grant, never for GGZ) the data
 *     is NOT_INVOLVED, and a look-up by BSN or address answers null, as for an unknown resident;
 * (b) no partner is asked for a field the caller may not see for that person, nor for a field the query
 *     switched off; so a caller who is not involved causes no partner request about those members;
 * (c) accountability: every non-null personal value in the response has an access record for its data
 *     subject in the same trace, and every look-up, found or not, has a record (a miss under its keyed
 *     hash), written before the response left; a value released (or a look-up answered) under a grant
 *     has a record naming that grant, and no record names a grant the caller did not need;
 * (d) consents (`consentsOf`): the list shows exactly the consents the caller may know of (the row rule;
 *     a special-category consent only to its grantee organisation, by involvement; any other to whoever
 *     may see the household), so nothing more and nothing left out, not even in the count; a person whose
 *     household the caller may not see answers exactly as an unknown BSN does; and every call leaves an
 *     access record under the person, or under the keyed hash of a BSN that names nobody.
 * Whose data a value is, is worked out here from the demo population and the query's arguments, never
 * from what the response says (the client may have aliased or skipped `id`). The policy is read by the
 * independent oracle (test/support/policy-oracle.ts); (b) is observed at the partner simulators, (c) in
 * the audit_record table. Used by test/gateway/no-leak.property.test.ts (1,000 cases) and
 * test/property/run-property-check.ts (any number, e.g. 100,000).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildSchema, getNamedType, type GraphQLObjectType, type GraphQLSchema, isObjectType } from 'graphql';
import { allDemoPeople, DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { createSubjectProtector, type SubjectProtector } from '../../src/crypto/subject-protection.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';
import { isValidBsn } from '../../src/domain/bsn.ts';
import { DOMAINS, type Domain } from '../../src/domain/partner-domains.ts';
import type { Judgement, OracleSubject, PolicyOracle, Verdict } from './policy-oracle.ts';
import type { GraphQLResponse, TestHub } from './hub.ts';
import { callerArbitrary, concreteWorld, type ConcreteWorld, demoWorld, GGZ_CLIENTS, type PropertyCaller, type World, worldArbitrary, writeWorld } from './property-world.ts';

const WITHHELD_CODES = new Set(['FORBIDDEN', 'PURPOSE_MISMATCH', 'NOT_INVOLVED', 'CONSENT_REQUIRED', 'CONSENT_UNAVAILABLE']);
const PEOPLE = allDemoPeople();

/** `@skip`/`@include` with a literal or a variable ($t is true, $f is false), and whether it lets the field through. */
const CONDITIONS: readonly { text: string; included: boolean }[] = [
  { text: '@skip(if: true)', included: false },
  { text: '@skip(if: false)', included: true },
  { text: '@include(if: true)', included: true },
  { text: '@include(if: false)', included: false },
  { text: '@skip(if: $t)', included: false },
  { text: '@skip(if: $f)', included: true },
  { text: '@include(if: $t)', included: true },
  { text: '@include(if: $f)', included: false },
];

export interface Selection {
  field: string;
  /** Response key: an alias, so that fragments and plain fields never collide; `id`/`bsn` for a hostile alias. */
  key: string;
  args?: string;
  children?: Selection[];
  /** Children wrapped in an inline fragment or a named fragment (Person only). */
  wrap?: 'inline' | 'named';
  /** The type the fragment is on (default Person). */
  wrapOn?: string;
  /** A `@skip`/`@include` on the field, or on the fragment that wraps its children. */
  condition?: { text: string; included: boolean };
  wrapCondition?: { text: string; included: boolean };
}

/** Whose data the root field is about, as the test knows it from the demo population. */
export type RootTarget =
  | { kind: 'households'; ids: string[] }
  | { kind: 'household'; id: string }
  | { kind: 'householdByMemberBsn' | 'personByBsn'; bsn: string }
  | { kind: 'householdByAddress'; postcode: string; houseNumber: number; suffix: string | null }
  /** `variable`: the BSN is sent as `$bsn`, as the schema asks clients to, instead of inline. */
  | { kind: 'consentsOf'; bsn: string; variable?: boolean };

export interface PropertyCase {
  caller: PropertyCaller;
  /** Involvements, break-the-glass grants and consents, relative to the caller and to now (property-world.ts). */
  world: World;
  root: Selection;
  target: RootTarget;
}

/**
 * A generator of random cases, from the public schema, the policy's own vocabulary and the register.
 * `focus` narrows the callers or the world, for a test that looks for one kind of leak.
 */
export function propertyCaseArbitrary(oracle: PolicyOracle, focus: { caller?: fc.Arbitrary<PropertyCaller>; world?: fc.Arbitrary<World>; roots?: readonly RootField[] } = {}): fc.Arbitrary<PropertyCase> {
  const schema = buildSchema(readFileSync('schema/public.graphql', 'utf8'));
  return fc.record({
    caller: focus.caller ?? callerArbitrary(oracle),
    world: focus.world ?? worldArbitrary(oracle),
    query: fc.gen().map((g) => randomRoot(g, schema, focus.roots)),
  }).map(({ caller, world, query }) => ({ caller, world, ...query }));
}

type Gen = fc.GeneratorValue;
export type RootField = RootTarget['kind'];
const ROOT_FIELDS: readonly RootField[] = ['households', 'household', 'householdByMemberBsn', 'personByBsn', 'householdByAddress', 'consentsOf'];

/** Valid (elfproef) BSNs that no demo person has: look-ups that miss. */
const UNKNOWN_BSNS = (() => {
  const known = new Set(PEOPLE.map((person) => person.bsn));
  const found: string[] = [];
  for (let n = 111_111_110; found.length < 5; n += 1) if (isValidBsn(String(n)) && !known.has(String(n))) found.push(String(n));
  return found;
})();
const UNKNOWN_HOUSEHOLD_IDS = ['hh-9999', 'hh-0001'];
const MISSED_ADDRESSES = [
  { postcode: '3526EP', houseNumber: 45, suffix: null },
  { postcode: '3531CJ', houseNumber: 112, suffix: 'ter' },
];

function randomRoot(g: Gen, schema: GraphQLSchema, roots: readonly RootField[] = ROOT_FIELDS): { root: Selection; target: RootTarget } {
  const householdIds = [...DEMO_HOUSEHOLDS.map((household) => household.id), ...UNKNOWN_HOUSEHOLD_IDS];
  const bsn = () => g(fc.constantFrom, ...PEOPLE.map((person) => person.bsn), ...UNKNOWN_BSNS);
  // consentsOf twice: only a wijkcoach working for the wijkteam may call it, so it needs the extra chances.
  const field: RootField = g(fc.constantFrom, ...roots, ...roots.filter((name) => name === 'consentsOf'));
  let target: RootTarget;
  let args: string;
  switch (field) {
    case 'households': {
      const ids = g(fc.subarray, householdIds, { minLength: 1 });
      target = { kind: field, ids };
      args = `(ids: ${JSON.stringify(ids)})`;
      break;
    }
    case 'household': {
      const id = g(fc.constantFrom, ...householdIds);
      target = { kind: field, id };
      args = `(id: ${JSON.stringify(id)})`;
      break;
    }
    case 'householdByMemberBsn':
    case 'personByBsn': {
      const value = bsn();
      target = { kind: field, bsn: value };
      args = `(bsn: ${JSON.stringify(value)})`;
      break;
    }
    case 'householdByAddress': {
      const known = DEMO_HOUSEHOLDS.map(({ address }) => ({ postcode: address.postcode, houseNumber: address.houseNumber, suffix: address.houseNumberSuffix ?? null }));
      const address = g(fc.constantFrom, ...known, ...MISSED_ADDRESSES);
      target = { kind: field, ...address };
      args = `(postcode: ${JSON.stringify(address.postcode)}, houseNumber: ${address.houseNumber}${address.suffix ? `, houseNumberSuffix: ${JSON.stringify(address.suffix)}` : ''})`;
      break;
    }
    case 'consentsOf': {
      // Mostly people whose consents a world holds (the GGZ clients'), any member of any household, or nobody.
      const value = g(() => fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(...GGZ_CLIENTS.map((index) => PEOPLE[index].bsn)) },
        { weight: 2, arbitrary: fc.constantFrom(...PEOPLE.map((person) => person.bsn)) },
        { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_BSNS) },
      ));
      const variable = g(fc.boolean);
      target = { kind: field, bsn: value, variable };
      args = variable ? '(bsn: $bsn)' : `(bsn: ${JSON.stringify(value)})`;
      break;
    }
  }
  const type = getNamedType(schema.getQueryType()!.getFields()[field].type) as GraphQLObjectType;
  const root: Selection = { field, key: 'root', args, children: randomSelection(g, schema, type, 0) };
  // A list of consents, read through an inline or a named fragment, possibly switched off.
  if (type.name === 'Consent') {
    root.wrap = g(fc.constantFrom, undefined, 'inline', 'named');
    root.wrapOn = 'Consent';
    root.wrapCondition = root.wrap ? maybeCondition(g) : undefined;
  }
  return { root, target };
}

function randomSelection(g: Gen, schema: GraphQLSchema, type: GraphQLObjectType, depth: number): Selection[] {
  const fields = Object.values(type.getFields()).filter((field) => field.args.length === 0);
  // Sometimes only the id: that alone tells whether someone is a client.
  if (['Person', 'Household', 'Consent'].includes(type.name) && g(fc.nat, 9) === 0) return [{ field: 'id', key: 'id', condition: maybeCondition(g) }];
  const chosen = g(fc.subarray, fields.map((field) => field.name), { minLength: 1 });
  const selections = chosen.flatMap((name): Selection[] => {
    const named = getNamedType(type.getFields()[name].type);
    const key = `${name}_${depth}`;
    const condition = maybeCondition(g);
    if (!isObjectType(named)) return [{ field: name, key, condition }];
    if (depth >= 3) return [];
    const children = randomSelection(g, schema, named, depth + 1);
    const wrap = named.name === 'Person' ? g(fc.constantFrom, undefined, 'inline', 'named') : undefined;
    return [{ field: name, key, children, wrap, condition, wrapCondition: wrap ? maybeCondition(g) : undefined }];
  });
  if (type.name === 'Person') selections.push(...hostileSubjectKeys(g, fields.filter((field) => !isObjectType(getNamedType(field.type))).map((field) => field.name)));
  if (type.name === 'Household' && g(fc.boolean)) selections.push({ field: 'id', key: 'id', condition: maybeCondition(g) });
  if (type.name === 'Consent') selections.push(...hostileSubjectKeys(g, fields.filter((field) => !isObjectType(getNamedType(field.type))).map((field) => field.name), 'category'));
  return selections;
}

/** What a client would do to hide whose data it reads: another field under `id` or `bsn`, or `id` switched off. */
function hostileSubjectKeys(g: Gen, scalars: string[], plainField = 'givenName'): Selection[] {
  const other = () => g(fc.constantFrom, ...scalars.filter((name) => name !== 'id'));
  switch (g(fc.constantFrom, 'plain-id', 'alias-id', 'alias-bsn', 'both', 'none')) {
    case 'plain-id': return [{ field: 'id', key: 'id', condition: maybeCondition(g) }];
    case 'alias-id': return [{ field: other(), key: 'id', condition: maybeCondition(g) }];
    case 'alias-bsn': return [{ field: other(), key: 'bsn', condition: maybeCondition(g) }];
    case 'both': return [{ field: other(), key: 'id' }, { field: g(fc.constantFrom, 'id', plainField), key: 'bsn', condition: maybeCondition(g) }];
    default: return [];
  }
}

function maybeCondition(g: Gen): Selection['condition'] {
  return g(fc.nat, 3) === 0 ? g(fc.constantFrom, ...CONDITIONS) : undefined;
}

/** The GraphQL document of a case (named fragments collected at the end; only used variables declared). */
export function printCase(root: Selection): string {
  const fragments: string[] = [];
  const print = (selection: Selection): string => {
    const alias = selection.key === selection.field ? '' : `${selection.key}: `;
    const condition = selection.condition ? ` ${selection.condition.text}` : '';
    if (!selection.children) return `${alias}${selection.field}${condition}`;
    let body = selection.children.map(print).join(' ');
    const wrapCondition = selection.wrapCondition ? ` ${selection.wrapCondition.text}` : '';
    const on = selection.wrapOn ?? 'Person';
    if (selection.wrap === 'inline') body = `... on ${on}${wrapCondition} { ${body} }`;
    if (selection.wrap === 'named') {
      const name = `${on}Part${fragments.length}`;
      fragments.push(`fragment ${name} on ${on} { ${body} }`);
      body = `...${name}${wrapCondition}`;
    }
    return `${alias}${selection.field}${selection.args ?? ''}${condition} { ${body} }`;
  };
  const body = print(root);
  const text = `${body}\n${fragments.join('\n')}`;
  const variables = [/\$t\b/.test(text) ? '$t: Boolean!' : '', /\$f\b/.test(text) ? '$f: Boolean!' : '', /\$bsn\b/.test(text) ? '$bsn: String!' : ''].filter(Boolean);
  return `query PropertyCase${variables.length ? `(${variables.join(', ')})` : ''} { ${body} }\n${fragments.join('\n')}`;
}

const CASE_VARIABLES = { t: true, f: false };

/** The variables a case sends: the conditions', and the BSN where the query takes it as `$bsn`. */
function caseVariables(target: RootTarget): Record<string, unknown> {
  return target.kind === 'consentsOf' && target.variable ? { ...CASE_VARIABLES, bsn: target.bsn } : CASE_VARIABLES;
}

/** A case in words, to reproduce a violation: the caller, the world (relative to the caller and now) and the query. */
export function describeCase(testCase: PropertyCase): string {
  const { caller, world } = testCase;
  const lines = [
    `caller: ${caller.subject} ${caller.role} of ${caller.organisationId} for ${caller.purpose}${caller.forbiddenPair ? ' (a role its organisation may not hold)' : ''}`,
    ...world.involvements.map((row) => `involvement ${row.householdId}: ${row.organisation} for ${row.purpose}, ${typeof row.state === 'string' ? row.state : JSON.stringify(row.state)}`),
    ...world.grants.map((row) => `grant ${row.householdId}: ${row.holder}, ${row.state}`),
    ...world.consents.map((row, index) => `consent ${index} ${PEOPLE[row.person].id}: ${row.category} to ${row.grantee} for ${row.purpose}, ${row.state}${row.confirmed ? '' : ', pending'}`),
  ];
  return `${lines.join('\n')}\n${printCase(testCase.root)}`;
}

const WIJKCOACH: PropertyCaller = { subject: 'sanne.deboer', role: 'wijkcoach', purpose: 'wijkteam-ondersteuning', organisationId: 'wijkteam-oost', forbiddenPair: false };
const SCHULDHULP: PropertyCaller = { subject: 'karim.haddou', role: 'schuldhulpverlener', purpose: 'vroegsignalering-schulden', organisationId: 'schuldhulp-gemeente', forbiddenPair: false };
const LINDA = PEOPLE.find((person) => person.givenName === 'Linda')!.bsn;
const personNamed = (id: string) => PEOPLE.find((person) => person.id === id)!;
const personIndex = (id: string) => PEOPLE.findIndex((person) => person.id === id);
const plain = (...fields: string[]): Selection[] => fields.map((field) => ({ field, key: field }));

/**
 * The two escapes from the access log that testers found (issue 9), run first by both runners: every
 * id skipped across all households, and another field aliased onto `id` for a person looked up by BSN.
 */
export const KNOWN_ESCAPES: PropertyCase[] = [
  {
    caller: WIJKCOACH,
    world: demoWorld(),
    target: { kind: 'households', ids: DEMO_HOUSEHOLDS.map((household) => household.id) },
    root: {
      field: 'households', key: 'root', args: `(ids: ${JSON.stringify(DEMO_HOUSEHOLDS.map((household) => household.id))})`,
      children: [
        { field: 'id', key: 'id', condition: CONDITIONS[0] },
        { field: 'address', key: 'address', children: [{ field: 'street', key: 'street' }] },
        {
          field: 'members', key: 'members',
          children: [...['bsn', 'givenName', 'familyName', 'birthDate'].map((field): Selection => ({ field, key: field })), { field: 'id', key: 'id', condition: CONDITIONS[0] }],
        },
      ],
    },
  },
  {
    caller: WIJKCOACH,
    world: demoWorld(),
    target: { kind: 'personByBsn', bsn: LINDA },
    root: {
      field: 'personByBsn', key: 'root', args: `(bsn: ${JSON.stringify(LINDA)})`,
      children: [
        { field: 'familyName', key: 'id' }, { field: 'bsn', key: 'bsn' }, { field: 'birthDate', key: 'birthDate' },
        { field: 'housing', key: 'housing', children: [{ field: 'rentArrearsAmount', key: 'rentArrearsAmount' }] },
        { field: 'debt', key: 'debt', children: [{ field: 'totalDebt', key: 'totalDebt' }] },
      ],
    },
  },
];

/** A look-up by BSN as the generator writes it, for the fixed cases below. */
function byBsn(field: 'personByBsn' | 'householdByMemberBsn', bsn: string, children: Selection[]): Pick<PropertyCase, 'root' | 'target'> {
  return { target: { kind: field, bsn }, root: { field, key: 'root', args: `(bsn: ${JSON.stringify(bsn)})`, children } };
}

const PERSON_PARTS: Selection[] = [
  ...plain('id', 'bsn', 'givenName'),
  { field: 'housing', key: 'housing', children: plain('monthlyRent', 'rentArrearsTwoMonthsOrMore') },
  { field: 'debt', key: 'debt', children: plain('totalDebt') },
  { field: 'care', key: 'care', children: plain('inCare') },
];

/**
 * Need to know (issue 11), run first by both runners, in the demo population's own world: a wijkteam
 * looking up a household of another wijkteam, and one it no longer works with; the debt worker's early
 * signal, which needs no involvement; a break-the-glass grant, which opens the household but not GGZ
 * even with a consent; and a consent still waiting for its second professional.
 */
export const KNOWN_NEED_TO_KNOW: PropertyCase[] = [
  { caller: WIJKCOACH, world: demoWorld(), ...byBsn('personByBsn', personNamed('p-2016').bsn, PERSON_PARTS) },
  {
    caller: WIJKCOACH,
    world: demoWorld(),
    target: { kind: 'householdByAddress', postcode: '3532HR', houseNumber: 240, suffix: null },
    root: { field: 'householdByAddress', key: 'root', args: '(postcode: "3532HR", houseNumber: 240)', children: [...plain('id'), { field: 'members', key: 'members', children: PERSON_PARTS }] },
  },
  { caller: SCHULDHULP, world: demoWorld(), ...byBsn('personByBsn', personNamed('p-2018').bsn, PERSON_PARTS) },
  {
    caller: WIJKCOACH,
    world: {
      ...demoWorld(),
      grants: [{ householdId: 'hh-1008', holder: 'caller', state: 'active' }],
      consents: [{ person: personIndex('p-2016'), category: 'ggz', grantee: 'caller', purpose: 'caller', state: 'active', confirmed: true }],
    },
    ...byBsn('householdByMemberBsn', personNamed('p-2016').bsn, [...plain('id'), { field: 'address', key: 'address', children: plain('street') }, { field: 'members', key: 'members', children: PERSON_PARTS }]),
  },
  {
    caller: WIJKCOACH,
    world: { ...demoWorld(), consents: [{ person: personIndex('p-2001'), category: 'ggz', grantee: 'caller', purpose: 'caller', state: 'active', confirmed: false }] },
    ...byBsn('personByBsn', personNamed('p-2001').bsn, PERSON_PARTS),
  },
];

const CONSENT_PARTS: Selection[] = plain('id', 'status', 'category', 'granteeOrganisationId', 'purpose');
const consentsOfCase = (personId: string, variable: boolean): Pick<PropertyCase, 'root' | 'target'> => {
  const { bsn } = personNamed(personId);
  return {
    target: { kind: 'consentsOf', bsn, variable },
    root: { field: 'consentsOf', key: 'root', args: variable ? '(bsn: $bsn)' : `(bsn: ${JSON.stringify(bsn)})`, children: CONSENT_PARTS },
  };
};

/**
 * Consents as data (issue 11), run first by both runners: a wijkteam asking for the consents of a
 * resident of another wijkteam's household (the answer of an unknown BSN); the same under a break-the-glass
 * grant (the ordinary consent, never the GGZ one, even though it is theirs); and its own client's consents,
 * where another organisation's GGZ consent stays out of sight and its own pending one shows.
 */
export const KNOWN_CONSENT_LISTS: PropertyCase[] = [
  {
    caller: WIJKCOACH,
    world: {
      ...demoWorld(),
      consents: [
        { person: personIndex('p-2016'), category: 'ggz', grantee: 'wijkteam-west', purpose: 'caller', state: 'active', confirmed: true },
        { person: personIndex('p-2016'), category: 'wonen', grantee: 'caller', purpose: 'caller', state: 'active', confirmed: true },
      ],
    },
    ...consentsOfCase('p-2016', true),
  },
  {
    caller: WIJKCOACH,
    world: {
      ...demoWorld(),
      grants: [{ householdId: 'hh-1008', holder: 'caller', state: 'active' }],
      consents: [
        { person: personIndex('p-2016'), category: 'ggz', grantee: 'caller', purpose: 'caller', state: 'active', confirmed: true },
        { person: personIndex('p-2016'), category: 'schulden', grantee: 'wijkteam-west', purpose: 'caller', state: 'active', confirmed: true },
      ],
    },
    ...consentsOfCase('p-2016', false),
  },
  {
    caller: WIJKCOACH,
    world: {
      ...demoWorld(),
      consents: [
        { person: personIndex('p-2001'), category: 'ggz', grantee: 'caller', purpose: 'caller', state: 'active', confirmed: false },
        { person: personIndex('p-2001'), category: 'ggz', grantee: 'wijkteam-west', purpose: 'caller', state: 'active', confirmed: true },
        { person: personIndex('p-2001'), category: 'wonen', grantee: 'woonstichting-de-linde', purpose: 'vroegsignalering-schulden', state: 'withdrawn', confirmed: true },
      ],
    },
    ...consentsOfCase('p-2001', false),
  },
];

/** The fixed cases both runners start with. */
export const FIXED_CASES: PropertyCase[] = [...KNOWN_ESCAPES, ...KNOWN_NEED_TO_KNOW, ...KNOWN_CONSENT_LISTS];

/** What the runner needs from a started hub: look-up keys of the demo people, by index. */
export interface PropertyHarness {
  hub: TestHub;
  subjectKeys: string[];
  protector: SubjectProtector;
  oracle: PolicyOracle;
}

export async function createPropertyHarness(hub: TestHub, oracle: PolicyOracle): Promise<PropertyHarness> {
  const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
  return { hub, oracle, protector, subjectKeys: PEOPLE.map((person) => protector.lookupKey(person.bsn)) };
}

/** A Person or Household the test knows to be behind a value. */
type Entity = { kind: 'person'; id: string } | { kind: 'household'; id: string } | undefined;

/** Numbers the cases of this process, so that every grant id is new (a record naming an old one is caught). */
let caseNumber = 0;

/**
 * Runs one case against the hub and returns its violations (empty: the property holds). `seen`, if given,
 * counts what the case exercised (released under a grant, a hidden look-up, ...), so a runner can show
 * that the generator reaches every side of the row rule.
 */
export async function runPropertyCase(harness: PropertyHarness, testCase: PropertyCase, seen?: Map<string, number>): Promise<string[]> {
  const saw = (what: string) => seen?.set(what, (seen.get(what) ?? 0) + 1);
  const { hub, subjectKeys, oracle } = harness;
  const { prisma } = hub.database;
  const { caller } = testCase;
  const world = concreteWorld(testCase.world, caller, new Date(), `property-${++caseNumber}`);
  await writeWorld(prisma, world, subjectKeys);
  for (const domain of DOMAINS) hub.partners[domain]!.resetCount();
  const token = await hub.token({ subject: caller.subject, role: caller.role, purpose: caller.purpose, organisationId: caller.organisationId });
  const query = printCase(testCase.root);
  // The hub refuses a token whose role the organisation's kind may not hold (policy: organisationKinds):
  // 401, no data, no partner request and no access record.
  const refusable = caller.forbiddenPair;
  const recordsBefore = refusable ? await prisma.auditRecord.count() : 0;
  const response = await hub.query(token, query, query.includes('$') ? caseVariables(testCase.target) : undefined);
  const now = new Date();
  if (caller.forbiddenPair) saw(`a role its organisation may not hold (${response.status})`);
  if (refusable) return refusedToken(harness, response, recordsBefore);

  const judge = (coordinate: string, entity: Entity): Judgement => oracle.judge(caller, coordinate, subjectOf(world, entity), now);
  const verdict = (coordinate: string, entity: Entity): Verdict => judge(coordinate, entity).verdict;
  const violations: string[] = [];
  /** Personal values released, per entity: what the access log must show for this trace (and under which grant). */
  const released: { entity: NonNullable<Entity>; coordinate: string; path: string; underGrant: boolean }[] = [];

  // (a) every value returned is allowed; every withheld field is withheld with the oracle's code.
  const walk = (value: unknown, selections: Selection[], typeName: string, entity: Entity, path: string) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) return value.forEach((item, index) => walk(item, selections, typeName, childEntity(testCase.target, entity, typeName, index), `${path}.${index}`));
    const object = value as Record<string, unknown>;
    for (const selection of selections) {
      const coordinate = `${typeName}.${selection.field}`;
      const fieldValue = object[selection.key];
      if (selection.condition?.included === false && selection.key in object) violations.push(`${coordinate} at ${path}.${selection.key} was switched off, yet answered`);
      if (fieldValue !== null && fieldValue !== undefined) {
        const judgement = judge(coordinate, entity);
        if (judgement.verdict !== 'ALLOWED') violations.push(`returned ${coordinate} at ${path}.${selection.key} although the policy says ${judgement.verdict}`);
        if (entity && oracle.isPersonal(coordinate)) {
          released.push({ entity, coordinate, path: `${path}.${selection.key}`, underGrant: judgement.grant !== undefined });
          saw(judgement.grant ? 'personal value released under a grant' : 'personal value released');
          if (typeName === 'Care' || coordinate === 'Person.care') saw('GGZ released');
        }
      }
      // Below a Person or Household the data stays theirs; the members of a household are listed (childEntity).
      if (selection.children) walk(fieldValue, selection.children, childType(typeName, selection.field), entity, `${path}.${selection.key}`);
    }
  };
  // A query the edge refuses whole (too many directives, aliases, ...) is an answer too: nothing may then
  // have been read, released, asked of a partner or looked up.
  if (response.status === 400 && (response.body.errors ?? []).every((error) => EDGE_LIMIT_CODES.has(String(error.extensions?.code)))) {
    saw('query refused at the edge');
    return refusedWhole(harness, response.body, testCase);
  }
  const data = response.body.data;
  if (response.status !== 200) violations.push(`status ${response.status}: ${JSON.stringify(response.body.errors?.[0]?.extensions?.code)}`);
  const rootEntity = rootEntityOf(testCase.target);
  const rootVerdict = verdict(`Query.${testCase.root.field}`, undefined);
  if (data?.root != null && rootVerdict !== 'ALLOWED') violations.push(`returned Query.${testCase.root.field} although the policy says ${rootVerdict}`);
  // Need to know at the root: a look-up by BSN or address finds a household only for whom the row rule
  // lets know of it; for anyone else it answers as for an unknown resident (null, and nothing else).
  const searched = searchedHousehold(testCase.target);
  const lookup = rootVerdict === 'ALLOWED' && searched ? oracle.lookup(caller, world.household(searched), now) : undefined;
  if (lookup && !lookup.finds && data?.root != null) violations.push(`the look-up ${testCase.root.field} found a household (${searched}) the caller's organisation is not involved with`);
  if (lookup?.finds && data && data.root === null) violations.push(`the look-up ${testCase.root.field} answered null for a household (${searched}) the caller may know of`);
  if (lookup) saw(lookup.finds ? (lookup.grant ? 'look-up found under a grant' : 'look-up found') : 'look-up hidden: not involved');
  if (data) walk(data.root, testCase.root.children!, rootType(testCase.root.field), rootEntity, 'root');
  for (const error of response.body.errors ?? []) {
    const code = error.extensions?.code as string;
    if (!WITHHELD_CODES.has(code)) {
      if (code !== 'BAD_USER_INPUT') violations.push(`unexpected error ${code} at ${error.path?.join('.')}`);
      continue;
    }
    if (lookup && !lookup.finds) violations.push(`the look-up ${testCase.root.field} of a household the caller may not know of answered ${code} at ${error.path?.join('.')}: more than for an unknown resident`);
    saw(`withheld ${code}`);
    const located = locate(testCase, error.path ?? []);
    if (!located) {
      violations.push(`withheld error at an unknown path ${error.path?.join('.')}`);
      continue;
    }
    const expected = verdict(located.coordinate, located.entity);
    if (expected !== code) violations.push(`${located.coordinate} withheld with ${code}, the policy says ${expected}`);
  }

  // (b) what the partners were asked: for every person in a request, the caller may see that partner's
  // field of that person (so a caller who is not involved causes no request about them), and every
  // partner field asked serves at least one field the caller may see and the query did not switch off.
  const switchedOn = includedCoordinates(testCase.root, 'Query');
  for (const domain of DOMAINS) {
    for (const request of receivedRequests(hub, domain)) {
      for (const bsn of request.bsns) {
        const person = PEOPLE.find((candidate) => candidate.bsn === bsn);
        if (!person) continue;
        const entity: Entity = { kind: 'person', id: person.id };
        saw(`partner ${domain} asked`);
        const personField = `Person.${DOMAIN_FIELD[domain]}`;
        if (verdict(personField, entity) !== 'ALLOWED') violations.push(`partner ${domain} was asked about a person for whom ${personField} is ${verdict(personField, entity)}`);
        for (const { field, serves } of request.fields) {
          if (!serves.some((coordinate) => verdict(coordinate, entity) === 'ALLOWED' && switchedOn.has(coordinate))) {
            violations.push(`partner ${domain} was asked for '${field}' (${serves.join(', ') || 'unknown'}) of a person who may not see it, or that the query switched off`);
          }
        }
      }
    }
  }

  // (c) accountability, in the access log of this trace.
  const traceId = response.body.extensions?.traceId;
  if (typeof traceId !== 'string') {
    violations.push('the response carries no trace id');
    return violations;
  }
  const records = await prisma.auditRecord.findMany({ where: { traceId } });
  const recordOf = (subjectKey: string) => records.find((record) => record.subjectKey === subjectKey);
  const personKey = (personId: string) => subjectKeys[PEOPLE.findIndex((person) => person.id === personId)];
  /** The grants a record about this person may name: the caller's unexpired ones for their household. */
  const grantsFor = (personId: string) => oracle.activeGrants(caller, world.household(householdOfPerson(personId)!), now).map((grant) => grant.id);
  for (const { entity, coordinate, path, underGrant } of released) {
    const people = entity.kind === 'person' ? [entity.id] : membersOf(entity.id);
    for (const personId of people) {
      const record = recordOf(personKey(personId));
      if (!record?.fieldsReleased.includes(coordinate)) violations.push(`${coordinate} at ${path} was released without an access record for ${personId}`);
      else if (underGrant && !grantsFor(personId).includes(record.breakGlassGrantId ?? '')) violations.push(`${coordinate} at ${path} was released under a break-the-glass grant; the record for ${personId} names ${record.breakGlassGrantId ?? 'none'}`);
    }
  }
  if (rootVerdict === 'ALLOWED') {
    for (const expected of expectedLookupRecords(testCase.target, harness.protector, personKey)) {
      const record = recordOf(expected.subjectKey);
      if (!record || record.subjectKind !== expected.kind || !record.lookups.includes(`Query.${testCase.root.field}`)) {
        violations.push(`the look-up ${testCase.root.field} of ${expected.what} left no ${expected.kind} record`);
      } else if (lookup?.grant && !grantsFor(expected.what).includes(record.breakGlassGrantId ?? '')) {
        violations.push(`the look-up ${testCase.root.field} found ${expected.what} under a break-the-glass grant; the record names ${record.breakGlassGrantId ?? 'none'}`);
      }
    }
  }
  // A record names a grant only where the grant was needed: the caller's own, unexpired, for a household
  // the caller's organisation is not involved with.
  for (const record of records) {
    if (record.breakGlassGrantId === null) continue;
    const person = PEOPLE.find((_, index) => subjectKeys[index] === record.subjectKey);
    const household = person ? world.household(householdOfPerson(person.id)!) : undefined;
    if (!person || !household || !grantsFor(person.id).includes(record.breakGlassGrantId) || oracle.involved(caller, household, now)) {
      violations.push(`an access record (${record.subjectKind}) names break-the-glass grant ${record.breakGlassGrantId}, which the caller did not need or does not hold for that household`);
    }
  }
  if (testCase.target.kind === 'consentsOf' && rootVerdict === 'ALLOWED') {
    violations.push(...await consentListViolations(harness, { ...testCase, target: testCase.target }, world, response, { token, now, recordOf, personKey, grantsFor, saw }));
  }
  return violations;
}

/** What (d) needs from the run of a case. */
interface ConsentRun {
  token: string;
  now: Date;
  recordOf(subjectKey: string): { breakGlassGrantId: string | null } | undefined;
  personKey(personId: string): string;
  grantsFor(personId: string): string[];
  saw(what: string): void;
}

/** The fields of a listed consent whose value the world fixes (the grantee also recorded it: writeWorld). */
const CONSENT_FACTS: Record<string, (row: ConcreteWorld['consents'][number]) => string> = {
  id: (row) => row.id,
  category: (row) => row.consent.category,
  granteeOrganisationId: (row) => row.consent.granteeOrganisationId,
  purpose: (row) => row.consent.purpose,
  recordedByOrganisationId: (row) => row.consent.granteeOrganisationId,
};

/**
 * (d) `consentsOf`, for a caller the field policy lets call it: the list holds exactly the consents the
 * oracle says the caller may know of. Whatever the query selects (aliases, only some fields, everything
 * switched off), the count must match, and every field whose value the world fixes must show the same
 * values, as a multiset (the order is the hub's). A person whose household the caller may not see answers
 * what a BSN that names nobody answers; under a grant, the access record names it.
 */
async function consentListViolations(
  harness: PropertyHarness,
  testCase: PropertyCase & { target: Extract<RootTarget, { kind: 'consentsOf' }> },
  world: ConcreteWorld,
  response: GraphQLResponse,
  run: ConsentRun,
): Promise<string[]> {
  const { oracle, hub } = harness;
  const { caller, target, root } = testCase;
  const violations: string[] = [];
  const person = PEOPLE.find((candidate) => candidate.bsn === target.bsn);
  const household = person ? world.household(householdOfPerson(person.id)!) : undefined;
  const rows = person ? world.consents.filter((row) => PEOPLE[row.person].id === person.id) : [];
  const known = oracle.knownConsents(caller, household, rows.map((row) => ({ ...row, ...row.consent })), run.now);
  const involved = household !== undefined && oracle.involved(caller, household, run.now);
  const underGrant = household !== undefined && !involved && oracle.activeGrants(caller, household, run.now).length > 0;
  const hidden = !involved && !underGrant;
  const describeRow = (row: ConcreteWorld['consents'][number]) => `${row.id} (${row.consent.category} to ${row.consent.granteeOrganisationId})`;

  run.saw(!person ? 'consentsOf: unknown BSN' : hidden ? 'consentsOf: household hidden' : underGrant ? 'consentsOf: listed under a grant' : 'consentsOf: listed by involvement');
  if (known.some((row) => row.category === 'ggz')) run.saw('consentsOf: a ggz consent listed to its grantee');
  if (!hidden && rows.some((row) => !known.some((entry) => entry.id === row.id))) run.saw('consentsOf: a consent kept from a caller who sees the household');

  const list = response.body.data?.root;
  if (!Array.isArray(list)) {
    violations.push(`consentsOf answered ${JSON.stringify(list)}, not a list`);
  } else {
    if (list.length !== known.length) violations.push(`consentsOf listed ${list.length} consent(s) where the caller may know of ${known.length}`);
    const children = root.wrapCondition?.included === false ? [] : root.children ?? [];
    for (const selection of children) {
      const fact = CONSENT_FACTS[selection.field];
      if (!fact || selection.condition?.included === false || oracle.verdict(caller, `Consent.${selection.field}`, { consents: [] }, run.now) !== 'ALLOWED') continue;
      const got = list.map((item) => String((item as Record<string, unknown>)[selection.key]));
      const wanted = known.map(fact);
      for (const value of multisetMinus(got, wanted)) {
        const row = selection.field === 'id' ? rows.find((candidate) => candidate.id === value) : undefined;
        violations.push(`consentsOf listed ${selection.field} ${row ? describeRow(row) : JSON.stringify(value)} of a consent the caller may not know of`);
      }
      for (const value of multisetMinus(wanted, got)) violations.push(`consentsOf left out ${selection.field} ${JSON.stringify(value)} of a consent the caller may know of`);
    }
  }

  // A person whose household the caller may not see: the very answer a BSN that names nobody gets.
  if (person && hidden) {
    const nobody = UNKNOWN_BSNS[0];
    const twinRoot = { ...root, args: target.variable ? root.args : `(bsn: ${JSON.stringify(nobody)})` };
    const twinQuery = printCase(twinRoot);
    const twin = await hub.query(run.token, twinQuery, twinQuery.includes('$') ? caseVariables({ ...target, bsn: nobody }) : undefined);
    const shape = (answer: GraphQLResponse) => JSON.stringify({
      status: answer.status, data: answer.body.data,
      errors: answer.body.errors?.map((error) => ({ message: error.message, path: error.path, code: error.extensions?.code })),
    });
    if (shape(twin) !== shape(response)) violations.push(`consentsOf of ${person.id}, whose household the caller may not see, answered ${shape(response)}; a BSN that names nobody gets ${shape(twin)}`);
  }

  // Under a grant alone the record of the call names the grant (that it was needed is checked in (c)).
  if (person && underGrant) {
    const record = run.recordOf(run.personKey(person.id));
    if (record && !run.grantsFor(person.id).includes(record.breakGlassGrantId ?? '')) {
      violations.push(`consentsOf listed the consents of ${person.id} under a break-the-glass grant; the record names ${record.breakGlassGrantId ?? 'none'}`);
    }
  }
  return violations;
}

/** The values of `from` left after taking out those of `taken`, one for one. */
function multisetMinus(from: readonly string[], taken: readonly string[]): string[] {
  const left = [...taken];
  return from.filter((value) => {
    const index = left.indexOf(value);
    if (index === -1) return true;
    left.splice(index, 1);
    return false;
  });
}

/** What the oracle needs to know about an entity: the person's consents, their household's involvements and grants. */
function subjectOf(world: ConcreteWorld, entity: Entity): OracleSubject {
  if (!entity) return { consents: [] };
  const householdId = entity.kind === 'household' ? entity.id : householdOfPerson(entity.id);
  return { consents: entity.kind === 'person' ? world.consentsOf(entity.id) : [], ...(householdId ? { household: world.household(householdId) } : {}) };
}

/**
 * A caller whose role its organisation's kind may not hold: refused
 * with 401 before anything is read, so no data, no partner request and no access record at all.
 */
async function refusedToken(harness: PropertyHarness, response: GraphQLResponse, recordsBefore: number): Promise<string[]> {
  const violations: string[] = [];
  if (response.status !== 401) violations.push(`a token whose role its organisation may not hold got status ${response.status}, not 401`);
  if (response.body.data != null) violations.push('a token whose role its organisation may not hold still got data');
  for (const domain of DOMAINS) {
    if (harness.hub.partners[domain]!.receivedRequests().length > 0) violations.push(`partner ${domain} was asked for a token whose role its organisation may not hold`);
  }
  const recordsAfter = await harness.hub.database.prisma.auditRecord.count();
  if (recordsAfter !== recordsBefore) violations.push(`a refused token left ${recordsAfter - recordsBefore} access record(s)`);
  return violations;
}

/** The household a look-up by BSN or address found, if any (the row rule applies to these look-ups). */
function searchedHousehold(target: RootTarget): string | undefined {
  switch (target.kind) {
    case 'personByBsn':
    case 'householdByMemberBsn': return householdOfBsn(target.bsn);
    case 'householdByAddress': return householdAt(target);
    default: return undefined;
  }
}

function householdOfPerson(personId: string): string | undefined {
  return DEMO_HOUSEHOLDS.find((household) => household.members.some((person) => person.id === personId))?.id;
}

/** The codes of the gateway's query limits (README, "Limits at the edge"), written here, not imported. */
const EDGE_LIMIT_CODES = new Set(['QUERY_TOO_DEEP', 'TOO_MANY_ALIASES', 'QUERY_TOO_COSTLY', 'TOO_MANY_TOKENS', 'TOO_MANY_DIRECTIVES']);

async function refusedWhole(harness: PropertyHarness, body: GraphQLResponse['body'], testCase: PropertyCase): Promise<string[]> {
  const violations: string[] = [];
  if (body.data != null) violations.push('a query refused at the edge still carried data');
  for (const domain of DOMAINS) {
    if (harness.hub.partners[domain]!.receivedRequests().length > 0) violations.push(`partner ${domain} was asked for a query refused at the edge`);
  }
  const traceId = body.extensions?.traceId;
  const records = typeof traceId === 'string' ? await harness.hub.database.prisma.auditRecord.count({ where: { traceId } }) : 0;
  if (records > 0) violations.push(`a query refused at the edge left ${records} access record(s): it should have read nothing (${testCase.root.field})`);
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

function membersOf(householdId: string): string[] {
  return (DEMO_HOUSEHOLDS.find((household) => household.id === householdId)?.members ?? []).map((person) => person.id).sort();
}

function householdOfBsn(bsn: string): string | undefined {
  return DEMO_HOUSEHOLDS.find((household) => household.members.some((person) => person.bsn === bsn))?.id;
}

/** The household at an address, as the hub matches it: a suffix case-insensitively, no suffix only where there is none. */
function householdAt(target: Extract<RootTarget, { kind: 'householdByAddress' }>): string | undefined {
  return DEMO_HOUSEHOLDS.find(({ address }) =>
    address.postcode === target.postcode && address.houseNumber === target.houseNumber &&
    (target.suffix ? address.houseNumberSuffix?.toLowerCase() === target.suffix.toLowerCase() : !address.houseNumberSuffix),
  )?.id;
}

/** The entity the root field returns (a list for `households`: see childEntity). */
function rootEntityOf(target: RootTarget): Entity {
  switch (target.kind) {
    case 'households': return undefined;
    case 'household': return DEMO_HOUSEHOLDS.some((household) => household.id === target.id) ? { kind: 'household', id: target.id } : undefined;
    case 'householdByMemberBsn': {
      const id = householdOfBsn(target.bsn);
      return id ? { kind: 'household', id } : undefined;
    }
    case 'personByBsn': {
      const person = PEOPLE.find((candidate) => candidate.bsn === target.bsn);
      return person ? { kind: 'person', id: person.id } : undefined;
    }
    case 'householdByAddress': {
      const id = householdAt(target);
      return id ? { kind: 'household', id } : undefined;
    }
    // Consents are the person's, but the row rule for them is the root's own (checked in (d)): their
    // fields are judged on role and purpose alone, as the hub judges them.
    case 'consentsOf': return undefined;
  }
}

/** Entering list item `index` of a list of `typeName` values that belongs to `entity` (or to the root). */
function childEntity(target: RootTarget, entity: Entity, typeName: string, index: number): Entity {
  if (typeName === 'Household' && entity === undefined && target.kind === 'households') {
    const id = target.ids[index];
    return DEMO_HOUSEHOLDS.some((household) => household.id === id) ? { kind: 'household', id } : undefined;
  }
  if (typeName === 'Person' && entity?.kind === 'household') {
    const id = membersOf(entity.id)[index];
    return id ? { kind: 'person', id } : undefined;
  }
  return entity;
}

/** The coordinate and entity an error path points at, following the case's selection by response key. */
function locate(testCase: PropertyCase, path: readonly (string | number)[]): { coordinate: string; entity: Entity } | undefined {
  let selections: Selection[] = [testCase.root];
  let typeName = 'Query';
  let entity: Entity;
  for (let index = 0; index < path.length; index++) {
    const part = path[index];
    if (typeof part === 'number') {
      entity = childEntity(testCase.target, entity, typeName, part);
      continue;
    }
    const selection = selections.find((candidate) => candidate.key === part);
    if (!selection) return undefined;
    if (index === path.length - 1) return { coordinate: `${typeName}.${selection.field}`, entity };
    if (typeName === 'Query') entity = rootEntityOf(testCase.target);
    typeName = typeName === 'Query' ? rootType(selection.field) : childType(typeName, selection.field);
    selections = selection.children ?? [];
  }
  return undefined;
}

/** Coordinates the query selects and does not switch off (a switched-off field switches off all below it). */
function includedCoordinates(root: Selection, typeName: string): Set<string> {
  const found = new Set<string>();
  const visit = (selection: Selection, parentType: string) => {
    if (selection.condition?.included === false) return;
    found.add(`${parentType}.${selection.field}`);
    if (!selection.children || selection.wrapCondition?.included === false) return;
    const type = parentType === 'Query' ? rootType(selection.field) : childType(parentType, selection.field);
    for (const child of selection.children) visit(child, type);
  };
  visit(root, typeName);
  return found;
}

/** The records a look-up must leave: per person found (the household's members for a household), or the miss. */
function expectedLookupRecords(target: RootTarget, protector: SubjectProtector, personKey: (id: string) => string): { subjectKey: string; kind: string; what: string }[] {
  const household = (id: string | undefined, missKind: string, missKey: string) =>
    id ? membersOf(id).map((personId) => ({ subjectKey: personKey(personId), kind: 'PERSON', what: personId })) : [{ subjectKey: protector.lookupKey(missKey), kind: missKind, what: 'a miss' }];
  switch (target.kind) {
    case 'households': return target.ids.flatMap((id) => household(DEMO_HOUSEHOLDS.some((h) => h.id === id) ? id : undefined, 'HOUSEHOLD_ID', `HOUSEHOLD_ID:${id}`));
    case 'household': return household(DEMO_HOUSEHOLDS.some((h) => h.id === target.id) ? target.id : undefined, 'HOUSEHOLD_ID', `HOUSEHOLD_ID:${target.id}`);
    case 'householdByMemberBsn':
    case 'personByBsn':
    case 'consentsOf': {
      const person = PEOPLE.find((candidate) => candidate.bsn === target.bsn);
      return [person ? { subjectKey: personKey(person.id), kind: 'PERSON', what: person.id } : { subjectKey: protector.lookupKey(target.bsn), kind: 'BSN', what: 'a missed BSN' }];
    }
    case 'householdByAddress': {
      const key = `ADDRESS:${target.postcode} ${target.houseNumber}${target.suffix ? ` ${target.suffix.toUpperCase()}` : ''}`;
      return household(householdAt(target), 'ADDRESS', key);
    }
  }
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
