import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { selectedCoordinates } from '../adapters/sdk/selected-fields.ts';
import { readConsentsWithStanding } from '../involvement/standing-loader.ts';
import type { RequestContext } from '../request/request-context.ts';

/**
 * When a query selects a field whose decision depends on consent (for this kind of caller), its
 * request reads the consents in the same statement as where the caller stands
 * (src/involvement/standing-loader.ts): one round trip fewer for a case screen. A query without such a
 * field reads no consents at all. The fields a document selects are worked out once per parsed
 * document (Apollo's document store hands every request of a query the same one).
 */
export function consentsWithStandingPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue }) {
          if (selectsConsentField(contextValue, coordinatesOf(schema, document))) readConsentsWithStanding(contextValue.standing);
        },
      };
    },
  };
}

const coordinates = new WeakMap<DocumentNode, readonly string[]>();

function coordinatesOf(schema: GraphQLSchema, document: DocumentNode): readonly string[] {
  let selected = coordinates.get(document);
  if (!selected) {
    selected = selectedCoordinates(schema, document);
    coordinates.set(document, selected);
  }
  return selected;
}

function selectsConsentField(context: RequestContext, selected: readonly string[]): boolean {
  // Only fields with a policy: the caller's table keeps an entry per field it is asked about.
  return selected.some((coordinate) => context.policies.fields.has(coordinate) && context.callerDecisions.dependence(coordinate).onConsent);
}
