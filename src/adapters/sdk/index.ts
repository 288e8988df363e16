/**
 * The adapter SDK: a partner writes its contract fragment and one batch function (`defineAdapter`);
 * `startAdapter` serves it to the hub with hub-token checks (each token bound to its request body),
 * batching, validation, a time budget, opaque errors, structured logs and the processing log, which the
 * hub may read back for a subject access report (POST /processing-log/query).
 */
export { defineAdapter, type AdapterDefinition, type AdapterCallContext } from './define-adapter.ts';
export { startAdapter, createAdapterSchema, type AdapterServerOptions, type PartnerAdapterOptions } from './start-adapter.ts';
export { startGraphQLService, RequestRefusal, type GraphQLServiceOptions, type RunningGraphQLService } from './graphql-service.ts';
export { assertValidBsns, MAX_KEYS_PER_REQUEST } from './people-by-bsn.ts';
export { createHubTokenVerifier, type HubKeys, type HubTokenClaims } from './hub-token-verifier.ts';
export { sourceUnavailable, withinTimeBudget } from './partner-failure.ts';
export { selectedCoordinates, domainFieldNames } from '../../selection/selected-fields.ts';
export { readProcessingLog, type ProcessingLogRecord } from './processing-log.ts';
export { PROCESSING_LOG_QUERY_PATH, type ProcessingLogQuery, type ProcessingLogAnswer, type ProcessingLogAnswerRecord } from './processing-log-query.ts';
export { InMemoryReplayGuard, ReplayGuardUnavailable, type ReplayGuard } from './replay-guard.ts';
export { PostgresReplayGuard, type PostgresReplayGuardOptions } from './postgres-replay-guard.ts';
export { loadAdapterLogKey, dataSubjectId } from './log-key.ts';
export { traceFrom, type TraceContext } from './trace-context.ts';
export { adapterAudience } from '../../auth/upstream-token.ts';
export { contentDigest, bodyMatchesDigest, CONTENT_DIGEST_CLAIM } from '../../auth/request-digest.ts';
