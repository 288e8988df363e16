import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { logger } from '../../observability/logger.ts';
import type { HubTokenClaims } from './hub-token-verifier.ts';
import { dataSubjectId } from './log-key.ts';
import type { TraceContext } from './trace-context.ts';

/**
 * The partner-side processing log (Logboek Dataverwerkingen): per request, one JSON line per data
 * subject, appended to a file the adapter never rewrites. It ties the partner's processing to the hub's
 * request (foreign_operation) without holding a BSN: the subject is an HMAC under the adapter's log key.
 *
 * Durability rule: the file stays open (flags 'a', mode 0600). A request's lines are handed to the
 * operating system in one synchronous write(2) before its answer leaves; a write that fails fails the
 * request. The file is fsynced every `fsyncEveryMs` (1 s) when something was written, and at close: a
 * crash of the adapter loses no line, a crash of the machine at most the last second. A file that fails
 * is closed and reopened on the next request.
 * Why synchronous: an append to the page cache takes a few microseconds, while an asynchronous write
 * (a trip through libuv's thread pool and back) costs ten times that in CPU on every request. Opening and
 * fsync stay asynchronous: those can wait on the disk (or on a reader, for a FIFO).
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

/**
 * Stands in for the subject id while a request's line is serialised once: random per process and never
 * written anywhere, so no claim or trace value can hold it.
 */
const SUBJECT_PLACEHOLDER = `subject-${randomBytes(16).toString('hex')}`;

const SERVICE_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export class ProcessingLog {
  private opening: Promise<FileHandle> | undefined;
  private handle: FileHandle | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private written = false;
  private closed = false;
  private readonly log = logger.child({ component: 'processing-log' });

  constructor(
    readonly file: string,
    private readonly serviceName: string,
    private readonly logKey: Buffer,
    private readonly fsyncEveryMs = 1000,
  ) {}

  /** Appends the lines of one request in one write; resolves once the OS has them, rejects when they could not be written. */
  async append(request: ProcessedRequest): Promise<void> {
    if (request.bsns.length === 0) return;
    const lines = Buffer.from(this.lines(request), 'utf8');
    const handle = this.handle ?? (await this.open());
    try {
      // A regular file takes it all at once; a pipe may take it in parts.
      for (let offset = 0; offset < lines.length; ) offset += writeSync(handle.fd, lines, offset);
    } catch (error) {
      this.log.error({ errorName: (error as Error).name, code: (error as NodeJS.ErrnoException).code }, 'processing log write failed; reopening on the next request');
      this.drop(handle);
      throw error;
    }
    this.written = true;
  }

  /** Flushes to disk and closes the file (on adapter shutdown); later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.syncTimer);
    const handle = this.handle ?? (await this.opening?.catch(() => undefined));
    this.handle = undefined;
    this.opening = undefined;
    if (!handle) return;
    try {
      if (this.written) await handle.sync().catch(ignoreUnsyncable);
    } finally {
      await handle.close();
    }
  }

  private open(): Promise<FileHandle> {
    if (this.closed) return Promise.reject(new Error('Processing log closed'));
    this.opening ??= (async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const handle = await open(this.file, 'a', 0o600);
      if (this.closed) {
        await handle.close();
        throw new Error('Processing log closed');
      }
      this.handle = handle;
      this.syncTimer ??= setInterval(() => this.sync(), this.fsyncEveryMs).unref();
      return handle;
    })().catch((error: unknown) => {
      this.opening = undefined; // the folder or the file may be there on the next request
      throw error;
    });
    return this.opening;
  }

  private sync(): void {
    const handle = this.handle;
    if (!this.written || !handle) return;
    this.written = false;
    handle.sync().catch(ignoreUnsyncable).catch((error: NodeJS.ErrnoException) => {
      this.log.error({ errorName: error.name, code: error.code }, 'processing log fsync failed; reopening');
      this.drop(handle);
    });
  }

  /** Lets a failed file go: the next request opens it anew. */
  private drop(handle: FileHandle): void {
    if (this.handle !== handle) return;
    this.handle = undefined;
    this.opening = undefined;
    handle.close().catch(() => undefined);
  }

  /**
   * One line per subject. The lines of a request differ only in the subject id: the record is serialised
   * once and each id spliced in (the same bytes as serialising each record).
   */
  private lines(request: ProcessedRequest): string {
    const template = `${JSON.stringify(this.record(request, SUBJECT_PLACEHOLDER))}\n`;
    const at = template.indexOf(SUBJECT_PLACEHOLDER);
    const before = template.slice(0, at);
    const after = template.slice(at + SUBJECT_PLACEHOLDER.length);
    let lines = '';
    // The id is hex: nothing in it needs escaping.
    for (const bsn of request.bsns) lines += before + dataSubjectId(this.logKey, bsn) + after;
    return lines;
  }

  private record(request: ProcessedRequest, subjectId: string): ProcessingLogRecord {
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
        'dpl.core.data_subject_id': subjectId,
        'ontschot.professional': claims.professional,
        'ontschot.organisation': claims.organisationId,
        'ontschot.purpose': claims.purpose,
        'ontschot.fields': [...request.fields],
      },
    };
  }
}

/** EINVAL: the file cannot be synced (a pipe, a character device); the lines are with the OS all the same. */
function ignoreUnsyncable(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EINVAL') throw error;
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
