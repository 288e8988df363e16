import type { SqlRunner } from '../db/migrate.ts';
import type { ChainLink, LdvRecord } from './record-hash.ts';

export type ChainedRecord = LdvRecord & ChainLink & { recordHash: string };

/** Column, cast and value of each field, in the order of the INSERT. */
const COLUMNS: readonly [string, string, (record: ChainedRecord) => unknown][] = [
  ['id', '', (r) => r.id],
  ['trace_id', '', (r) => r.traceId],
  ['span_id', '', (r) => r.spanId],
  ['parent_span_id', '', (r) => r.parentSpanId],
  ['status_code', '', (r) => r.statusCode],
  ['name', '', (r) => r.name],
  // ISO strings in UTC: a timestamp without time zone, as Prisma stores DateTime.
  ['start_time', '::timestamp(3)', (r) => r.startTime.toISOString()],
  ['end_time', '::timestamp(3)', (r) => r.endTime.toISOString()],
  ['foreign_operation', '::jsonb', (r) => (r.foreignOperation ? JSON.stringify(r.foreignOperation) : null)],
  ['resource', '::jsonb', (r) => JSON.stringify(r.resource)],
  ['processing_activity_id', '', (r) => r.processingActivityId],
  ['professional', '', (r) => r.professional],
  ['organisation_id', '', (r) => r.organisationId],
  ['roles', '::text[]', (r) => r.roles],
  ['purpose', '', (r) => r.purpose],
  ['subject_key', '', (r) => r.subjectKey],
  ['subject_encrypted', '', (r) => r.subjectEncrypted],
  ['subject_kind', '', (r) => r.subjectKind],
  ['lookups', '::text[]', (r) => r.lookups],
  ['fields_released', '::text[]', (r) => r.fieldsReleased],
  ['fields_withheld', '::text[]', (r) => r.fieldsWithheld],
  ['field_bases', '::jsonb', (r) => (r.fieldBases ? JSON.stringify(r.fieldBases) : null)],
  ['break_glass_grant_id', '', (r) => r.breakGlassGrantId ?? null],
  ['chain_id', '', (r) => r.chainId],
  ['chain_seq', '::integer', (r) => r.chainSeq],
  ['prev_hash', '', (r) => r.prevHash],
  ['record_hash', '', (r) => r.recordHash],
];

const COLUMN_LIST = COLUMNS.map(([column]) => `"${column}"`).join(', ');

/**
 * One INSERT statement for all records of a request, sent straight to the driver (node-postgres or
 * PGlite) rather than through Prisma: the bench (bench/audit-overhead.ts) showed Prisma's createMany
 * taking about twice as long, and its raw queries still cost noticeably more than the driver's, for the
 * same single statement. The access log sits on every request's critical path.
 */
export async function insertAuditRecords(sql: SqlRunner, records: readonly ChainedRecord[]): Promise<void> {
  const params = records.flatMap((record) => COLUMNS.map(([, , value]) => value(record)));
  const rows = records.map((_, row) => `(${COLUMNS.map(([, cast], column) => `$${row * COLUMNS.length + column + 1}${cast}`).join(', ')})`);
  // Prepared per number of rows: the same text for every request about the same number of people.
  await sql.query(`INSERT INTO "audit_record" (${COLUMN_LIST}) VALUES ${rows.join(', ')}`, params, `audit-insert-${records.length}`);
}
