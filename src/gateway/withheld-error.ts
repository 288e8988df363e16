import { type FieldNode, GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { pathToArray } from '@graphql-tools/utils';
import type { Decision } from '../policy/decide.ts';

type Withheld = Extract<Decision, { allowed: false }>;

/**
 * A withheld field's error: null at its path with the decision's code, category and what would make the
 * field visible. Located at the field (so graphql-js passes it on as it is instead of wrapping it in a
 * second error). One per withheld field and person, so it is cheap: building a GraphQLError (its stack,
 * its locations from the source, its property definitions) costs microseconds, and a query over 700
 * people withholds hundreds of fields. So each (decision, field in the document) gets one GraphQLError
 * made once, for all requests with that document, and each withheld field an object that inherits
 * everything from it but its own `path`:
 * still a GraphQLError (instanceof, toJSON), answering the same JSON as one built on its own.
 */
export function withheldError(decision: Withheld, info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'path'>): GraphQLError {
  const error = Object.create(templateOf(decision, info.fieldNodes)) as GraphQLError;
  // An own property, as GraphQLError's constructor sets it; the template has none.
  Object.defineProperty(error, 'path', { value: pathToArray(info.path), enumerable: true, writable: true, configurable: true });
  return error;
}

/**
 * Templates per decision, then per field of the document. graphql-js hands each execution a new
 * `fieldNodes` array, but the nodes in it are the parsed document's (Apollo's document store keeps it
 * between requests): so they are looked up by their first node, then by the very same nodes.
 */
const templates = new WeakMap<Decision, WeakMap<FieldNode, { nodes: readonly FieldNode[]; template: GraphQLError }[]>>();

/**
 * The error every person's withheld field inherits from. Decisions made once per kind of caller and parsed
 * documents are shared between requests, and so is this: what it holds is frozen (the locations, the
 * extensions), and a request that sets a property on its error sets it on its own object.
 */
function templateOf(decision: Withheld, fieldNodes: readonly FieldNode[]): GraphQLError {
  let byFirstNode = templates.get(decision);
  if (!byFirstNode) {
    byFirstNode = new WeakMap();
    templates.set(decision, byFirstNode);
  }
  let made = byFirstNode.get(fieldNodes[0]);
  if (!made) {
    made = [];
    byFirstNode.set(fieldNodes[0], made);
  }
  const found = made.find(({ nodes }) => nodes.length === fieldNodes.length && nodes.every((node, index) => node === fieldNodes[index]));
  if (found) return found.template;
  const template = withoutStack(() => new GraphQLError(decision.reason, { nodes: fieldNodes, extensions: withheldExtensions(decision) }));
  if (template.locations) {
    for (const location of template.locations) Object.freeze(location);
    Object.freeze(template.locations);
  }
  made.push({ nodes: [...fieldNodes], template });
  return template;
}

function withoutStack<T>(build: () => T): T {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** The extensions of a withheld field's error, worked out once per decision and frozen. */
function withheldExtensions(decision: Withheld): Record<string, unknown> {
  return Object.freeze({
    code: decision.code,
    ...(decision.category ? { category: decision.category } : {}),
    ...(decision.requiredConsent ? { requiredConsent: decision.requiredConsent } : {}),
    ...(decision.requiredInvolvement ? { requiredInvolvement: decision.requiredInvolvement } : {}),
    // What would make the field visible: each basis the policy names, with its roles and purposes.
    visibleWith: decision.options.map(({ basis, roles, purposes, outcome, requiredConsent, requiredInvolvement }) => ({
      basis, roles, purposes, outcome, ...(requiredConsent ? { requiredConsent } : {}), ...(requiredInvolvement ? { requiredInvolvement } : {}),
    })),
  });
}
