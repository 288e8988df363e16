import type { SqlRunner } from '../db/migrate.ts';

/**
 * Column, key in the JSON and SQL type of each field, in the order of the INSERT, and where its value
 * comes from: the request (the same for all its records, sent once), the record, or the statement (its chain).
 */
const COLUMNS: readonly (readonly [column: string, key: string, type: string, from: 'request' | 'record' | 'decision' | 'chain'])[] = [
  ['id', 'id', 'text', 'record'],
  ['trace_id', 'traceId', 'text', 'request'],
  ['span_id', 'spanId', 'text', 'request'],
  ['parent_span_id', 'parentSpanId', 'text', 'request'],
  ['status_code', 'statusCode', 'text', 'request'],
  ['name', 'name', 'text', 'request'],
  // ISO strings in UTC: a timestamp without time zone, as Prisma stores DateTime.
  ['start_time', 'startTime', 'timestamp(3)', 'request'],
  ['end_time', 'endTime', 'timestamp(3)', 'request'],
  ['foreign_operation', 'foreignOperation', 'jsonb', 'request'],
  ['resource', 'resource', 'jsonb', 'request'],
  ['processing_activity_id', 'processingActivityId', 'text', 'request'],
  ['professional', 'professional', 'text', 'request'],
  ['organisation_id', 'organisationId', 'text', 'request'],
  ['roles', 'roles', 'text[]', 'request'],
  ['purpose', 'purpose', 'text', 'request'],
  ['subject_key', 'subjectKey', 'text', 'record'],
  ['subject_encrypted', 'subjectEncrypted', 'text', 'record'],
  ['subject_kind', 'subjectKind', 'text', 'record'],
  ['lookups', 'lookups', 'text[]', 'record'],
  ['fields_released', 'fieldsReleased', 'text[]', 'decision'],
  ['fields_withheld', 'fieldsWithheld', 'text[]', 'decision'],
  ['field_bases', 'fieldBases', 'jsonb', 'decision'],
  ['break_glass_grant_id', 'breakGlassGrantId', 'text', 'record'],
  ['chain_id', 'chainId', 'text', 'chain'],
  ['chain_seq', 'chainSeq', 'integer', 'record'],
  ['prev_hash', 'prevHash', 'text', 'record'],
  ['record_hash', 'recordHash', 'text', 'record'],
];

/** The canonical form leaves these out at their defaults (src/audit/record-hash.ts); the row gets them back. */
const DEFAULTS: Readonly<Record<string, string>> = { subjectKind: `'PERSON'`, lookups: `'{}'::text[]` };

const value = ([, key, , from]: (typeof COLUMNS)[number]): string => {
  if (from === 'chain') return '$2::text';
  const field = `${{ request: 'q', record: 'r', decision: 's' }[from]}."${key}"`;
  return DEFAULTS[key] ? `COALESCE(${field}, ${DEFAULTS[key]})` : field;
};
const recordsetOf = (from: 'request' | 'record' | 'decision') => COLUMNS.filter((column) => column[3] === from).map(([, key, type]) => `"${key}" ${type}`).join(', ');

/**
 * One statement for any number of records of any number of requests, with two parameters: the chain's
 * id and one JSON array that PostgreSQL unpacks with jsonb_to_record(set). Each element is a request:
 * its shared fields once (`request`), the distinct decision sets of its people (`sets`: released fields,
 * their bases, withheld fields), and its `records`, each holding only what is its own and the index of
 * its decision set. So the text never changes (prepared once per connection), a group of many requests
 * of hundreds of people never meets the 65,535 bind-parameter limit, and what records share is sent and
 * parsed once rather than once per record. A request's decision sets are taken out of it once (`d`; the
 * `OFFSET 0` keeps PostgreSQL from folding that back into every record's row, which copied all of the
 * request's sets per record: a quarter of the server's CPU for a request of 700 people, bench/access-log-request.ts
 * --postgres). The values are the canonical JSON the records' hashes cover. Sent straight
 * to the driver (node-postgres or PGlite) rather than through Prisma: the bench (bench/audit-overhead.ts)
 * showed Prisma's createMany taking about twice as long.
 */
const INSERT = `INSERT INTO "audit_record" (${COLUMNS.map(([name]) => `"${name}"`).join(', ')})
SELECT ${COLUMNS.map(value).join(', ')}
FROM jsonb_array_elements($1::jsonb) AS g(request)
CROSS JOIN LATERAL jsonb_to_record(g.request -> 'request') AS q(${recordsetOf('request')})
CROSS JOIN LATERAL (SELECT g.request -> 'sets' AS sets OFFSET 0) AS d
CROSS JOIN LATERAL jsonb_to_recordset(g.request -> 'records') AS r("set" integer, ${recordsetOf('record')})
CROSS JOIN LATERAL jsonb_to_record(d.sets -> r."set") AS s(${recordsetOf('decision')})`;

/** A request's records as the INSERT takes them. */
export interface InsertRequest {
  /** The request's own fields, one JSON object (RequestTemplate.requestJson). */
  requestJson: string;
  /** The distinct decision sets of its records, one JSON object each (`{` CanonicalRecord.decisionMembers `}`). */
  sets: readonly string[];
  /** Each record's subject fields, decision set and place in the chain, one JSON object each (storedRecordJson). */
  records: string[];
}

/** A record as the INSERT takes it: its subject's fields (CanonicalRecord.subjectMembers), its decision set's index, its place in the chain. */
export function storedRecordJson(subjectMembers: string, set: number, chainSeq: number, prevHash: string, recordHash: string): string {
  return `{"set":${set},"chainSeq":${chainSeq},"prevHash":"${prevHash}","recordHash":"${recordHash}"${subjectMembers ? `,${subjectMembers}` : ''}}`;
}

/** Writes the records of these requests on chain `chainId` in one statement: all of them or none. */
export async function insertAuditRecords(sql: SqlRunner, chainId: string, requests: readonly InsertRequest[]): Promise<void> {
  let json = '[';
  for (let index = 0; index < requests.length; index++) {
    const { requestJson, sets, records } = requests[index];
    json += `${index > 0 ? ',' : ''}{"request":${requestJson},"sets":[${sets.join(',')}],"records":[${records.join(',')}]}`;
  }
  await sql.query(INSERT, [`${json}]`, chainId], 'audit-insert');
}
