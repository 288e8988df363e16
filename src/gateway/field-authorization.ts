import { defaultFieldResolver, getNamedType, GraphQLError, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema, isObjectType } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { withheldError } from './withheld-error.ts';
import type { Decision } from '../policy/decide.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import { decideForFacts } from '../request/field-decision.ts';
import { subjectIdOf } from './subject-keys.ts';
import { ACCOUNTED_BY_ROOT, type Owner, type RequestContext, UNKNOWN } from '../request/request-context.ts';
import { logger } from '../observability/logger.ts';

/**
 * Root fields that return personal data of something other than a Person or Household, and whose
 * resolvers write the access records of what they return themselves (the consent API, break-the-glass, the access log
 * for privacy officers). A new root field that returns personal data
 * of anything but a Person or Household must record it and be listed here; test/gateway/public-schema.test.ts
 * keeps this list and the schema in step.
 */
export const ROOTS_RECORDING_THEIR_OWN_SUBJECTS: ReadonlySet<string> = new Set([
  'Query.consentsOf', 'Query.accessRecords', 'Query.subjectAccessReport',
  'Mutation.recordConsent', 'Mutation.confirmConsent', 'Mutation.withdrawConsent',
  'Query.breakGlassReviews', 'Mutation.declareEmergencyAccess', 'Mutation.closeBreakGlassReview',
]);

/**
 * Wraps every field of the gateway schema with its policy decision. A withheld field resolves to `null`
 * with an error at its path (code FORBIDDEN, PURPOSE_MISMATCH, NOT_INVOLVED, CONSENT_REQUIRED or CONSENT_UNAVAILABLE, with
 * the category and what would make it visible); its resolver is never called. Every decision about personal data is
 * recorded in the request's access log. Errors from partner sources become SOURCE_UNAVAILABLE.
 */
export function applyFieldAuthorization(schema: GraphQLSchema, policies: PolicySet): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName, typeName) => {
      if (typeName.startsWith('__')) return fieldConfig;
      const coordinate = `${typeName}.${fieldName}`;
      const policy = policies.fields.get(coordinate);
      // Personal data: a field whose release needs a basis. Its subject must be known, or it is withheld.
      const personal = !policy || policy.bases[0].kind !== 'none';
      const isRoot = typeName === 'Query' || typeName === 'Mutation';
      const original = fieldConfig.resolve ?? defaultFieldResolver;
      const namedType = getNamedType(fieldConfig.type);
      const returnsObject = isObjectType(namedType);
      // Person and Household objects name their own subject (ownerOf): only the objects below them are marked.
      const marksOwner = returnsObject && !NAMES_ITS_OWN_SUBJECT.has(namedType.name);

      // Person and Household objects carry the hub's id; below them the subject is inherited. What the
      // roots listed above return is accounted for by their own resolvers; any other root's objects have
      // no known subject, so their personal fields are withheld (fail closed).
      const recordsItsOwn = ROOTS_RECORDING_THEIR_OWN_SUBJECTS.has(coordinate);
      const ownerBelow = (owner: Owner | undefined): Owner => (typeof owner === 'object' ? owner : owner === ACCOUNTED_BY_ROOT || recordsItsOwn ? ACCOUNTED_BY_ROOT : UNKNOWN);
      const settle = (settled: unknown, owner: Owner | undefined, context: RequestContext) => {
        if (settled instanceof Error) throw safeError(settled);
        if (marksOwner) markOwner(settled, ownerBelow(owner), context);
        return settled;
      };

      // After the decision: record it, withhold or resolve, and name the subject of what is returned.
      const resolveDecided = (decision: Decision, owner: Owner | undefined, parent: unknown, args: Record<string, unknown>, context: RequestContext, info: GraphQLResolveInfo) => {
        if (personal && typeof owner === 'object') context.accessLog.record(owner.subject!, decision);
        if (!decision.allowed) throw withheldError(decision, info);
        let value;
        try {
          value = original(parent, args, context, info);
        } catch (error) {
          throw safeError(error);
        }
        // Resolved at once where the resolver answers at once: no promise or closure per scalar field.
        return isPromise(value) ? value.then((settled) => settle(settled, owner, context), rethrowSafe) : settle(value, owner, context);
      };

      const resolve: GraphQLFieldResolver<unknown, RequestContext> = (parent, args, context, info) => {
        // Whose data it is matters for personal data (recorded, or withheld when unknown) and for objects (passed on).
        const owner = isRoot || (!personal && !returnsObject) ? undefined : ownerOf(typeName, parent, context);
        if (owner === UNKNOWN && personal) throw unaccountable(coordinate);
        // Most fields: decided once for this kind of caller. The rest: per subject (consent, involvement),
        // at once when the subject's facts are known (pruning read them first), otherwise when they have been read.
        const decision = decideForFacts(context, coordinate, typeof owner === 'object' ? owner : undefined);
        if (!isPromise(decision)) return resolveDecided(decision, owner, parent, args, context, info);
        return decision.then((settled) => resolveDecided(settled, owner, parent, args, context, info));
      };
      return { ...fieldConfig, resolve };
    },
  });
}

/** Object types whose objects carry the hub's id of their subject (src/gateway/subject-keys.ts). */
const NAMES_ITS_OWN_SUBJECT: ReadonlySet<string> = new Set(['Person', 'Household']);

/** As graphql-js tells a promise, but without a property look-up on a string or number (most fields' values). */
function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof value === 'object' && value !== null && typeof (value as Promise<T>).then === 'function';
}

function rethrowSafe(error: unknown): never {
  throw safeError(error);
}

/**
 * Whose data an object is: for Person and Household the hub's own id (selected under a reserved response
 * key, src/gateway/subject-keys.ts); below them the subject of the object they came from; objects a root
 * resolver accounts for itself. UNKNOWN fails closed: a personal field of an object whose subject the hub
 * cannot name is withheld, never released unrecorded.
 */
function ownerOf(typeName: string, parent: unknown, context: RequestContext): Owner {
  if (parent === null || typeof parent !== 'object') return UNKNOWN;
  if (NAMES_ITS_OWN_SUBJECT.has(typeName)) {
    const id = subjectIdOf(parent);
    return id ? context.decisions.facts(typeName === 'Person' ? 'person' : 'household', id) : UNKNOWN;
  }
  return context.subjects.get(parent) ?? UNKNOWN;
}

function markOwner(value: unknown, owner: Owner, context: RequestContext): void {
  if (Array.isArray(value)) for (const item of value) markOwner(item, owner, context);
  else if (value !== null && typeof value === 'object' && !(value instanceof Error)) context.subjects.set(value, owner);
}

function unaccountable(coordinate: string): GraphQLError {
  logger.error({ coordinate }, 'personal field without a known data subject: withheld');
  return new GraphQLError('Internal error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * What a front end may see of an error from below: partner failures as SOURCE_UNAVAILABLE with the
 * source's name only, input errors and the hub's own refusals as they are (their messages are ours and
 * hold no personal data), anything else as an internal error without details.
 */
function safeError(error: unknown): GraphQLError {
  const extensions = error instanceof GraphQLError ? error.extensions : {};
  if (extensions.code === 'BAD_USER_INPUT') {
    const { argument, index } = extensions;
    return new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT', ...(argument !== undefined ? { argument } : {}), ...(index !== undefined ? { index } : {}) } });
  }
  // A change the hub's own resolver refused for who the caller is (an intake by a non-wijkteam, confirmConsent
  // by its recorder, a role check behind the policy): built with forbidden() in src/request/user-input.ts,
  // its message says who may and holds no personal data.
  if (extensions.code === 'FORBIDDEN') return new GraphQLError((error as Error).message, { extensions: { code: 'FORBIDDEN' } });
  // A change refused because its access record could not be written with it (src/audit/audited-change.ts).
  if (extensions.code === 'AUDIT_UNAVAILABLE') return new GraphQLError((error as Error).message, { extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 } } });
  if (typeof extensions.source === 'string') {
    return new GraphQLError(`Source '${extensions.source}' is unavailable`, { extensions: { code: 'SOURCE_UNAVAILABLE', source: extensions.source } });
  }
  logger.error({ errorName: (error as Error)?.name, code: extensions.code }, 'unexpected error while resolving a field');
  return new GraphQLError('Internal error', { originalError: error instanceof Error ? error : undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
