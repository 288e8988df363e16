import { describe, expect, it } from 'vitest';
import { MAX_QUERY_TRACE_IDS, parseProcessingLogQuery, selectProcessingRecords } from '../../../src/adapters/sdk/processing-log-query.ts';
import { RequestRefusal } from '../../../src/adapters/sdk/graphql-service.ts';
import type { ProcessingLogRecord } from '../../../src/adapters/sdk/processing-log.ts';

// The endpoint over real HTTP, with real hub tokens, is tested in test/audit/subject-access-report.test.ts.

const trace = (n: number) => n.toString(16).padStart(32, '0');
function line(traceId: string, subject: string, n: number): ProcessingLogRecord {
  return {
    trace_id: traceId, span_id: 'a'.repeat(16), parent_span_id: 'b'.repeat(16), name: 'peopleByBsn', status_code: 'OK',
    start_time: new Date(n * 1000).toISOString(), end_time: new Date(n * 1000 + 5).toISOString(),
    foreign_operation: null, resource: { 'service.name': 'housing-adapter', 'service.version': '1' },
    attributes: { 'dpl.core.processing_activity_id': null, 'dpl.core.data_subject_id': subject, 'ontschot.professional': 'sanne.deboer', 'ontschot.organisation': 'wijkteam-oost', 'ontschot.purpose': 'wijkteam-ondersteuning', 'ontschot.fields': ['Person.housing'] },
  };
}

describe('selecting processing-log records for one subject', () => {
  const log = [line(trace(1), 'linda', 1), line(trace(1), 'sem', 2), line(trace(2), 'linda', 3), line(trace(3), 'linda', 4)];

  it('gives only the asked traces of that subject, without subject id or professional', () => {
    const answer = selectProcessingRecords(log, 'linda', [trace(1), trace(3)]);
    expect(answer.truncated).toBe(false);
    expect(answer.records.map((record) => record.trace_id)).toEqual([trace(1), trace(3)]);
    expect(JSON.stringify(answer)).not.toMatch(/linda|sanne|data_subject_id/);
  });

  it('hands out at most the limit, oldest first, and says it left some out', () => {
    const answer = selectProcessingRecords(log, 'linda', [trace(1), trace(2), trace(3)], 2);
    expect(answer).toMatchObject({ truncated: true });
    expect(answer.records.map((record) => record.trace_id)).toEqual([trace(1), trace(2)]);
  });
});

describe('reading the query body', () => {
  it('takes a valid BSN and trace ids, once each', () => {
    expect(parseProcessingLogQuery(JSON.stringify({ bsn: '999918369', traceIds: [trace(1), trace(1)] }))).toEqual({ bsn: '999918369', traceIds: [trace(1)] });
  });

  it(`refuses more than ${MAX_QUERY_TRACE_IDS} trace ids, and upper-case or short ones`, () => {
    const tooMany = Array.from({ length: MAX_QUERY_TRACE_IDS + 1 }, (_, n) => trace(n + 1));
    for (const traceIds of [tooMany, [trace(1).toUpperCase().replace(/0/g, 'A')], ['abc']]) {
      expect(() => parseProcessingLogQuery(JSON.stringify({ bsn: '999918369', traceIds }))).toThrow(RequestRefusal);
    }
  });
});
