import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { AccessOption, Decision } from '../policy/decide.ts';
import { decideForSubject } from '../request/field-decision.ts';
import type { RequestContext } from '../request/request-context.ts';
import { missedLookupKey } from '../audit/missed-lookup.ts';

const SDL = readFileSync(new URL('../../schema/access-explanation.graphql', import.meta.url), 'utf8');

/**
 * `explainAccess(personId, field)`: the same decision trace a withheld field carries in its error, for one
 * field of one person, decided by the same code as a real query, without asking a partner for data.
 */
export function createExplainAccessSubschema() {
  return makeExecutableSchema<RequestContext>({
    typeDefs: SDL,
    resolvers: {
      Query: {
        explainAccess: async (_root, args: { personId: string; field: string }, context) => {
          if (!context.policies.fields.has(args.field)) {
            throw badInput('Unknown field: give it as Type.field, as in the public schema (for example Care.inCare)', 'field');
          }
          const person = await context.households.person.load(args.personId);
          if (!person) {
            // Asking about an id is a look-up too: the miss is on record, under the id's keyed hash.
            context.accessLog.recordKeyed(missedLookupKey(context.protector, 'PERSON_ID', args.personId), 'Query.explainAccess');
            throw badInput('Unknown person id', 'personId');
          }
          context.accessLog.recordLookup({ kind: 'person', id: person.id }, 'Query.explainAccess');
          return explanation(context, await decideForSubject(context, args.field, { kind: 'person', id: person.id }));
        },
      },
    },
  });
}

function explanation(context: RequestContext, decision: Decision) {
  return {
    field: decision.coordinate,
    category: decision.category ?? null,
    visible: decision.allowed,
    code: decision.allowed ? null : decision.code,
    reason: decision.allowed ? null : decision.reason,
    releasedOn: decision.allowed ? decision.basis : null,
    consentId: decision.allowed ? (decision.consentId ?? null) : null,
    options: decision.options.map((option: AccessOption) => ({
      ...option,
      kind: option.kind.toUpperCase(),
      description: option.kind === 'legal' ? (context.policies.legalBases.get(option.basis)?.description ?? null) : null,
      requiredConsent: option.requiredConsent ?? null,
      requiredInvolvement: option.requiredInvolvement ?? null,
    })),
  };
}

function badInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
}
