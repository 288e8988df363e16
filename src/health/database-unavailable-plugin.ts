import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { logger } from '../observability/logger.ts';
import { isDatabaseUnavailable } from './database-failure.ts';

export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

/**
 * A request whose own database reads failed (household, people, involvement) answers 503
 * DATABASE_UNAVAILABLE without data, instead of 200 with a null household and an internal error:
 * a front end must not read "no such household", and a load balancer must see the failure.
 *
 * Only errors the hub did not already phrase count: a failed consent read is withheld per field as
 * CONSENT_UNAVAILABLE by design (fail closed, the rest is returned), a failed access-log write is
 * AUDIT_UNAVAILABLE (src/audit/audit-plugin.ts).
 */
export function databaseUnavailablePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let failed = false;
      return {
        async didEncounterErrors({ errors }) {
          failed ||= errors.some((error: GraphQLError) => isUnphrased(error) && isDatabaseUnavailable(error));
        },
        async willSendResponse({ response }) {
          if (!failed || response.body.kind !== 'single') return;
          logger.error('database unavailable; response withheld');
          const result = response.body.singleResult;
          result.data = null;
          result.errors = [{ message: 'The hub cannot read its database; try again later', extensions: { code: DATABASE_UNAVAILABLE } }];
          response.http.status = 503;
          response.http.headers.set('retry-after', '5');
        },
      };
    },
  };
}

/** Errors without a code of the hub's own (those would reach the caller as INTERNAL_SERVER_ERROR). */
function isUnphrased(error: GraphQLError): boolean {
  const code = error.extensions?.code;
  return code === undefined || code === 'INTERNAL_SERVER_ERROR';
}
