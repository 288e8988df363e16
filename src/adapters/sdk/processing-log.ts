import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HubTokenClaims } from './hub-token-verifier.ts';
import { dataSubjectId } from './log-key.ts';
import type { TraceContext } from './trace-context.ts';

/**
 * The partner-side processing log (Logboek Dataverwerkingen): per request, one JSON line per data
 * subject, appended to a file the adapter never rewrites. It ties the partner's processing to the hub's
 * request (foreign_operation) without holding a BSN: the subject is an HMAC under the adapter's log key.
 */

export interface ProcessingLogRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  status_code: 'OK' | 'ERROR';
  start_time: string;
  end_time: string;
  foreign_operation: { trace_id: string; span_id: string; entity: string } | null;
  resource: { 'service.name': string; 'service.version': string };
  attributes: {
    'dpl.core.processing_activity_id': string | null;
    'dpl.core.data_subject_id': string;
    'ontschot.professional': string;
    'ontschot.organisation': string;
    'ontschot.purpose': string;
    'ontschot.fields': string[];
  };
}

/** One processed request: who asked (token), in which trace, about whom, for which fields, with what outcome. */
export interface ProcessedRequest {
  operation: string;
  ok: boolean;
  startedAt: Date;
  endedAt: Date;
  trace: TraceContext;
  claims: HubTokenClaims;
  bsns: readonly string[];
  fields: readonly string[];
}

const SERVICE_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export class ProcessingLog {
  private ready: Promise<unknown> | undefined;

  constructor(
    readonly file: string,
    private readonly serviceName: string,
    private readonly logKey: Buffer,
  ) {}

  /** Appends the lines of one request in one write; rejects when they could not be written. */
  async append(request: ProcessedRequest): Promise<void> {
    if (request.bsns.length === 0) return;
    this.ready ??= mkdir(path.dirname(this.file), { recursive: true });
    await this.ready;
    const lines = request.bsns.map((bsn) => `${JSON.stringify(this.record(request, bsn))}\n`).join('');
    await appendFile(this.file, lines, { flag: 'a', mode: 0o600 });
  }

  private record(request: ProcessedRequest, bsn: string): ProcessingLogRecord {
    const { trace, claims } = request;
    return {
      trace_id: trace.traceId,
      span_id: trace.spanId,
      parent_span_id: trace.parentSpanId,
      name: request.operation,
      status_code: request.ok ? 'OK' : 'ERROR',
      start_time: request.startedAt.toISOString(),
      end_time: request.endedAt.toISOString(),
      foreign_operation: trace.parentSpanId === null ? null : { trace_id: trace.traceId, span_id: trace.parentSpanId, entity: claims.issuer },
      resource: { 'service.name': this.serviceName, 'service.version': SERVICE_VERSION },
      attributes: {
        'dpl.core.processing_activity_id': claims.processingActivityId,
        'dpl.core.data_subject_id': dataSubjectId(this.logKey, bsn),
        'ontschot.professional': claims.professional,
        'ontschot.organisation': claims.organisationId,
        'ontschot.purpose': claims.purpose,
        'ontschot.fields': [...request.fields],
      },
    };
  }
}

/** All records of a processing log file (an absent file has none). */
export async function readProcessingLog(file: string): Promise<ProcessingLogRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as ProcessingLogRecord);
}
