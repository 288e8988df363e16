import type { SqlRunner } from '../db/migrate.ts';

/** Column, key in the record's JSON and SQL type of each field, in the order of the INSERT. */
const COLUMNS: readonly (readonly [column: string, key: string, type: string])[] = [
  ['id', 'id', 'text'],
  ['trace_id', 'traceId', 'text'],
  ['span_id', 'spanId', 'text'],
  ['parent_span_id', 'parentSpanId', 'text'],
  ['status_code', 'statusCode', 'text'],
  ['name', 'name', 'text'],
  // ISO strings in UTC: a timestamp without time zone, as Prisma stores DateTime.
  ['start_time', 'startTime', 'timestamp(3)'],
  ['end_time', 'endTime', 'timestamp(3)'],
  ['foreign_operation', 'foreignOperation', 'jsonb'],
  ['resource', 'resource', 'jsonb'],
  ['processing_activity_id', 'processingActivityId', 'text'],
  ['professional', 'professional', 'text'],
  ['organisation_id', 'organisationId', 'text'],
  ['roles', 'roles', 'text[]'],
  ['purpose', 'purpose', 'text'],
  ['subject_key', 'subjectKey', 'text'],
  ['subject_encrypted', 'subjectEncrypted', 'text'],
  ['subject_kind', 'subjectKind', 'text'],
  ['lookups', 'lookups', 'text[]'],
  ['fields_released', 'fieldsReleased', 'text[]'],
  ['fields_withheld', 'fieldsWithheld', 'text[]'],
  ['field_bases', 'fieldBases', 'jsonb'],
  ['break_glass_grant_id', 'breakGlassGrantId', 'text'],
  ['chain_id', 'chainId', 'text'],
  ['chain_seq', 'chainSeq', 'integer'],
  ['prev_hash', 'prevHash', 'text'],
  ['record_hash', 'recordHash', 'text'],
];

/** The canonical form leaves these out at their defaults (src/audit/record-hash.ts); the row gets them back. */
const DEFAULTS: Readonly<Record<string, string>> = { subjectKind: `'PERSON'`, lookups: `'{}'::text[]` };

const column = ([, key]: readonly [string, string, string]) => (DEFAULTS[key] ? `COALESCE(r."${key}", ${DEFAULTS[key]})` : `r."${key}"`);

/**
 * One statement with ONE parameter for any number of records: a JSON array that PostgreSQL unpacks with
 * jsonb_to_recordset. So the text never changes (prepared once per connection), a batch of many requests
 * of hundreds of people never meets the 65,535 bind-parameter limit, and nothing is serialised twice:
 * each element is the record's canonical JSON, the very bytes its hash covers, plus its sequence number
 * and hash. Sent straight to the driver (node-postgres or PGlite) rather than through Prisma: the bench
 * (bench/audit-overhead.ts) showed Prisma's createMany taking about twice as long.
 */
const INSERT = `INSERT INTO "audit_record" (${COLUMNS.map(([name]) => `"${name}"`).join(', ')})
SELECT ${COLUMNS.map(column).join(', ')}
FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS.map(([, key, type]) => `"${key}" ${type}`).join(', ')})`;

/** A record as the INSERT takes it: its canonical JSON with the sequence number and hash added. */
export function storedRecordJson(canonicalJson: string, chainSeq: number, recordHash: string): string {
  return `${canonicalJson.slice(0, -1)},"chainSeq":${chainSeq},"recordHash":"${recordHash}"}`;
}

/** Writes the records (each from storedRecordJson) in one statement: all of them or none. */
export async function insertAuditRecords(sql: SqlRunner, records: readonly string[]): Promise<void> {
  await sql.query(INSERT, [`[${records.join(',')}]`], 'audit-insert');
}
