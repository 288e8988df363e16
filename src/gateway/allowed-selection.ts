import {
  type FieldNode, type FragmentDefinitionNode, getDirectiveValues, getNamedType, type GraphQLCompositeType, GraphQLIncludeDirective,
  type GraphQLSchema, GraphQLSkipDirective, isObjectType, Kind, type InlineFragmentNode, type SelectionNode, type SelectionSetNode,
} from 'graphql';

/** Answers whether the caller may see one field (`Type.field`) of the person a selection is about. */
export type FieldCheck = (coordinate: string) => boolean;

const TYPENAME_ONLY: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };

/**
 * The part of a selection the caller may see, so that a partner is never asked for a field the caller
 * may not see (data minimisation: prune before fetch). A withheld field is dropped with everything below
 * it. An allowed object field whose subfields are all withheld keeps only `__typename`: whether the
 * object exists is then all that is asked. Fragments are inlined so the result stands on its own.
 * `@skip`/`@include` are decided here, with the request's variables: a field that will not be resolved
 * is not asked of any partner, and what is kept carries no condition left for the partner to evaluate.
 * Returns `undefined` when no field is left: then nothing needs to be asked at all. Synchronous: the
 * answers are known beforehand (SharedPruning asks for them first, waiting where one is being read).
 */
export function allowedSelection(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  isAllowed: FieldCheck,
): SelectionSetNode | undefined {
  return new SelectionPruner(schema, fragments, variables, isAllowed).selectionSet(type, selectionSet);
}

/** Whether the caller may see one field of one subject (`who`): at once when already known, else when decided. */
export type SharedFieldCheck<Who> = (who: Who, coordinate: string) => boolean | Promise<boolean>;

type MaybePromise<T> = T | Promise<T>;

/** One selection's pruning: the fields it could ask about, and its pruned selection per set of allowed fields. */
interface SelectionEntry {
  asked: readonly string[];
  byAllowed: Map<number | string, SelectionSetNode | undefined>;
}

/**
 * Pruned selections shared by the people of one request: the pruned selection depends only on which of
 * the fields a selection asks about are allowed, so it is built once per distinct set of allowed fields
 * (and selection), not once per person. Sharing one object also lets batch delegation print it once and
 * put everybody with that set in one batched call. One per request: fragments and variables are the
 * request's. A person whose decisions are known costs no promise. `isAllowed` is given once, with the
 * request, and told whom each question is about: pruning makes no function per person and adapter.
 */
export class SharedPruning<Who> {
  private readonly bySelection = new Map<SelectionSetNode, SelectionEntry>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly isAllowed: SharedFieldCheck<Who>,
  ) {}

  /** Whether this pruning is the one of an operation with these fragments and variables. */
  isFor(fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): boolean {
    return this.fragments === fragments && this.variables === variables;
  }

  /** allowedSelection for one subject (`who`), whose decisions `isAllowed` gives. */
  allowedSelection(type: GraphQLCompositeType, selectionSet: SelectionSetNode, who: Who): MaybePromise<SelectionSetNode | undefined> {
    let entry = this.bySelection.get(selectionSet);
    if (!entry) {
      entry = { asked: this.coordinatesAsked(type, selectionSet), byAllowed: new Map() };
      this.bySelection.set(selectionSet, entry);
    }
    return this.answered(entry, type, selectionSet, who, []);
  }

  /**
   * Asks `isAllowed` about each field in turn, waiting only where an answer is not known yet. A person's
   * first answer usually waits for what the request reads about them (standing, consents); the answers
   * after it are then known at once, so a person costs a promise or two, not one per field.
   */
  private answered(entry: SelectionEntry, type: GraphQLCompositeType, selectionSet: SelectionSetNode, who: Who, answers: boolean[]): MaybePromise<SelectionSetNode | undefined> {
    const { asked } = entry;
    for (let index = answers.length; index < asked.length; index++) {
      const answer = this.isAllowed(who, asked[index]);
      if (isPromise(answer)) {
        return answer.then((allowed) => {
          answers.push(allowed);
          return this.answered(entry, type, selectionSet, who, answers);
        });
      }
      answers.push(answer);
    }
    return this.pruned(entry, type, selectionSet, answers);
  }

  private pruned(entry: SelectionEntry, type: GraphQLCompositeType, selectionSet: SelectionSetNode, allowed: readonly boolean[]): SelectionSetNode | undefined {
    const key = allowedKey(allowed);
    if (entry.byAllowed.has(key)) return entry.byAllowed.get(key);
    const allowedCoordinates = new Set(entry.asked.filter((_, index) => allowed[index]));
    const pruned = allowedSelection(this.schema, type, selectionSet, this.fragments, this.variables, (coordinate) => allowedCoordinates.has(coordinate));
    entry.byAllowed.set(key, pruned);
    return pruned;
  }

  /** Every field the pruner could ask about in this selection (as if all were allowed), in a fixed order. */
  private coordinatesAsked(type: GraphQLCompositeType, selectionSet: SelectionSetNode): readonly string[] {
    const asked = new Set<string>();
    allowedSelection(this.schema, type, selectionSet, this.fragments, this.variables, (coordinate) => {
      asked.add(coordinate);
      return true;
    });
    return [...asked].sort();
  }
}

/** Which of the asked fields are allowed, as a key: a bit per field (a string of 0s and 1s beyond 30 fields). */
function allowedKey(allowed: readonly boolean[]): number | string {
  if (allowed.length > 30) return allowed.map((yes) => (yes ? '1' : '0')).join('');
  let key = 0;
  for (let index = 0; index < allowed.length; index++) if (allowed[index]) key |= 1 << index;
  return key;
}

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
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

  selectionSet(type: GraphQLCompositeType, selectionSet: SelectionSetNode): SelectionSetNode | undefined {
    const kept: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      const allowed = this.selection(type, selection);
      if (allowed) kept.push(allowed);
    }
    const asksForData = kept.some((selection) => selection.kind !== Kind.FIELD || selection.name.value !== '__typename');
    return asksForData ? { kind: Kind.SELECTION_SET, selections: kept } : undefined;
  }

  private selection(type: GraphQLCompositeType, selection: SelectionNode): SelectionNode | undefined {
    if (!this.isIncluded(selection)) return undefined;
    if (selection.kind === Kind.FIELD) return this.field(type, withoutConditions(selection));
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments[selection.name.value] : selection;
    if (!fragment) return undefined;
    const condition = fragment.typeCondition ? (this.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) : type;
    if (!condition) return undefined;
    const inner = this.selectionSet(condition, fragment.selectionSet);
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

  private field(type: GraphQLCompositeType, field: FieldNode): FieldNode | undefined {
    const name = field.name.value;
    if (name === '__typename') return field;
    if (!isObjectType(type) || !this.isAllowed(`${type.name}.${name}`)) return undefined;
    if (!field.selectionSet) return field;
    const fieldType = getNamedType(type.getFields()[name]?.type) as GraphQLCompositeType | undefined;
    if (!fieldType) return undefined;
    const inner = this.selectionSet(fieldType, field.selectionSet);
    return { ...field, selectionSet: inner ?? TYPENAME_ONLY };
  }
}
