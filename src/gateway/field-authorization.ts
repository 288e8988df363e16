import { defaultFieldResolver, getNamedType, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { Subject } from '../audit/access-log.ts';
import type { Decision } from '../policy/decide.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import { decideForSubject } from '../request/field-decision.ts';
import type { RequestContext } from '../request/request-context.ts';
import { logger } from '../observability/logger.ts';

/**
 * Wraps every field of the gateway schema with its policy decision. A withheld field resolves to `null`
 * with an error at its path (code FORBIDDEN, PURPOSE_MISMATCH, CONSENT_REQUIRED or CONSENT_UNAVAILABLE, with
 * the category and what would make it visible); its resolver is never called. Every decision about personal data is
 * recorded in the request's access log. Errors from partner sources become SOURCE_UNAVAILABLE.
 */
export function applyFieldAuthorization(schema: GraphQLSchema, policies: PolicySet): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName, typeName) => {
      if (typeName.startsWith('__')) return fieldConfig;
      const coordinate = `${typeName}.${fieldName}`;
      const policy = policies.fields.get(coordinate);
      const original = fieldConfig.resolve ?? defaultFieldResolver;
      const returnsObject = isObjectType(getNamedType(fieldConfig.type));
      const resolve: GraphQLFieldResolver<unknown, RequestContext> = async (parent, args, context, info) => {
        const subject = subjectOf(typeName, parent, context);
        const decision = await decideForSubject(context, coordinate, subject);
        if (subject && policy && policy.bases[0].kind !== 'none') context.accessLog.record(subject, decision);
        if (!decision.allowed) throw withheldError(decision);
        let value;
        try {
          value = await original(parent, args, context, info);
        } catch (error) {
          throw safeError(error);
        }
        if (value instanceof Error) throw safeError(value);
        if (subject && returnsObject) markSubject(value, subject, context);
        return value;
      };
      return { ...fieldConfig, resolve };
    },
  });
}

function subjectOf(typeName: string, parent: unknown, context: RequestContext): Subject | undefined {
  if (parent === null || typeof parent !== 'object') return undefined;
  const id = (parent as { id?: unknown }).id;
  if (typeName === 'Person' && typeof id === 'string') return { kind: 'person', id };
  if (typeName === 'Household' && typeof id === 'string') return { kind: 'household', id };
  return context.subjects.get(parent);
}

function markSubject(value: unknown, subject: Subject, context: RequestContext): void {
  if (Array.isArray(value)) for (const item of value) markSubject(item, subject, context);
  else if (value !== null && typeof value === 'object' && !(value instanceof Error)) context.subjects.set(value, subject);
}

function withheldError(decision: Extract<Decision, { allowed: false }>): GraphQLError {
  return new GraphQLError(decision.reason, {
    extensions: {
      code: decision.code,
      ...(decision.category ? { category: decision.category } : {}),
      ...(decision.requiredConsent ? { requiredConsent: decision.requiredConsent } : {}),
      // What would make the field visible: each basis the policy names, with its roles and purposes.
      visibleWith: decision.options.map(({ basis, roles, purposes, outcome, requiredConsent }) => ({ basis, roles, purposes, outcome, ...(requiredConsent ? { requiredConsent } : {}) })),
    },
  });
}

/**
 * What a front end may see of an error from below: partner failures as SOURCE_UNAVAILABLE with the
 * source's name only, input errors as they are (their messages are ours and hold no personal data),
 * anything else as an internal error without details.
 */
function safeError(error: unknown): GraphQLError {
  const extensions = error instanceof GraphQLError ? error.extensions : {};
  if (extensions.code === 'BAD_USER_INPUT') {
    const { argument, index } = extensions;
    return new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT', ...(argument !== undefined ? { argument } : {}), ...(index !== undefined ? { index } : {}) } });
  }
  if (typeof extensions.source === 'string') {
    return new GraphQLError(`Source '${extensions.source}' is unavailable`, { extensions: { code: 'SOURCE_UNAVAILABLE', source: extensions.source } });
  }
  logger.error({ errorName: (error as Error)?.name, code: extensions.code }, 'unexpected error while resolving a field');
  return new GraphQLError('Internal error', { originalError: error instanceof Error ? error : undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
