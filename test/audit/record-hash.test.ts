import { describe, expect, it } from 'vitest';
import { genesisHash, hashRecord } from '../../src/audit/record-hash.ts';

/**
 * Access-log chains written before canonicalize@5 was replaced by canonicalize@4 (which runs on Node 20)
 * must still verify. The expected hashes below were computed with canonicalize@5.1.0; a library change
 * that alters the canonical form of a record breaks every existing chain, and this test.
 */
const RECORD = {
  id: '019a5f2e-7c3b-7d41-9a1e-3f5b2c8d9e01',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentSpanId: null,
  statusCode: 'OK',
  name: 'HouseholdView',
  startTime: new Date('2026-11-24T10:15:30.123Z'),
  endTime: new Date('2026-11-24T10:15:30.456Z'),
  foreignOperation: { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', entity: 'https://wijkteam.example/ëntity' },
  resource: { 'service.name': 'ontschot-gateway', 'service.version': '0.1.0' },
  processingActivityId: 'https://register.example/verwerkingen/wijkteam-ondersteuning/1',
  professional: 'sanne.deboer',
  organisationId: 'wijkteam-oost',
  roles: ['wijkcoach'],
  purpose: 'wijkteam-ondersteuning',
  subjectKey: 'a'.repeat(64),
  subjectEncrypted: 'v1.aXY.Y2lwaGVy.dGFn',
  // Their defaults: left out of the canonical form, so records from before these fields keep their hash.
  subjectKind: 'PERSON',
  lookups: [] as string[],
  fieldsReleased: ['Person.givenName', 'Housing.rentArrearsMonths', 'Ayşe 😀'],
  fieldsWithheld: ['Care.inCare'],
  fieldBases: { 'Person.givenName': 'wmo-wijkteam', 'Care.inCare': 'consent:5b0e' },
  chainId: 'gateway',
  prevHash: genesisHash('gateway'),
};

describe('access-log record hash', () => {
  it('is the one canonicalize@5 gave, so chains written before the switch still verify', () => {
    expect(genesisHash('gateway')).toBe('c76d76505ed598e4b0ae6994198fe7195f260fb83e12c2147606a396e514b622');
    expect(hashRecord(RECORD)).toBe('4c34b19468633ca039390b6f1276789fe21232a6c983f9e85242a3d685771b06');
  });

  it('changes when any covered field changes', () => {
    expect(hashRecord({ ...RECORD, fieldsReleased: ['Person.givenName'] })).not.toBe(hashRecord(RECORD));
    expect(hashRecord({ ...RECORD, startTime: new Date('2026-11-24T10:15:30.124Z') })).not.toBe(hashRecord(RECORD));
  });

  it('covers the subject kind and the look-ups once they differ from their defaults', () => {
    const miss = { ...RECORD, subjectKind: 'BSN', lookups: ['Query.personByBsn'] };
    expect(hashRecord(miss)).not.toBe(hashRecord(RECORD));
    // Turning a recorded miss back into an ordinary person record, or dropping its look-up, breaks its hash.
    expect(hashRecord({ ...miss, subjectKind: 'PERSON' })).not.toBe(hashRecord(miss));
    expect(hashRecord({ ...miss, lookups: [] })).not.toBe(hashRecord(miss));
  });
});
