import type { Logger } from '../../observability/logger.ts';
import type { HubTokenClaims } from './hub-token-verifier.ts';
import type { ProcessingLog } from './processing-log.ts';
import type { TraceContext } from './trace-context.ts';

/** What one verified adapter request carries into its resolvers (a type alias: graphql-http wants a record). */
export type AdapterRequestContext = {
  claims: HubTokenClaims;
  trace: TraceContext;
  timeBudgetMs: number;
  processingLog: ProcessingLog;
  log: Logger;
};
