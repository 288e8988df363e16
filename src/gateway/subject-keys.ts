import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * Whose data a value is, is the hub's business, never the client's. The gateway asks the case registration
 * for a Person's or Household's id, and for a Person's BSN (the key the adapters merge on), under response
 * keys of its own (stitching selection sets in src/gateway/gateway-schema.ts). A client cannot take
 * these names: the validation rule below refuses any alias that starts with the reserved prefix, so an
 * `id: familyName`, an `id @skip(if: true)` or a missing `id` changes nothing about the accounting.
 */
export const RESERVED_PREFIX = '_hub';
export const SUBJECT_ID_KEY = `${RESERVED_PREFIX}Id`;
export const SUBJECT_BSN_KEY = `${RESERVED_PREFIX}Bsn`;

/** The hub's id of the Person or Household a result object is about, if the hub put it there. */
export function subjectIdOf(parent: unknown): string | undefined {
  if (parent === null || typeof parent !== 'object') return undefined;
  const id = (parent as Record<string, unknown>)[SUBJECT_ID_KEY];
  return typeof id === 'string' ? id : undefined;
}

export const ReservedResponseKeysRule: ValidationRule = (context) => ({
  Field(node) {
    const responseKey = node.alias?.value ?? node.name.value;
    if (responseKey.startsWith(RESERVED_PREFIX)) {
      context.reportError(
        new GraphQLError(`The name "${responseKey}" is reserved by the hub; choose another alias`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      );
    }
  },
});
