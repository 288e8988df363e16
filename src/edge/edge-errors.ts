import { GraphQLError } from 'graphql';

/**
 * The codes with which the edge refuses a request. They are listed in the gateway's public codes
 * (src/gateway/server.ts), so their messages, which are ours, reach the caller.
 */
export const EDGE_ERROR_CODES = {
  queryTooDeep: 'QUERY_TOO_DEEP',
  tooManyAliases: 'TOO_MANY_ALIASES',
  queryTooCostly: 'QUERY_TOO_COSTLY',
  tooManyDirectives: 'TOO_MANY_DIRECTIVES',
  tooManyTokens: 'TOO_MANY_TOKENS',
  rateLimited: 'RATE_LIMITED',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  trustedDocumentRequired: 'TRUSTED_DOCUMENT_REQUIRED',
  trustedDocumentNotFound: 'TRUSTED_DOCUMENT_NOT_FOUND',
} as const;

export type EdgeErrorCode = (typeof EDGE_ERROR_CODES)[keyof typeof EDGE_ERROR_CODES];

export const EDGE_PUBLIC_CODES: readonly EdgeErrorCode[] = Object.values(EDGE_ERROR_CODES);

export function edgeError(code: EdgeErrorCode, message: string, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}
