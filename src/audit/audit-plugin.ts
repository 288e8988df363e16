import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { PrismaClient } from '../db/generated/client.ts';
import { logger } from '../observability/logger.ts';
import type { RequestContext } from '../request/request-context.ts';
import type { AuditChain } from './audit-chain.ts';
import { writeAuditRecords } from './audit-writer.ts';
import { foreignOperationFrom } from './foreign-operation.ts';
import { syncProcessingActivities, type ProcessingActivityRegister } from './processing-activities.ts';

/** Errors that are policy at work (a field withheld as designed), not a failed processing. */
const POLICY_CODES = new Set(['FORBIDDEN', 'PURPOSE_MISMATCH', 'NOT_INVOLVED', 'CONSENT_REQUIRED']);

/**
 * The gateway's access log. At start-up it syncs the register of processing activities with the policy
 * file's purposes; per request it sets the processing activity of the caller's purpose (before anything
 * is resolved, so upstream tokens can carry it) and writes the request's LDV records before the
 * response is sent. If that write fails, the response is replaced by an AUDIT_UNAVAILABLE error
 * without any data: no access without a trace (fail closed).
 */
export function auditPlugin(prisma: PrismaClient, purposes: ReadonlyMap<string, string>, chain: AuditChain): ApolloServerPlugin<RequestContext> {
  let register: ProcessingActivityRegister = new Map();
  return {
    async serverWillStart() {
      register = await syncProcessingActivities(prisma, purposes);
    },
    async requestDidStart({ contextValue, request }) {
      const startTime = new Date();
      contextValue.processingActivityId = register.get(contextValue.caller.purpose);
      const foreignOperation = foreignOperationFrom(request.http?.headers.get('traceparent'), contextValue.traceId, contextValue.caller.organisationId);
      contextValue.auditScope = { chain, startTime, foreignOperation };
      return {
        async willSendResponse({ contextValue, response, operationName, operation }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, traceId: contextValue.traceId };
          if (contextValue.accessLog.isEmpty) return;
          try {
            // The fields the records need, not a copy of the whole request context.
            await writeAuditRecords(chain, {
              caller: contextValue.caller,
              traceId: contextValue.traceId,
              spanId: contextValue.spanId,
              processingActivityId: contextValue.processingActivityId,
              accessLog: contextValue.accessLog,
              households: contextValue.households,
              foreignOperation,
              name: operationName ?? operation?.operation ?? 'query',
              statusCode: (result.errors ?? []).every(isPolicyError) ? 'OK' : 'ERROR',
              startTime,
              endTime: new Date(),
            });
          } catch (error) {
            logger.error({ traceId: contextValue.traceId, errorName: (error as Error)?.name }, 'audit write failed; response withheld');
            result.data = null;
            result.errors = [
              {
                message: 'The access log cannot be written; no personal data is returned',
                extensions: { code: 'AUDIT_UNAVAILABLE' },
              },
            ];
            response.http.status = 503;
          }
        },
      };
    },
  };
}

function isPolicyError(error: GraphQLFormattedError): boolean {
  return POLICY_CODES.has(String(error.extensions?.code));
}
