import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { selectedCoordinates } from '../selection/selected-fields.ts';
import { readConsentsWithStanding } from '../involvement/standing-loader.ts';
import type { CallerDecisions } from '../request/static-decisions.ts';
import type { RequestContext } from '../request/request-context.ts';
import { readHouseholdsAhead } from '../households/household-read-ahead.ts';
import { householdIdsAsked } from './household-ids-asked.ts';

/**
 * Before execution, prepares the request's standing read (src/involvement/standing-loader.ts):
 *  - when the query selects a field whose decision depends on consent (for this kind of caller), the
 *    consents are read in the same statement as where the caller stands: one round trip fewer;
 *  - when it selects a field that depends on involvement and asks for households by id
 *    (`household(id)`, `households(ids)`), that statement starts now and reads the households and
 *    their members as well (src/households/household-read-ahead.ts): the resolvers and
 *    the first decision then find them read or under way, one round trip in all.
 * A query without such fields reads no consents, and no standing ahead. A failed read is not lost: the
 * loaders keep it, and the resolvers and decisions that need it fail closed on it as before.
 */
export function readAheadPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue, operation, request }) {
          const needs = needsOf(schema, document, contextValue);
          if (needs.consents) readConsentsWithStanding(contextValue.standing);
          if (!needs.standing || operation?.operation !== 'query') return;
          const ids = householdIdsAsked(operation, request.variables);
          if (ids.length > 0) readHouseholdsAhead(contextValue, ids);
        },
      };
    },
  };
}

/** What the decisions of a document's fields will read, for one kind of caller. */
interface ReadNeeds {
  consents: boolean;
  standing: boolean;
}

/**
 * Worked out once per parsed document (Apollo's document store hands every request of a query the same
 * one) and caller table (one per kind of caller and policy set, src/request/static-decisions.ts).
 */
const needsByDocument = new WeakMap<DocumentNode, WeakMap<CallerDecisions, ReadNeeds>>();

function needsOf(schema: GraphQLSchema, document: DocumentNode, { policies, callerDecisions: decisions }: RequestContext): ReadNeeds {
  let byCaller = needsByDocument.get(document);
  if (!byCaller) {
    byCaller = new WeakMap();
    needsByDocument.set(document, byCaller);
  }
  let needs = byCaller.get(decisions);
  if (!needs) {
    // Only fields with a policy: the caller's table keeps an entry per field it is asked about.
    const withPolicy = selectedCoordinates(schema, document).filter((coordinate) => policies.fields.has(coordinate));
    const dependences = withPolicy.map((coordinate) => decisions.dependence(coordinate));
    needs = { consents: dependences.some((dependence) => dependence.onConsent), standing: dependences.some((dependence) => dependence.onInvolvement) };
    byCaller.set(decisions, needs);
  }
  return needs;
}
