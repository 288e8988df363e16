import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { type GraphQLObjectType, type GraphQLSchema, isNonNullType, isObjectType } from 'graphql';
import type { Basis, BreakGlassPolicy, Category, FieldPolicy, LegalBasis, NeedToKnowPolicy, OrganisationKindPolicy, PolicySet, SupervisionPolicy } from './policy-types.ts';
import { ORGANISATION_KINDS } from '../domain/organisations.ts';
import { personScopedTypes } from './subject-scope.ts';
import { specialCategoryProblems } from './special-category-guard.ts';

/** Raised when the policy file is unreadable or invalid. Every problem names the file and the line. */
export class PolicyFileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid field policy file:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'PolicyFileError';
  }
}

/**
 * Reads the policy file and checks it against the public schema: every field covered, nothing unknown,
 * special categories consent-only, data of a type the adapter contracts mark @specialCategory filed under
 * a special category, consent only where there is one person the consent can belong to.
 */
export function loadPolicyFile(file: string, schema: GraphQLSchema): PolicySet {
  return loadPolicyFileWithText(file, schema).policies;
}

/** The same, with the text it was read from: the hub records the very version it runs with. */
export function loadPolicyFileWithText(file: string, schema: GraphQLSchema): { policies: PolicySet; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PolicyFileError([`${displayName(file)}: cannot read the file`]);
  }
  return { policies: parsePolicies(text, file, schema), text };
}

export function parsePolicies(text: string, file: string, schema: GraphQLSchema): PolicySet {
  const name = displayName(file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problems: string[] = [];
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  const problem = (node: Node | null | undefined, message: string) => problems.push(`${name}:${lineOf(node)}: ${message}`);

  for (const error of document.errors) problems.push(`${name}:${error.linePos?.[0]?.line ?? 1}: YAML error: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  if (problems.length > 0) throw new PolicyFileError(problems);
  const root = document.contents;
  if (!isMap(root)) throw new PolicyFileError([`${name}:1: the file must be a YAML mapping with roles, purposes, categories, legalBases and fields`]);

  const known = new Set(['version', 'roles', 'purposes', 'categories', 'legalBases', 'organisationKinds', 'needToKnow', 'breakGlass', 'supervision', 'fields']);
  for (const pair of root.items) {
    const key = scalarText(pair.key);
    if (!key || !known.has(key)) problem(pair.key as Node, `unknown top-level key '${key}'`);
  }
  const version: unknown = root.get('version');
  if (version !== 1) problem(root.get('version', true) as Node, `'version' must be 1`);

  const roles = descriptions(root, 'roles', problem);
  const purposes = descriptions(root, 'purposes', problem);

  const categories = new Map<string, Category>();
  for (const [key, value, node] of entries(root, 'categories', problem)) {
    if (!isMap(value) || typeof value.get('description') !== 'string') {
      problem(node, `category '${key}' needs a description`);
      continue;
    }
    unknownKeys(value, `categories.${key}`, ['description', 'special']);
    const special = value.get('special') ?? false;
    if (typeof special !== 'boolean') problem(node, `category '${key}': 'special' must be true or false`);
    categories.set(key, { description: String(value.get('description')), special: special === true });
  }

  const legalBases = new Map<string, LegalBasis>();
  for (const [key, value, node] of entries(root, 'legalBases', problem)) {
    if (key === 'none' || key === 'consent') {
      problem(node, `'${key}' is a reserved basis name`);
      continue;
    }
    if (!isMap(value) || typeof value.get('description') !== 'string') {
      problem(node, `legal basis '${key}' needs a description`);
      continue;
    }
    unknownKeys(value, `legalBases.${key}`, ['description', 'roles', 'purposes']);
    const basisRoles = nameList(value, 'roles', roles, 'role', problem, node);
    const basisPurposes = nameList(value, 'purposes', purposes, 'purpose', problem, node);
    if (!basisRoles || !basisPurposes) problem(node, `legal basis '${key}' must list the roles and purposes it covers`);
    legalBases.set(key, { description: String(value.get('description')), roles: basisRoles ?? [], purposes: basisPurposes ?? [] });
  }

  const organisationKinds = new Map<string, OrganisationKindPolicy>();
  for (const [kind, value, node] of entries(root, 'organisationKinds', problem)) {
    if (!(ORGANISATION_KINDS as readonly string[]).includes(kind)) {
      problem(node, `unknown organisation kind '${kind}' (use ${ORGANISATION_KINDS.join(', ')})`);
      continue;
    }
    if (!isMap(value) || typeof value.get('description') !== 'string') {
      problem(node, `organisation kind '${kind}' needs a description`);
      continue;
    }
    unknownKeys(value, `organisationKinds.${kind}`, ['description', 'roles']);
    organisationKinds.set(kind, { description: String(value.get('description')), roles: nameList(value, 'roles', roles, 'role', problem, node) ?? [] });
  }
  for (const kind of ORGANISATION_KINDS) {
    if (!organisationKinds.has(kind) && root.has('organisationKinds')) problem(root.get('organisationKinds', true) as Node, `organisationKinds: say which roles kind '${kind}' may hold (an empty list if none)`);
  }

  const needToKnow = needToKnowSection(root.get('needToKnow', true));
  const breakGlass = breakGlassSection(root.get('breakGlass', true));
  const supervision = supervisionSection(root.get('supervision', true));

  /** needToKnow: { description, involvementRequiredFor: [basis names] }. */
  function needToKnowSection(node: unknown): NeedToKnowPolicy {
    const empty: NeedToKnowPolicy = { description: '', involvementRequiredFor: new Set() };
    if (!isMap(node) || typeof node.get('description') !== 'string') {
      problem((node as Node) ?? root, `'needToKnow' needs a description and 'involvementRequiredFor' (the bases whose data needs an involvement)`);
      return empty;
    }
    unknownKeys(node, 'needToKnow', ['description', 'involvementRequiredFor']);
    const list = node.get('involvementRequiredFor', true);
    if (!isSeq(list)) {
      problem(node, `'needToKnow.involvementRequiredFor' must be a list of bases (consent or names from legalBases)`);
      return empty;
    }
    const bases = new Set<string>();
    for (const item of list.items) {
      const basis = scalarText(item) ?? '';
      if (basis !== 'consent' && !legalBases.has(basis)) problem(item as Node, `needToKnow: unknown basis '${basis}' (use consent or a name from legalBases)`);
      else bases.add(basis);
    }
    return { description: String(node.get('description')), involvementRequiredFor: bases };
  }

  /** breakGlass: { description, roles, durationMinutes, minimumJustificationLength, reasons: { code: text } }. */
  function breakGlassSection(node: unknown): BreakGlassPolicy {
    const empty: BreakGlassPolicy = { description: '', roles: [], durationMinutes: 0, minimumJustificationLength: 0, reasons: new Map() };
    if (!isMap(node) || typeof node.get('description') !== 'string') {
      problem((node as Node) ?? root, `'breakGlass' needs a description, roles, durationMinutes, minimumJustificationLength and reasons`);
      return empty;
    }
    unknownKeys(node, 'breakGlass', ['description', 'roles', 'durationMinutes', 'minimumJustificationLength', 'reasons']);
    const durationMinutes = node.get('durationMinutes');
    if (!Number.isInteger(durationMinutes) || (durationMinutes as number) < 1 || (durationMinutes as number) > 24 * 60) {
      problem(node, `'breakGlass.durationMinutes' must be a whole number of minutes between 1 and 1440`);
    }
    const minimumJustificationLength = node.get('minimumJustificationLength');
    if (!Number.isInteger(minimumJustificationLength) || (minimumJustificationLength as number) < 1 || (minimumJustificationLength as number) > 1000) {
      problem(node, `'breakGlass.minimumJustificationLength' must be a whole number between 1 and 1000`);
    }
    const reasons = new Map<string, string>();
    const reasonMap = node.get('reasons', true);
    if (!isMap(reasonMap) || reasonMap.items.length === 0) problem(node, `'breakGlass.reasons' must map reason codes to descriptions`);
    else {
      for (const pair of reasonMap.items) {
        const code = scalarText(pair.key) ?? '';
        if (!/^[a-z][a-z0-9-]{1,49}$/.test(code)) problem(pair.key as Node, `breakGlass: reason code '${code}' must be lower case letters, digits and dashes`);
        if (!isScalar(pair.value) || typeof pair.value.value !== 'string') problem(pair.key as Node, `breakGlass: reason '${code}' needs a description`);
        else reasons.set(code, pair.value.value);
      }
    }
    return {
      description: String(node.get('description')),
      roles: nameList(node, 'roles', roles, 'role', problem, node) ?? [],
      durationMinutes: Number(durationMinutes) || 0,
      minimumJustificationLength: Number(minimumJustificationLength) || 0,
      reasons,
    };
  }

  /** supervision: { description, hubWideRoles: [roles] }. */
  function supervisionSection(node: unknown): SupervisionPolicy {
    if (!isMap(node) || typeof node.get('description') !== 'string') {
      problem((node as Node) ?? root, `'supervision' needs a description and 'hubWideRoles'`);
      return { description: '', hubWideRoles: [] };
    }
    unknownKeys(node, 'supervision', ['description', 'hubWideRoles']);
    const hubWideRoles = nameList(node, 'hubWideRoles', roles, 'role', problem, node);
    if (!hubWideRoles) problem(node, `'supervision.hubWideRoles' must list the roles that supervise the hub as a whole`);
    return { description: String(node.get('description')), hubWideRoles: hubWideRoles ?? [] };
  }

  function unknownKeys(map: YAMLMap, section: string, allowed: readonly string[]): void {
    for (const pair of map.items) {
      const key = scalarText(pair.key);
      // In a flow mapping `{ description: a, b }` YAML reads ` b` as a key of its own: say so, a cut description is easy to miss.
      if (!key || !allowed.includes(key)) problem(pair.key as Node, `'${section}': unknown key '${key}'${pair.value === null ? ' (a text with a comma inside { } needs quotes)' : ''}`);
    }
  }

  const fields = new Map<string, FieldPolicy>();
  const personScoped = personScopedTypes(schema);
  for (const [typeName, typeNode, typeKeyNode] of entries(root, 'fields', problem)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) {
      problem(typeKeyNode, `unknown type '${typeName}': not an object type of the public schema`);
      continue;
    }
    if (!isMap(typeNode)) {
      problem(typeKeyNode, `'${typeName}' must map field names to policies`);
      continue;
    }
    for (const pair of typeNode.items) {
      const fieldName = scalarText(pair.key) ?? '';
      const node = pair.key as Node;
      const coordinate = `${typeName}.${fieldName}`;
      if (!type.getFields()[fieldName]) {
        problem(node, `unknown field '${coordinate}': not in the public schema`);
        continue;
      }
      const policy = fieldPolicy(coordinate, pair.value, node);
      if (policy) fields.set(coordinate, policy);
    }
  }

  /** `basis: name` or `basis: [name, name]`: none, consent or a name from legalBases. */
  function basesOf(coordinate: string, value: unknown, node: Node): Basis[] | undefined {
    const names = isSeq(value) ? value.items.map(scalarText) : [scalarText(value)];
    if (names.length === 0) {
      problem(node, `'${coordinate}': 'basis' lists no basis`);
      return undefined;
    }
    const bases: Basis[] = [];
    for (const basisName of names) {
      if (basisName === 'none') bases.push({ kind: 'none' });
      else if (basisName === 'consent') bases.push({ kind: 'consent' });
      else if (basisName !== undefined && legalBases.has(basisName)) bases.push({ kind: 'legal', name: basisName });
      else {
        problem(node, `'${coordinate}': unknown basis '${basisName ?? ''}' (use none, consent or a name from legalBases)`);
        return undefined;
      }
    }
    if (bases.some((basis) => basis.kind === 'none') && bases.length > 1) {
      problem(node, `'${coordinate}': basis none cannot be combined with other bases`);
      return undefined;
    }
    if (new Set(names).size !== names.length) problem(node, `'${coordinate}': a basis is listed twice`);
    return bases;
  }

  function fieldPolicy(coordinate: string, value: unknown, node: Node): FieldPolicy | undefined {
    if (!isMap(value)) {
      problem(node, `'${coordinate}' needs a policy: { category, basis, roles, purposes }`);
      return undefined;
    }
    for (const pair of value.items) {
      const key = scalarText(pair.key);
      if (!key || !['category', 'basis', 'roles', 'purposes'].includes(key)) problem(pair.key as Node, `'${coordinate}': unknown key '${key}'`);
    }
    const bases = basesOf(coordinate, value.get('basis', true), node);
    if (!bases) return undefined;
    const kinds = new Set(bases.map((basis) => basis.kind));
    const category = value.get('category');
    if (category !== undefined && (typeof category !== 'string' || !categories.has(category))) {
      problem(node, `'${coordinate}': unknown category '${String(category)}'`);
      return undefined;
    }
    const personal = !kinds.has('none');
    if (personal && category === undefined) problem(node, `'${coordinate}': a field with personal data needs a category`);
    const fieldRoles = nameList(value, 'roles', roles, 'role', problem, node);
    const fieldPurposes = nameList(value, 'purposes', purposes, 'purpose', problem, node);
    if (kinds.has('consent') && (!fieldRoles || !fieldPurposes)) problem(node, `'${coordinate}': with basis consent, list the roles and purposes that may see it`);
    if (typeof category === 'string' && categories.get(category)?.special && bases.some((basis) => basis.kind !== 'consent')) {
      problem(node, `'${coordinate}': category '${category}' is a special category (AVG art. 9) and may only be shared with explicit consent`);
    }
    for (const basis of bases) {
      if (basis.kind !== 'legal') continue;
      const legal = legalBases.get(basis.name)!;
      const reachable = (fieldRoles ?? legal.roles).some((role) => legal.roles.includes(role)) && (fieldPurposes ?? legal.purposes).some((purpose) => legal.purposes.includes(purpose));
      if (!reachable) problem(node, `'${coordinate}': legal basis '${basis.name}' covers none of the field's roles or purposes, so it can never apply`);
    }
    const [typeName, fieldName] = coordinate.split('.');
    const mayBeWithheld = personal || fieldRoles !== undefined || fieldPurposes !== undefined;
    const fieldType = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName].type;
    if (mayBeWithheld && isNonNullType(fieldType)) {
      problem(node, `'${coordinate}' may be withheld, so the schema must declare it nullable (it is ${String(fieldType)})`);
    }
    if (kinds.has('consent') && !personScoped.has(typeName)) {
      problem(node, `'${coordinate}': basis consent needs one person the data is about; '${typeName}' is not about a single person`);
    }
    return { coordinate, category: category as string | undefined, bases, roles: fieldRoles, purposes: fieldPurposes, line: lineOf(node) };
  }

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const fieldName of Object.keys(type.getFields())) {
      const coordinate = `${type.name}.${fieldName}`;
      if (!fields.has(coordinate) && !problems.some((p) => p.includes(`'${coordinate}'`))) {
        problems.push(`${name}:${lineOf(root.get('fields', true) as Node)}: no policy for '${coordinate}' (a field without a policy is denied; add one)`);
      }
    }
  }

  // The adapter contracts mark special-category types (@specialCategory); their data is never ordinary.
  for (const special of specialCategoryProblems(schema, fields, categories)) problems.push(`${name}:${special.line}: ${special.message}`);

  if (problems.length > 0) throw new PolicyFileError(problems);
  return { file, roles, purposes, categories, legalBases, organisationKinds, needToKnow, breakGlass, supervision, fields };
}

type Report = (node: Node | null | undefined, message: string) => void;

function displayName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

/** The entries of a top-level mapping as [key, value node, key node]. */
function entries(root: YAMLMap, key: string, problem: Report): [string, unknown, Node][] {
  const section = root.get(key, true);
  if (section === undefined) {
    problem(root, `missing section '${key}'`);
    return [];
  }
  if (!isMap(section)) {
    problem(section as Node, `'${key}' must be a mapping`);
    return [];
  }
  return section.items.map((pair) => [scalarText(pair.key) ?? '', pair.value, pair.key as Node]);
}

function descriptions(root: YAMLMap, key: string, problem: Report): Map<string, string> {
  const result = new Map<string, string>();
  for (const [name, value, node] of entries(root, key, problem)) {
    if (!isScalar(value) || typeof value.value !== 'string') problem(node, `${key} '${name}' needs a description`);
    result.set(name, isScalar(value) ? String(value.value) : '');
  }
  return result;
}

function nameList(map: YAMLMap, key: string, known: ReadonlyMap<string, string>, what: string, problem: Report, node: Node): string[] | undefined {
  const value = map.get(key, true);
  if (value === undefined) return undefined;
  if (!isSeq(value)) {
    problem(node, `'${key}' must be a list`);
    return undefined;
  }
  const names = value.items.map((item) => scalarText(item) ?? '');
  for (const name of names) if (!known.has(name)) problem(node, `unknown ${what} '${name}'`);
  return names;
}
