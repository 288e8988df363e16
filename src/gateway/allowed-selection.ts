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
export function allowedSelection(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  isAllowed: FieldCheck,
): Promise<SelectionSetNode | undefined> {
  return new SelectionPruner(schema, fragments, isAllowed).selectionSet(type, selectionSet);
}

class SelectionPruner {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly isAllowed: FieldCheck,
  ) {}

  async selectionSet(type: GraphQLCompositeType, selectionSet: SelectionSetNode): Promise<SelectionSetNode | undefined> {
    const kept = (await Promise.all(selectionSet.selections.map((selection) => this.selection(type, selection))))
      .filter((selection): selection is SelectionNode => selection !== undefined);
    const asksForData = kept.some((selection) => selection.kind !== Kind.FIELD || selection.name.value !== '__typename');
    return asksForData ? { kind: Kind.SELECTION_SET, selections: kept } : undefined;
  }

  private async selection(type: GraphQLCompositeType, selection: SelectionNode): Promise<SelectionNode | undefined> {
    if (selection.kind === Kind.FIELD) return this.field(type, selection);
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments[selection.name.value] : selection;
    if (!fragment) return undefined;
    const condition = fragment.typeCondition ? (this.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) : type;
    if (!condition) return undefined;
    const inner = await this.selectionSet(condition, fragment.selectionSet);
    if (!inner) return undefined;
    const inline: InlineFragmentNode = { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: fragment.directives, selectionSet: inner };
    return inline;
  }

  private async field(type: GraphQLCompositeType, field: FieldNode): Promise<FieldNode | undefined> {
    const name = field.name.value;
    if (name === '__typename') return field;
    if (!isObjectType(type) || !(await this.isAllowed(`${type.name}.${name}`))) return undefined;
    if (!field.selectionSet) return field;
    const fieldType = getNamedType(type.getFields()[name]?.type) as GraphQLCompositeType | undefined;
    if (!fieldType) return undefined;
    const inner = await this.selectionSet(fieldType, field.selectionSet);
    return { ...field, selectionSet: inner ?? TYPENAME_ONLY };
  }
}
