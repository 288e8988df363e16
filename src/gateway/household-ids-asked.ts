import { Kind, type OperationDefinitionNode, type ValueNode } from 'graphql';
import { invalidStringReason } from '../edge/string-input-check.ts';

/** The most households `households(ids)` answers (src/households/hub-subschema.ts refuses more). */
const MAX_HOUSEHOLDS = 100;

/**
 * The household ids a query asks for by id at its root (`household(id)`, `households(ids)`), from
 * literals or the request's variables, before execution: so that what depends on them can be read
 * beside the households themselves (src/gateway/read-ahead-plugin.ts). Only what is plain to see
 * counts: a root field under a directive (`@skip`, `@include`) or in a fragment, a value that is not a
 * string (or, for `households`, a list of strings), or more ids than the resolver answers give nothing, and the reads then wait for the
 * resolvers as before. Nor does an id the edge refuses (a control character, a lone surrogate:
 * src/edge/string-input-check.ts): the request ends there, and its read ahead would only make the
 * database refuse the JSON it is sent in.
 */
export function householdIdsAsked(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>> | undefined): string[] {
  const ids = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.directives?.length) continue;
    const argumentName = selection.name.value === 'household' ? 'id' : selection.name.value === 'households' ? 'ids' : undefined;
    const argument = argumentName && selection.arguments?.find((candidate) => candidate.name.value === argumentName);
    if (!argument) continue;
    const value = valueOf(argument.value, variables);
    // Each field's own shape only: a list handed to household(id) fails coercion, and must not make the
    // hub read a hundred households first.
    const asked = isId(value) ? [value] : argumentName === 'ids' && isIdList(value) ? value : [];
    for (const id of asked) ids.add(id);
  }
  return [...ids];
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_HOUSEHOLDS && value.every(isId);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && invalidStringReason(value) === undefined;
}

function valueOf(node: ValueNode, variables: Readonly<Record<string, unknown>> | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
      return node.value;
    case Kind.LIST:
      return node.values.map((item) => valueOf(item, variables));
    case Kind.VARIABLE:
      return variables && Object.hasOwn(variables, node.name.value) ? variables[node.name.value] : undefined;
    default:
      return undefined;
  }
}
