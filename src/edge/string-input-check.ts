import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';

/**
 * Every string a request brings in (argument literals, variable defaults, variables, the keys of
 * variable objects) is checked before any resolver or database call: a NUL byte, another control
 * character or a lone surrogate gives BAD_USER_INPUT naming the argument, instead of a database error
 * deep inside ("Internal error"). Tab, line feed and carriage return are allowed (free text).
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string, or undefined when it is fine. Never repeats the string. */
export function invalidStringReason(value: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(value);
  if (control) return `contains the control character U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (LONE_SURROGATE.test(value)) return 'contains invalid Unicode (a lone surrogate)';
  return undefined;
}

export interface InvalidString {
  /** `argument "input.givenBy"` or `variable "$input" at "input.givenBy"`. */
  where: string;
  reason: string;
}

export function findInvalidString(document: DocumentNode, variables: Record<string, unknown> | undefined): InvalidString | undefined {
  const { inLiterals, declared } = literalsOf(document);
  if (inLiterals) return inLiterals;
  // Only the variables the operation declares are checked (their names are GraphQL names, never a
  // client's BSN); others are never read.
  for (const name of declared) {
    if (variables && Object.hasOwn(variables, name)) {
      const found = inJson(variables[name], name, (path) => (path === name ? `variable "$${name}"` : `variable "$${name}" at "${path}"`));
      if (found) return found;
    }
  }
  return undefined;
}

interface DocumentStrings {
  /** The first bad string among argument literals and variable defaults, in document order. */
  inLiterals: InvalidString | undefined;
  declared: readonly string[];
}

/**
 * What a document itself brings in depends on the document alone; Apollo hands every request of the same
 * query text the same parsed document (its document store), so it is walked once, not per request.
 */
const documentStrings = new WeakMap<DocumentNode, DocumentStrings>();

function literalsOf(document: DocumentNode): DocumentStrings {
  let strings = documentStrings.get(document);
  if (strings) return strings;
  let inLiterals: InvalidString | undefined;
  const declared = new Set<string>();
  visit(document, {
    Argument(node) {
      inLiterals ??= inLiteral(node.value, node.name.value, (path) => `argument "${path}"`);
    },
    VariableDefinition(node) {
      declared.add(node.variable.name.value);
      if (node.defaultValue) inLiterals ??= inLiteral(node.defaultValue, node.variable.name.value, (path) => `the default of variable "$${path}"`);
    },
  });
  strings = { inLiterals, declared: [...declared] };
  documentStrings.set(document, strings);
  return strings;
}

function inLiteral(node: ValueNode, path: string, describe: (path: string) => string): InvalidString | undefined {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM: {
      const reason = invalidStringReason(node.value);
      return reason ? { where: describe(path), reason } : undefined;
    }
    case Kind.LIST:
      for (const [index, item] of node.values.entries()) {
        const found = inLiteral(item, `${path}[${index}]`, describe);
        if (found) return found;
      }
      return undefined;
    case Kind.OBJECT:
      for (const field of node.fields) {
        const found = inLiteral(field.value, `${path}.${field.name.value}`, describe);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

function inJson(value: unknown, path: string, describe: (path: string) => string): InvalidString | undefined {
  if (typeof value === 'string') {
    const reason = invalidStringReason(value);
    return reason ? { where: describe(path), reason } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = inJson(item, `${path}[${index}]`, describe);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyReason = invalidStringReason(key);
      if (keyReason) return { where: describe(path), reason: `has a field name that ${keyReason}` };
      // A client's key is named only when it is a GraphQL name: a key could itself be a BSN.
      const found = inJson(item, `${path}.${GRAPHQL_NAME.test(key) ? key : '?'}`, describe);
      if (found) return found;
    }
  }
  return undefined;
}

export function stringInputCheckPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const invalid = findInvalidString(document, request.variables);
          if (invalid) {
            throw new GraphQLError(`The ${invalid.where} ${invalid.reason}, which is not allowed in text`, {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
