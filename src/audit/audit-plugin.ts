import type { ApolloServerPlugin } from '@apollo/server';
import type { PrismaClient } from '../db/generated/client.ts';
import { logger } from '../observability/logger.ts';
import type { RequestContext } from '../gateway/request-context.ts';
import { writeAuditRecords } from './audit-writer.ts';

/**
 * Writes the request's audit records before the response is sent. If that write fails, the response
 * is replaced by an AUDIT_UNAVAILABLE error without any data: no access without a trace (fail closed).
 */
export function auditPlugin(prisma: PrismaClient): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operationName }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, traceId: contextValue.traceId };
          if (contextValue.accessLog.isEmpty) return;
          try {
            await writeAuditRecords(prisma, { ...contextValue, operationName: operationName ?? undefined });
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
