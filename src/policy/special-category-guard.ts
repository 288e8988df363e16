import { getNamedType, isObjectType, Kind, parse, type GraphQLSchema } from 'graphql';
import { DOMAINS, loadDomainSdl, type Domain } from '../domain/partner-domains.ts';
import type { Category, FieldPolicy } from './policy-types.ts';

/** The directive an adapter contract puts on a type whose data is a special category (AVG art. 9). */
export const SPECIAL_CATEGORY_DIRECTIVE = 'specialCategory';

/** A type marked @specialCategory, and the contract that marks it (for messages). */
export interface MarkedType {
  typeName: string;
  contract: string;
}

/**
 * The types the adapter contracts (schema/domains/*.graphql) mark @specialCategory. Read from the contracts'
 * own SDL, not from the stitched schema: stitching may drop directives on types, and the mark must not
 * depend on it. A guard that rests on the contract, not on whoever edits the policy file remembering.
 */
export function specialCategoryTypes(domains: readonly Domain[] = DOMAINS, sdlOf: (domain: Domain) => string = loadDomainSdl): Map<string, MarkedType> {
  const marked = new Map<string, MarkedType>();
  for (const domain of domains) {
    for (const definition of parse(sdlOf(domain)).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      if (definition.directives?.some((directive) => directive.name.value === SPECIAL_CATEGORY_DIRECTIVE)) {
        marked.set(definition.name.value, { typeName: definition.name.value, contract: `schema/domains/${domain}.graphql` });
      }
    }
  }
  return marked;
}

/**
 * The public schema's coordinates that hold special-category data: every field of a marked type
 * (Care.inCare), and every field of any type that returns a marked type (Person.care: whether someone
 * has GGZ care at all is health data), each with the marked type it is about.
 */
export function specialCategoryCoordinates(schema: GraphQLSchema, marked: ReadonlyMap<string, MarkedType>): Map<string, MarkedType> {
  const coordinates = new Map<string, MarkedType>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const about = marked.get(type.name) ?? marked.get(getNamedType(field.type).name);
      if (about) coordinates.set(`${type.name}.${field.name}`, about);
    }
  }
  return coordinates;
}

/** One policy entry that files special-category data under an ordinary category. */
export interface SpecialCategoryProblem {
  coordinate: string;
  line: number;
  message: string;
}

/**
 * Every field policy that files special-category data under a category that is not `special: true` (or
 * under none). With the policy file's own rule that a special category is consent-only, such data can
 * then never be released on a legal basis, whatever basis the file names.
 */
export function specialCategoryProblems(
  schema: GraphQLSchema,
  fields: ReadonlyMap<string, FieldPolicy>,
  categories: ReadonlyMap<string, Category>,
  marked: ReadonlyMap<string, MarkedType> = specialCategoryTypes(),
): SpecialCategoryProblem[] {
  const problems: SpecialCategoryProblem[] = [];
  for (const [coordinate, about] of specialCategoryCoordinates(schema, marked)) {
    const policy = fields.get(coordinate);
    if (!policy) continue; // reported as a field without a policy
    if (policy.category !== undefined && categories.get(policy.category)?.special) continue;
    const filed = policy.category === undefined ? 'without a category' : `under category '${policy.category}'`;
    problems.push({
      coordinate,
      line: policy.line,
      message:
        `'${coordinate}' is special-category data (type ${about.typeName} is marked @${SPECIAL_CATEGORY_DIRECTIVE} in ${about.contract}), ` +
        `but is filed ${filed}: file it under a category with special: true (AVG art. 9, explicit consent only)`,
    });
  }
  return problems;
}
