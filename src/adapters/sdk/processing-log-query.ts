import type { IncomingMessage } from 'node:http';
import { isValidBsn } from '../../domain/bsn.ts';
import type { Logger } from '../../observability/logger.ts';
import { RequestRefusal } from './graphql-service.ts';
import { HubTokenRefused, hubTokenRefusal, type HubTokenVerifier } from './hub-token-verifier.ts';
import { dataSubjectId } from './log-key.ts';
import { readProcessingLog, type ProcessingLog, type ProcessingLogRecord } from './processing-log.ts';
import { traceFrom } from './trace-context.ts';

/**
 * The adapter's read endpoint on its own processing log, for the hub's subject access report (AVG art. 15):
 * what this partner processed about one person in the hub's requests, so the resident sees the whole chain.
 *
 *   POST /processing-log/query   { "bsn": "...", "traceIds": ["<32 hex>", ...] }
 *
 * Only the hub may ask, as for GraphQL: a hub-signed token for this adapter, bound to this very body, used
 * once (the same verifier as /graphql, so one replay guard for both), with purpose privacy-toezicht and the
 * scope below. The BSN travels in the body only; the answer holds the records of those traces whose data
 * subject is that BSN (the HMAC under the adapter's log key), without the subject id and the professional,
 * at most MAX_ANSWER_RECORDS. Answering is processing too: it leaves a line in the processing log first.
 */

export const PROCESSING_LOG_QUERY_PATH = '/processing-log/query';
/** The token's `fields` claim for this endpoint: a token for a GraphQL request is useless here, and back. */
export const PROCESSING_LOG_QUERY_SCOPE = 'processing-log:query';
/** Only a privacy officer's report may read the log (the purpose of the avg-toezicht basis). */
export const PROCESSING_LOG_QUERY_PURPOSE = 'privacy-toezicht';
export const MAX_QUERY_TRACE_IDS = 500;
/** The processing-log line of answering this query (its `name`). */
export const PROCESSING_LOG_QUERY_OPERATION = 'processing-log/query';
export const MAX_ANSWER_RECORDS = 1000;

export interface ProcessingLogQuery {
  bsn: string;
  traceIds: string[];
}

/** One processing-log record as the hub gets it: no subject id, no professional. */
export type ProcessingLogAnswerRecord = Omit<ProcessingLogRecord, 'attributes'> & {
  attributes: Omit<ProcessingLogRecord['attributes'], 'dpl.core.data_subject_id' | 'ontschot.professional'>;
};

export interface ProcessingLogAnswer {
  records: ProcessingLogAnswerRecord[];
  /** True when more records matched than MAX_ANSWER_RECORDS (the oldest are given). */
  truncated: boolean;
}

const TRACE_ID = /^[0-9a-f]{32}$/;

/** Reads and checks the body; a refusal never repeats a value from it. */
export function parseProcessingLogQuery(body: string): ProcessingLogQuery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw badRequest('The body must be JSON: { "bsn": "...", "traceIds": [...] }');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('The body must be a JSON object');
  const { bsn, traceIds, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw badRequest('The body may hold only bsn and traceIds');
  if (typeof bsn !== 'string' || !isValidBsn(bsn)) throw badRequest('bsn must be 9 digits and pass the elfproef');
  if (!Array.isArray(traceIds) || traceIds.length === 0 || traceIds.length > MAX_QUERY_TRACE_IDS) {
    throw badRequest(`traceIds must be a list of 1 to ${MAX_QUERY_TRACE_IDS} trace ids`);
  }
  if (!traceIds.every((id) => typeof id === 'string' && TRACE_ID.test(id))) throw badRequest('each trace id must be 32 lower-case hex digits');
  return { bsn, traceIds: [...new Set(traceIds as string[])] };
}

/** The records of `traceIds` about the subject with this id, oldest first, at most `limit`. */
export function selectProcessingRecords(records: readonly ProcessingLogRecord[], subjectId: string, traceIds: readonly string[], limit = MAX_ANSWER_RECORDS): ProcessingLogAnswer {
  const traces = new Set(traceIds);
  const matching = records.filter((record) => traces.has(record.trace_id) && record.attributes['dpl.core.data_subject_id'] === subjectId);
  return { records: matching.slice(0, limit).map(withoutIdentities), truncated: matching.length > limit };
}

function withoutIdentities(record: ProcessingLogRecord): ProcessingLogAnswerRecord {
  const { 'dpl.core.data_subject_id': _subject, 'ontschot.professional': _professional, ...attributes } = record.attributes;
  return { ...record, attributes };
}

export interface ProcessingLogQueryDependencies {
  /** The adapter's hub-token verifier: the same instance as for /graphql (one replay guard). */
  verify: HubTokenVerifier;
  processingLog: ProcessingLog;
  logKey: Buffer;
  log: Logger;
}

/** The handler for POST /processing-log/query (routed by graphql-service.ts). */
export function createProcessingLogQueryHandler(deps: ProcessingLogQueryDependencies) {
  return async (req: IncomingMessage, bytes: Buffer): Promise<{ status: number; body: ProcessingLogAnswer }> => {
    const startedAt = new Date();
    const trace = traceFrom(req.headers.traceparent);
    let claims;
    try {
      claims = await deps.verify(req.headers.authorization, bytes);
    } catch (error) {
      deps.log.warn({ traceId: trace.traceId, reason: error instanceof HubTokenRefused ? error.reason : 'error' }, 'processing-log query refused: no valid hub token');
      throw hubTokenRefusal(error);
    }
    if (claims.purpose !== PROCESSING_LOG_QUERY_PURPOSE || !claims.fields.includes(PROCESSING_LOG_QUERY_SCOPE)) {
      deps.log.warn({ traceId: trace.traceId }, 'processing-log query refused: token not for reading the processing log');
      throw new RequestRefusal(403, 'FORBIDDEN', 'The hub token does not allow reading the processing log');
    }
    const query = parseProcessingLogQuery(bytes.toString('utf8'));
    const answer = selectProcessingRecords(await readProcessingLog(deps.processingLog.file), dataSubjectId(deps.logKey, query.bsn), query.traceIds);
    try {
      await deps.processingLog.append({ operation: PROCESSING_LOG_QUERY_OPERATION, ok: true, startedAt, endedAt: new Date(), trace, claims, bsns: [query.bsn], fields: [] });
    } catch {
      // No record of this read, no answer (the log must be written before anything is handed out).
      deps.log.error({ traceId: trace.traceId }, 'processing-log query: could not record the read');
      throw new RequestRefusal(503, 'PROCESSING_LOG_UNAVAILABLE', 'The processing log could not be written');
    }
    deps.log.info({ traceId: trace.traceId, records: answer.records.length, truncated: answer.truncated }, 'processing-log query answered');
    return { status: 200, body: answer };
  };
}

function badRequest(message: string): RequestRefusal {
  return new RequestRefusal(400, 'BAD_REQUEST', message);
}
