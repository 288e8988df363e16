import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { readProcessingLog, type ProcessingLogRecord } from '../../src/adapters/sdk/index.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { useHubWithClient } from './hub-with-client.ts';
import type { TestHub } from '../support/hub.ts';

const QUERY = /* GraphQL */ `
  query CaseScreen($id: ID!) {
    household(id: $id) { members { givenName housing { rentArrearsMonths } debt { caseStatus } care { inCare } } }
  }
`;

/** The partner-side LDV records of every adapter, as the adapter SDK appends them (<dataDir>/ldv/*.jsonl). */
async function adapterRecords(dataDir: string): Promise<Map<string, ProcessingLogRecord[]>> {
  const folder = path.join(dataDir, 'ldv');
  const files = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.jsonl'));
  return new Map(await Promise.all(files.map(async (name) => [name, await readProcessingLog(path.join(folder, name))] as const)));
}

describeWithPostgres('trace context from the gateway record to the adapter records', (database) => {
  const setup = useHubWithClient(database);
  let hub: TestHub;
  let db: pg.Client;
  beforeAll(() => {
    hub = setup.hub();
    db = setup.db();
  });

  it("follows one query: every adapter record's foreign_operation points at the gateway record's span", async () => {
    const traceId = '5c1f0e8d7a6b4c3d2e1f0a9b8c7d6e5f';
    const callerSpan = '1a2b3c4d5e6f7081';
    const response = await hub.query(await hub.token(), QUERY, { id: 'hh-1001' }, { traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(response.status).toBe(200);

    const { rows: gatewayRecords } = await db.query('SELECT span_id, parent_span_id, processing_activity_id FROM audit_record WHERE trace_id = $1', [traceId]);
    expect(gatewayRecords.length).toBeGreaterThan(0);
    const gatewaySpan: string = gatewayRecords[0].span_id;
    expect(gatewayRecords.every((row) => row.span_id === gatewaySpan && row.parent_span_id === callerSpan)).toBe(true);

    const byAdapter = await adapterRecords(hub.dataDir);
    const linked = [...byAdapter].map(([file, records]) => [file, records.filter((record) => record.trace_id === traceId)] as const);
    // Housing, debt and GGZ each processed this request about at least one member of the household.
    expect(linked.filter(([, records]) => records.length > 0).map(([file]) => file).sort()).toHaveLength(3);
    for (const [, records] of linked) {
      for (const record of records) {
        expect(record.parent_span_id).toBe(gatewaySpan);
        expect(record.foreign_operation).toMatchObject({ trace_id: traceId, span_id: gatewaySpan });
        expect(record.span_id).toMatch(/^[0-9a-f]{16}$/);
        expect(record.span_id).not.toBe(gatewaySpan);
        expect(record.attributes['dpl.core.processing_activity_id']).toBe(gatewayRecords[0].processing_activity_id);
      }
    }
  });
});
