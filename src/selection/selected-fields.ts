import {
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/**
 * The schema coordinates (`Type.field`) a GraphQL document selects, resolved against a schema: what the
 * hub signs into an upstream token's `fields` claim and what the adapter checks against it. Both sides
 * use this one function, so they agree. Aliases are ignored (the field name counts), fragments are
 * followed, `__typename` is left out (it is no data). `@skip`/`@include` are not evaluated: a field
 * that may be selected counts, which can only make the check stricter.
 */
export function selectedCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const fragments = fragmentsOf(document);
  const found = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = definition.operation === 'query' ? schema.getQueryType() : definition.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    walk(schema, root ?? undefined, definition.selectionSet, fragments, found, new Set());
  }
  return [...found].sort();
}

/** The coordinates selected below the given fields (e.g. a resolver's `info.fieldNodes`). */
export function coordinatesBelow(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  fieldNodes: readonly FieldNode[],
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): string[] {
  const found = new Set<string>();
  const fragmentMap = new Map(Object.entries(fragments));
  for (const node of fieldNodes) {
    if (node.selectionSet) walk(schema, type, node.selectionSet, fragmentMap, found, new Set());
  }
  return [...found].sort();
}

/**
 * The field names selected on the object under `Person.<personField>` (top level only; a nested object
 * counts by its own name), for the batch function: the partner is asked only for what is needed.
 */
export function domainFieldNames(schema: GraphQLSchema, coordinates: readonly string[], personField: string): string[] {
  const person = schema.getType('Person');
  const field = isObjectType(person) ? person.getFields()[personField] : undefined;
  if (!field) return [];
  const prefix = `${getNamedType(field.type).name}.`;
  return coordinates.filter((coordinate) => coordinate.startsWith(prefix)).map((coordinate) => coordinate.slice(prefix.length));
}

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

function walk(
  schema: GraphQLSchema,
  type: GraphQLNamedType | undefined,
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  found: Set<string>,
  visitedFragments: Set<string>,
): void {
  const typeName = type?.name ?? '?';
  const fields = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : {};
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name === '__typename') continue;
      found.add(`${typeName}.${name}`);
      // Introspection and unknown fields are not descended into; validation rejects the unknown ones.
      const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (selection.selectionSet && field) walk(schema, getNamedType(field.type), selection.selectionSet, fragments, found, visitedFragments);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const onType = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
      walk(schema, onType ?? undefined, selection.selectionSet, fragments, found, visitedFragments);
    } else {
      const fragment = fragments.get(selection.name.value);
      // A fragment spread twice (or in a cycle, which validation rejects) is walked once.
      if (!fragment || visitedFragments.has(fragment.name.value)) continue;
      visitedFragments.add(fragment.name.value);
      walk(schema, schema.getType(fragment.typeCondition.name.value) ?? undefined, fragment.selectionSet, fragments, found, visitedFragments);
    }
  }
}
