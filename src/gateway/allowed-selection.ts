import {
  type FieldNode, type FragmentDefinitionNode, getDirectiveValues, getNamedType, type GraphQLCompositeType, GraphQLIncludeDirective,
  type GraphQLSchema, GraphQLSkipDirective, isObjectType, Kind, type InlineFragmentNode, type SelectionNode, type SelectionSetNode,
} from 'graphql';

/** Answers whether the caller may see one field (`Type.field`) of the person a selection is about. */
export type FieldCheck = (coordinate: string) => Promise<boolean>;

const TYPENAME_ONLY: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };

/**
 * The part of a selection the caller may see, so that a partner is never asked for a field the caller
 * may not see (data minimisation: prune before fetch). A withheld field is dropped with everything below
 * it. An allowed object field whose subfields are all withheld keeps only `__typename`: whether the
 * object exists is then all that is asked. Fragments are inlined so the result stands on its own.
 * `@skip`/`@include` are decided here, with the request's variables: a field that will not be resolved
 * is not asked of any partner, and what is kept carries no condition left for the partner to evaluate.
 * Returns `undefined` when no field is left: then nothing needs to be asked at all.
 */
export function allowedSelection(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  isAllowed: FieldCheck,
): Promise<SelectionSetNode | undefined> {
  return new SelectionPruner(schema, fragments, variables, isAllowed).selectionSet(type, selectionSet);
}

/**
 * Pruned selections shared by the people of one request: the pruned selection depends only on which of
 * the fields a selection asks about are allowed, so it is built once per distinct set of allowed fields
 * (and selection), not once per person. Sharing one object also lets batch delegation print it once and
 * put everybody with that set in one batched call. One per request: fragments and variables are the
 * request's.
 */
export class SharedPruning {
  private readonly bySelection = new Map<SelectionSetNode, { asked: Promise<readonly string[]>; byAllowed: Map<string, Promise<SelectionSetNode | undefined>> }>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  /** Whether this pruning is the one of an operation with these fragments and variables. */
  isFor(fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): boolean {
    return this.fragments === fragments && this.variables === variables;
  }

  /** allowedSelection for one person, whose decisions `isAllowed` gives. */
  async allowedSelection(type: GraphQLCompositeType, selectionSet: SelectionSetNode, isAllowed: FieldCheck): Promise<SelectionSetNode | undefined> {
    let entry = this.bySelection.get(selectionSet);
    if (!entry) {
      entry = { asked: this.coordinatesAsked(type, selectionSet), byAllowed: new Map() };
      this.bySelection.set(selectionSet, entry);
    }
    const asked = await entry.asked;
    const allowed = await Promise.all(asked.map(isAllowed));
    const key = allowed.map((yes) => (yes ? '1' : '0')).join('');
    let pruned = entry.byAllowed.get(key);
    if (!pruned) {
      const allowedCoordinates = new Set(asked.filter((_, index) => allowed[index]));
      pruned = allowedSelection(this.schema, type, selectionSet, this.fragments, this.variables, async (coordinate) => allowedCoordinates.has(coordinate));
      entry.byAllowed.set(key, pruned);
    }
    return pruned;
  }

  /** Every field the pruner could ask about in this selection (as if all were allowed), in a fixed order. */
  private async coordinatesAsked(type: GraphQLCompositeType, selectionSet: SelectionSetNode): Promise<readonly string[]> {
    const asked = new Set<string>();
    await allowedSelection(this.schema, type, selectionSet, this.fragments, this.variables, async (coordinate) => {
      asked.add(coordinate);
      return true;
    });
    return [...asked].sort();
  }
}

function withoutConditions<T extends SelectionNode | FragmentDefinitionNode>(node: T): T {
  if (!node.directives?.some((directive) => CONDITIONS.has(directive.name.value))) return node;
  return { ...node, directives: node.directives.filter((directive) => !CONDITIONS.has(directive.name.value)) };
}

const CONDITIONS = new Set(['skip', 'include']);

class SelectionPruner {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly isAllowed: FieldCheck,
  ) {}

  async selectionSet(type: GraphQLCompositeType, selectionSet: SelectionSetNode): Promise<SelectionSetNode | undefined> {
    const kept = (await Promise.all(selectionSet.selections.map((selection) => this.selection(type, selection))))
      .filter((selection): selection is SelectionNode => selection !== undefined);
    const asksForData = kept.some((selection) => selection.kind !== Kind.FIELD || selection.name.value !== '__typename');
    return asksForData ? { kind: Kind.SELECTION_SET, selections: kept } : undefined;
  }

  private async selection(type: GraphQLCompositeType, selection: SelectionNode): Promise<SelectionNode | undefined> {
    if (!this.isIncluded(selection)) return undefined;
    if (selection.kind === Kind.FIELD) return this.field(type, withoutConditions(selection));
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments[selection.name.value] : selection;
    if (!fragment) return undefined;
    const condition = fragment.typeCondition ? (this.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) : type;
    if (!condition) return undefined;
    const inner = await this.selectionSet(condition, fragment.selectionSet);
    if (!inner) return undefined;
    const inline: InlineFragmentNode = { kind: Kind.INLINE_FRAGMENT, typeCondition: fragment.typeCondition, directives: withoutConditions(fragment).directives, selectionSet: inner };
    return inline;
  }

  /** As graphql-js decides it: skipped when `@skip(if: true)`, or `@include(if: false)`; a missing variable is an error upstream. */
  private isIncluded(node: SelectionNode): boolean {
    if (!node.directives?.length) return true;
    if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if !== false;
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
