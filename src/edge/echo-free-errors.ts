import type { ApolloServerPlugin } from '@apollo/server';
import { type ASTNode, type DocumentNode, GraphQLError, Kind, visit, type ValueNode } from 'graphql';

/**
 * graphql-js repeats the value it refused in its messages ("found 999906318", "got invalid value
 * {...}"), and that value may be a BSN, however it was sent: a literal of the wrong type, a variable of
 * the wrong type, inside an input object or a list. These messages are rewritten to name where the
 * problem is (the argument or variable and the field path, like `input.givenBy`) and what was expected,
 * never the value. Anything that still looks like an identifier (8 or more digits) is masked last.
 */
export function echoFreeErrorsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, document }) {
          for (const error of errors) {
            if (REWRITTEN_CODES.has(error.extensions?.code as string)) (error as { message: string }).message = echoFreeMessage(error, document);
          }
        },
      };
    },
  };
}

/** Errors graphql-js phrased (the hub's own messages are left alone). */
const REWRITTEN_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE']);
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const PATH = String.raw`[_A-Za-z][_0-9A-Za-z]*(?:\.[_A-Za-z][_0-9A-Za-z]*|\[\d+\])*`;
const VARIABLE_ERROR = new RegExp(String.raw`^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" got invalid value [\s\S]*?(?: at "(${PATH})")?; ([\s\S]*)$`);
const LITERAL_ERROR = /^Expected value of type "([^"]+)", found [\s\S]*$/;
/** Validation messages about literals that name only schema things. */
const SAFE_LITERAL_ERRORS = [/^Field "[\w.]+" of required type "[^"]+" was not provided\.$/, /^Field "\w+" is not defined by type "\w+"\./];
const LITERAL_TYPE = [/^Expected value of type "([^"]+)"/, /^(\w+) cannot represent/, /does not exist in "(\w+)" enum/, /^Enum "(\w+)" cannot represent/];

export function echoFreeMessage(error: GraphQLError, document: DocumentNode | undefined): string {
  const { message } = error;
  const variable = VARIABLE_ERROR.exec(message);
  if (variable) {
    const [, name, at, inner] = variable;
    // A missing field is reported at its object; name the field itself: `input.givenBy`.
    const missing = /^Field "([_A-Za-z][_0-9A-Za-z]*)" of required type/.exec(inner)?.[1];
    const path = missing ? `${at ?? name}.${missing}` : at;
    return maskNumbers(`Variable "$${name}" got an invalid value${path ? ` at "${path}"` : ''}: ${whatWasExpected(inner)}`);
  }
  if (/^Variable "\$[^"]*" got invalid value/.test(message)) return 'A variable got an invalid value';
  // A literal of the wrong type: graphql-js prints it ("found 999906318", "non string value: 999906318").
  const where = error.nodes?.[0] && document ? argumentPath(document, error.nodes[0]) : undefined;
  if (where && !SAFE_LITERAL_ERRORS.some((pattern) => pattern.test(message))) {
    const type = LITERAL_TYPE.map((pattern) => pattern.exec(message)?.[1]).find(Boolean);
    return `${where} expects ${type ? `a value of type "${type}"` : 'a value of another type'}; send identifiers such as a BSN as a variable of that type`;
  }
  if (LITERAL_ERROR.test(message)) return 'An argument has a value of the wrong type';
  if (/^Unknown operation named /.test(message)) return 'The request names an operation that is not in the document';
  // Parse errors quote the token they stopped at: `Unexpected Int "999906318"`.
  return maskNumbers(message.replace(/\b(Int|Float|String|BlockString|Name) "[^"]*"/g, '$1'));
}

/** The inner part of a coercion error, kept only in the shapes that carry no value. */
function whatWasExpected(inner: string): string {
  const keep = [
    /^Field "[_A-Za-z][_0-9A-Za-z]*" of required type "[^"]+" was not provided\.$/,
    /^Expected non-nullable type "[^"]+" not to be null\.$/,
    /^Expected type "[_A-Za-z][_0-9A-Za-z]*" to be an object\.$/,
  ];
  if (keep.some((pattern) => pattern.test(inner))) return inner;
  const unknownField = /^Field "([^"]*)" is not defined by type "([_A-Za-z][_0-9A-Za-z]*)"/.exec(inner);
  if (unknownField) return `${NAME.test(unknownField[1]) ? `field "${unknownField[1]}"` : 'a field'} is not defined by type "${unknownField[2]}".`;
  const enumValue = /does not exist in "([_A-Za-z][_0-9A-Za-z]*)" enum/.exec(inner);
  if (enumValue) return `expected one of the values of enum "${enumValue[1]}".`;
  const expectedType = /^Expected type "([_A-Za-z][_0-9A-Za-z]*)"/.exec(inner) ?? /^(?:Enum )?"?([_A-Za-z][_0-9A-Za-z]*)"? cannot represent/.exec(inner);
  if (expectedType) return `expected a value of type "${expectedType[1]}".`;
  return 'the value does not have the expected type.';
}

/** `Argument "input.givenBy"`, `Argument "ids[3]"`: where a literal value sits. */
function argumentPath(document: DocumentNode, target: ASTNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    Argument(node) {
      const path = pathTo(node.value, target, node.name.value);
      found ??= path && `Argument "${path}"`;
    },
    VariableDefinition(node) {
      const path = node.defaultValue && pathTo(node.defaultValue, target, node.variable.name.value);
      found ??= path && `The default of variable "$${path}"`;
    },
  });
  return found;
}

function pathTo(node: ValueNode, target: ASTNode, path: string): string | undefined {
  if (node === target) return path;
  if (node.kind === Kind.LIST) {
    for (const [index, item] of node.values.entries()) {
      const found = pathTo(item, target, `${path}[${index}]`);
      if (found) return found;
    }
  }
  if (node.kind === Kind.OBJECT) {
    for (const field of node.fields) {
      const found = pathTo(field.value, target, `${path}.${field.name.value}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** A last safety net: eight or more digits in a row may be a BSN (or another identifier). */
export function maskNumbers(message: string): string {
  return message.replace(/\d{8,}/g, '[number]');
}
