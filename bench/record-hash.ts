/**
 * What hashing an access-log record costs: the library (canonicalize over the record's object, as before)
 * against the hand-written serialiser of src/audit/record-hash.ts, on a realistic record (a household
 * screen: 12 fields released with their bases, 3 withheld, a foreign operation), in the same run. Also the
 * split the chain uses: serialise once at append, link and hash in the chain's critical section; and a
 * record as the gateway serialises a request's records (its fields once per request, a decision set
 * shared by people with the same decisions).
 * Prints microseconds per record.
 *
 *   npx tsx bench/record-hash.ts [iterations]
 */
import { canonicalRecord, canonicalSubject, genesisHash, hashRecord, keepJson, linkedCanonicalJson, requestTemplate, sha256 } from '../src/audit/record-hash.ts';
import { libraryHash } from '../test/support/library-record-hash.ts';

const iterations = Number(process.argv[2] ?? 50_000);
const released = ['Household.address', 'Person.givenName', 'Person.familyName', 'Person.birthDate', 'Person.housing', 'Housing.rentArrearsMonths', 'Housing.evictionStatus', 'Person.debt', 'Debt.caseStatus', 'Debt.totalDebt', 'Person.care', 'Care.inCare'];
const record = {
  id: '019a5f2e-7c3b-7d41-9a1e-3f5b2c8d9e01', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentSpanId: 'b7ad6b7169203331',
  statusCode: 'OK', name: 'CaseScreen', startTime: new Date(), endTime: new Date(),
  foreignOperation: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: 'b7ad6b7169203331', entity: 'urn:ontschot:organisatie:wijkteam-oost' },
  resource: { 'service.name': 'ontschot-gateway', 'service.version': '0.1.0' }, processingActivityId: 'https://ontschot.example/verwerkingsactiviteiten/wijkteam-ondersteuning/v1',
  professional: 'sanne.deboer', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning',
  subjectKind: 'PERSON', subjectKey: 'a'.repeat(64), subjectEncrypted: `v1.${'x'.repeat(16)}.${'y'.repeat(40)}.${'z'.repeat(22)}`, lookups: [],
  fieldsReleased: released, fieldsWithheld: ['Care.trajectoryKind', 'Care.provider', 'Person.bsn'],
  fieldBases: Object.fromEntries(released.map((coordinate) => [coordinate, coordinate.startsWith('Care') ? 'consent:c-1' : 'wmo-wijkteam'])),
  chainId: 'd3b07384-d113-4ec2-a1b7-6a3c1c0e5f11', prevHash: genesisHash('d3b07384-d113-4ec2-a1b7-6a3c1c0e5f11'),
};
if (hashRecord(record) !== libraryHash(record)) throw new Error('the two serialisers disagree');

function timePerRecord(label: string, work: () => unknown): number {
  for (let i = 0; i < 2_000; i++) work(); // warm-up
  const started = performance.now();
  for (let i = 0; i < iterations; i++) work();
  const micros = ((performance.now() - started) * 1000) / iterations;
  console.log(`  ${label.padEnd(58)} ${micros.toFixed(2).padStart(6)} µs/record`);
  return micros;
}

console.log(`access-log record hash, ${iterations} records each (one run):`);
const library = timePerRecord('library (canonicalize + SHA-256), as before', () => libraryHash(record));
const handWritten = timePerRecord('hand-written serialiser + SHA-256 (hashRecord)', () => hashRecord(record));
const canonical = canonicalRecord(record);
timePerRecord('  of which: serialise once (canonicalRecord, at append)', () => canonicalRecord(record));
timePerRecord('  of which: link and hash (in the chain\'s critical section)', () => sha256(linkedCanonicalJson(canonical, record)));
// As the gateway writes a request's records: the request's fields serialised once, the decision set shared.
const template = requestTemplate(record);
const shared = { ...record, fieldsReleased: keepJson([...record.fieldsReleased]), fieldsWithheld: keepJson([...record.fieldsWithheld]), fieldBases: keepJson({ ...record.fieldBases }) };
if (sha256(linkedCanonicalJson(canonicalSubject(template, shared), record)) !== libraryHash(record)) throw new Error('the request template disagrees with the library');
timePerRecord('one record of a request (template, shared decision set) + SHA-256', () => sha256(linkedCanonicalJson(canonicalSubject(template, shared), record)));
console.log(`  hand-written / library: ${(handWritten / library).toFixed(2)}`);
