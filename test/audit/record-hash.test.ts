import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, canonicalSubject, genesisHash, hashRecord, keepDecisionSet, keepJson, linkedCanonicalJson, requestTemplate, sha256, type ChainLink, type LdvRecord } from '../../src/audit/record-hash.ts';
import { libraryHash } from '../support/library-record-hash.ts';

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

/** Text with what JSON escapes: quotes, backslashes, control characters; and surrogate pairs (whole). */
const text = fc.string({
  unit: fc.oneof(
    { arbitrary: fc.constantFrom('a', 'Z', '0', '.', ' ', 'ë', 'ş', '€', '\u2028', '\u007f', '😀'), weight: 8 },
    { arbitrary: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\t'), weight: 1 },
  ),
  maxLength: 12,
});
const orNull = <T,>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const stringMap = fc.dictionary(text, text, { maxKeys: 4 });
/** What a tampered row read back by the verifier may hold where a string or string map is expected. */
const oddValue = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.oneof(text, fc.integer()), { maxLength: 3 }), fc.dictionary(text, fc.oneof(text, fc.integer(), fc.constant(null))));
const date = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });

const generatedRecord = fc.record({
  id: text, traceId: text, spanId: orNull(text), parentSpanId: orNull(text), statusCode: text, name: text, startTime: date, endTime: date,
  foreignOperation: fc.oneof(fc.constant(null), fc.record({ trace_id: text, span_id: text, entity: text }), oddValue),
  resource: fc.oneof(stringMap, oddValue),
  processingActivityId: orNull(text), professional: text, organisationId: text, roles: fc.oneof(fc.array(text, { maxLength: 3 }), oddValue), purpose: text,
  subjectKind: fc.oneof(fc.constant('PERSON'), fc.constant(''), text), subjectKey: text, subjectEncrypted: text,
  lookups: fc.oneof(fc.constant([]), fc.array(text, { maxLength: 3 })),
  fieldsReleased: fc.array(text, { maxLength: 4 }), fieldsWithheld: fc.array(text, { maxLength: 4 }), fieldBases: fc.oneof(fc.constant(null), stringMap, oddValue),
  breakGlassGrantId: fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant(''), text),
  chainId: text, prevHash: text,
}, { requiredKeys: ['id', 'traceId', 'spanId', 'parentSpanId', 'statusCode', 'name', 'startTime', 'endTime', 'foreignOperation', 'resource', 'processingActivityId', 'professional', 'organisationId', 'roles', 'purpose', 'subjectKind', 'subjectKey', 'subjectEncrypted', 'lookups', 'fieldsReleased', 'fieldsWithheld', 'fieldBases', 'chainId', 'prevHash'] }) as fc.Arbitrary<LdvRecord & Omit<ChainLink, 'chainSeq'>>;

const outcome = (hash: () => string) => {
  try {
    return hash();
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
};

describe('the hand-written canonical serialiser', () => {
  it('gives the hash the library gives on generated records, also of shapes only a tampered row has', () => {
    fc.assert(fc.property(generatedRecord, (record) => {
      expect(hashRecord(record)).toBe(libraryHash(record));
    }), { numRuns: 3000 });
  });

  it('refuses a lone surrogate anywhere, as the library does (it cannot be stored as UTF-8 and read back the same)', () => {
    const textFields = ['id', 'traceId', 'name', 'professional', 'purpose', 'subjectKey', 'chainId', 'prevHash'] as const;
    const loneSurrogate = fc.tuple(text, fc.constantFrom('\ud83d', '\ude00'), text).map((parts) => parts.join(''));
    fc.assert(fc.property(generatedRecord, fc.constantFrom(...textFields), loneSurrogate, (record, field, value) => {
      const poisoned = { ...record, [field]: value };
      expect(outcome(() => hashRecord(poisoned))).toBe(outcome(() => libraryHash(poisoned)));
      expect(outcome(() => hashRecord(poisoned))).toMatch(/^refused/);
    }), { numRuns: 300 });
  });

  it('gives the library\'s hash for every record of a request from the request\'s template, the shared fields serialised once', () => {
    fc.assert(fc.property(generatedRecord, fc.array(generatedRecord, { minLength: 1, maxLength: 4 }), (request, subjects) => {
      const template = requestTemplate(request);
      for (const subject of subjects) {
        // The record as stored: the request's fields with this subject's own (and its own place in the chain).
        const record = { ...subject, traceId: request.traceId, spanId: request.spanId, parentSpanId: request.parentSpanId, statusCode: request.statusCode, name: request.name,
          startTime: request.startTime, endTime: request.endTime, foreignOperation: request.foreignOperation, resource: request.resource,
          processingActivityId: request.processingActivityId, professional: request.professional, organisationId: request.organisationId, roles: request.roles, purpose: request.purpose };
        expect(outcome(() => sha256(linkedCanonicalJson(canonicalSubject(template, subject), subject)))).toBe(outcome(() => libraryHash(record)));
      }
    }), { numRuns: 1000 });
  });

  it('gives the library\'s hash for values whose JSON is kept (keepJson), also when serialised again from what it kept', () => {
    const kept = (value: unknown) => (value !== null && typeof value === 'object' ? keepJson(structuredClone(value)) : value);
    fc.assert(fc.property(generatedRecord, (generated) => {
      const record = { ...generated, lookups: kept(generated.lookups), fieldsReleased: kept(generated.fieldsReleased), fieldsWithheld: kept(generated.fieldsWithheld), fieldBases: kept(generated.fieldBases) } as typeof generated;
      expect(outcome(() => hashRecord(record))).toBe(outcome(() => libraryHash(record)));
      const again = { ...record, id: `${record.id}-2` };
      expect(outcome(() => hashRecord(again))).toBe(outcome(() => libraryHash(again)));
    }), { numRuns: 1000 });
  });

  it('keeps no JSON of a value not handed to keepJson: a frozen map with an accessor, an array not frozen', () => {
    let basis = 'wmo-wijkteam';
    const fieldBases = Object.freeze(Object.defineProperty({}, 'Person.givenName', { get: () => basis, enumerable: true })) as Record<string, string>;
    const record = { ...RECORD, fieldBases };
    const first = hashRecord(record);
    basis = 'consent:c-9';
    expect(hashRecord(record)).not.toBe(first);
    expect(hashRecord(record)).toBe(libraryHash(record));
    const fieldsReleased = ['Person.givenName'];
    const open = { ...RECORD, fieldsReleased };
    const before = hashRecord(open);
    fieldsReleased.push('Person.bsn');
    expect(hashRecord(open)).not.toBe(before);
    expect(hashRecord(open)).toBe(libraryHash(open));
  });

  it('gives the library\'s hash for decision sets put together from remembered field and basis JSON, the same texts met again and again', () => {
    // Few distinct texts, so most are met again (the remembered JSON), also texts of one length that differ.
    const field = fc.oneof(fc.constantFrom('Person.givenName', 'Care.inCare', 'a"b', 'a\\b', 'ab\n', '😀', '__proto__', 'constructor'), text);
    const decisions = fc.tuple(fc.array(fc.tuple(field, field), { maxLength: 6 }), fc.array(field, { maxLength: 4 }));
    fc.assert(fc.property(generatedRecord, decisions, (record, [released, withheld]) => {
      const set = keepDecisionSet(new Map(released), new Set(withheld));
      const decided = { ...record, ...set };
      expect(outcome(() => hashRecord(decided))).toBe(outcome(() => libraryHash(decided)));
      expect(set.fieldsReleased).toEqual([...new Map(released).keys()].sort());
      expect(Object.isFrozen(set.fieldsReleased) && Object.isFrozen(set.fieldsWithheld) && Object.isFrozen(set.fieldBases)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('freezes what keepJson keeps, so its kept JSON cannot go stale', () => {
    const fieldsReleased = keepJson(['Person.givenName']);
    expect(() => (fieldsReleased as string[]).push('Person.bsn')).toThrow();
  });

  it('produces exactly the library\'s canonical bytes, with the chain link filled in where it belongs', () => {
    const json = linkedCanonicalJson(canonicalRecord(RECORD), RECORD);
    expect(JSON.parse(json)).toMatchObject({ chainId: 'gateway', prevHash: RECORD.prevHash });
    expect(createHash('sha256').update(json, 'utf8').digest('hex')).toBe(libraryHash(RECORD));
  });
});
