import {
  type FieldNode, type FragmentDefinitionNode, getNamedType, type GraphQLCompositeType, type GraphQLSchema, isObjectType,
  Kind, type InlineFragmentNode, type SelectionNode, type SelectionSetNode,
} from 'graphql';

/** Answers whether the caller may see one field (`Type.field`) of the person a selection is about. */
export type FieldCheck = (coordinate: string) => Promise<boolean>;

const TYPENAME_ONLY: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };

/**
 * The part of a selection the caller may see, so that a partner is never asked for a field the caller
 * may not see (data minimisation: prune before fetch). A withheld field is dropped with everything below
 * it. An allowed object field whose subfields are all withheld keeps only `__typename`: whether the
 * object exists is then all that is asked. Fragments are inlined so the result stands on its own.
 * Returns `undefined` when no field is left: then nothing needs to be asked at all.
 */
export async function allowedSelection(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  isAllowed: FieldCheck,
): Promise<SelectionSetNode | undefined> {
  const kept = (await Promise.all(selectionSet.selections.map((selection) => allowedSelectionNode(schema, type, selection, fragments, isAllowed))))
    .filter((selection): selection is SelectionNode => selection !== undefined);
  const asksForData = kept.some((selection) => selection.kind !== Kind.FIELD || selection.name.value !== '__typename');
  return asksForData ? { kind: Kind.SELECTION_SET, selections: kept } : undefined;
}

async function allowedSelectionNode(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  selection: SelectionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  isAllowed: FieldCheck,
): Promise<SelectionNode | undefined> {
  if (selection.kind === Kind.FIELD) return allowedField(schema, type, selection, fragments, isAllowed);
  const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments[selection.name.value] : selection;
  if (!fragment) return undefined;
  const condition = fragment.typeCondition ? (schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) : type;
  if (!condition) return undefined;
  const inner = await allowedSelection(schema, condition, fragment.selectionSet, fragments, isAllowed);
  if (!inner) return undefined;
  const inline: InlineFragmentNode = { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: fragment.directives, selectionSet: inner };
  return inline;
}

async function allowedField(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  field: FieldNode,
  fragments: Record<string, FragmentDefinitionNode>,
  isAllowed: FieldCheck,
): Promise<FieldNode | undefined> {
  const name = field.name.value;
  if (name === '__typename') return field;
  if (!isObjectType(type) || !(await isAllowed(`${type.name}.${name}`))) return undefined;
  if (!field.selectionSet) return field;
  const fieldType = getNamedType(type.getFields()[name]?.type) as GraphQLCompositeType | undefined;
  if (!fieldType) return undefined;
  const inner = await allowedSelection(schema, fieldType, field.selectionSet, fragments, isAllowed);
  return { ...field, selectionSet: inner ?? TYPENAME_ONLY };
}
