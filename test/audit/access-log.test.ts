/**
 * The access log's records per subject (src/audit/access-log.ts, src/audit/audit-writer.ts): people
 * about whom the same decisions were made share one decision set, yet every record says exactly what
 * the log said per person before sharing (test/support/reference-ldv-records.ts), on generated requests
 * with shared and unshared decision objects, repeated and contradicting decisions, household fields
 * counted for members, look-ups, break-the-glass grants and keyed reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessLog, type Subject } from '../../src/audit/access-log.ts';
import { buildLdvRecords, buildRequestRecords, type AuditedRequest } from '../../src/audit/audit-writer.ts';
import type { HouseholdLoaders, PersonRow } from '../../src/households/household-loaders.ts';
import type { Decision } from '../../src/policy/decide.ts';
import { referenceSubjectRecords, type AccessCall } from '../support/reference-ldv-records.ts';

const person = (id: string, householdId: string): PersonRow => ({
  id, householdId, bsnHash: `hash-${id}`, bsnEncrypted: `v1.enc-${id}`, givenName: 'A', familyName: 'B', birthDate: '1980-01-01',
});
const HOUSEHOLDS = new Map<string, PersonRow[]>([
  ['h1', [person('p1', 'h1'), person('p2', 'h1'), person('p3', 'h1')]],
  ['h2', [person('p4', 'h2'), person('p5', 'h2')]],
]);
const PEOPLE = new Map([...HOUSEHOLDS.values()].flat().map((row) => [row.id, row]));

const loaders = {
  membersOf: { load: async (id: string) => HOUSEHOLDS.get(id) ?? [] },
  person: { load: async (id: string) => PEOPLE.get(id) ?? null },
} as unknown as HouseholdLoaders;

const allowed = (coordinate: string, basis: string, extra: { consentId?: string; breakGlassGrantId?: string } = {}): Decision => ({ allowed: true, coordinate, basis, options: [], ...extra });
const withheld = (coordinate: string): Decision => ({ allowed: false, coordinate, code: 'CONSENT_REQUIRED', reason: 'needs consent', options: [] });
/** Decisions the gateway shares between people (one object each), about overlapping fields. */
const SHARED: Decision[] = [
  allowed('Person.givenName', 'wmo'), allowed('Person.care', 'wmo', { consentId: 'c-1' }), withheld('Person.care'), withheld('Care.inCare'),
  allowed('Care.inCare', 'wmo', { breakGlassGrantId: 'g-1' }), allowed('Household.address', 'wmo'), allowed('Person.givenName', 'jeugdwet'),
];

const subject = fc.oneof(
  fc.constantFrom(...PEOPLE.keys()).map((id): Subject => ({ kind: 'person', id })),
  // A person the request did not load with a household, and a household that holds nobody.
  fc.constantFrom('p1', 'p4', 'p-unknown').map((id): Subject => ({ kind: 'person', id })),
  fc.constantFrom('h1', 'h2', 'h-empty').map((id): Subject => ({ kind: 'household', id })),
);
// Mostly a shared object; sometimes an equal copy, as a decision made afresh per person would be.
const decision = fc.oneof(
  { arbitrary: fc.constantFrom(...SHARED), weight: 4 },
  { arbitrary: fc.constantFrom(...SHARED).map((shared) => ({ ...shared })), weight: 1 },
);
const call: fc.Arbitrary<AccessCall> = fc.oneof(
  { arbitrary: fc.record({ call: fc.constant('record' as const), subject, decision }), weight: 8 },
  { arbitrary: fc.record({ call: fc.constant('recordLookup' as const), subject, lookup: fc.constantFrom('Query.household', 'Query.personByBsn'), breakGlassGrantId: fc.option(fc.constantFrom('g-2'), { nil: undefined }) }), weight: 2 },
  {
    arbitrary: fc.record({
      call: fc.constant('recordKeyed' as const),
      // A keyed read may be about a person the request also touched (same subject key).
      key: fc.constantFrom({ kind: 'BSN' as const, subjectKey: 'hash-missing', subjectEncrypted: 'v1.enc-missing' }, { kind: 'PERSON' as const, subjectKey: 'hash-p2', subjectEncrypted: 'v1.enc-p2' }),
      lookup: fc.constantFrom('Query.accessRecords', 'Query.personByBsn'),
      released: fc.option(fc.record({ coordinate: fc.constantFrom('Query.accessRecords', 'Person.givenName'), basis: fc.constantFrom('avg-art15', 'officer') }), { nil: undefined }),
    }),
    weight: 1,
  },
);
// Whole people with the same sequence of decisions: what makes decision sets shared.
const screen = fc.array(fc.constantFrom(...SHARED), { minLength: 1, maxLength: 5 }).map((decisions) =>
  [...PEOPLE.keys()].flatMap((id): AccessCall[] => decisions.map((shared) => ({ call: 'record', subject: { kind: 'person', id }, decision: shared }))));
const calls = fc.array(fc.oneof(call.map((one) => [one]), screen), { maxLength: 12 }).map((chunks) => chunks.flat());

function requestOf(accessLog: AccessLog): AuditedRequest {
  const now = new Date('2026-11-24T21:00:00.000Z');
  return {
    caller: { subject: 'sanne.deboer', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' } as AuditedRequest['caller'],
    traceId: 'trace', spanId: 'span', foreignOperation: null, name: 'CaseScreen', statusCode: 'OK', startTime: now, endTime: now, accessLog, households: loaders,
  };
}

function replay(accessLog: AccessLog, calls: readonly AccessCall[]): void {
  for (const one of calls) {
    if (one.call === 'record') accessLog.record(one.subject, one.decision);
    else if (one.call === 'recordLookup') accessLog.recordLookup(one.subject, one.lookup, one.breakGlassGrantId);
    else accessLog.recordKeyed(one.key, one.lookup, one.released);
  }
}

describe('access records per subject', () => {
  it('say per person exactly what was decided about them, however decisions are shared, on generated requests', async () => {
    await fc.assert(fc.asyncProperty(calls, async (generated) => {
      const accessLog = new AccessLog();
      replay(accessLog, generated);
      const records = await buildLdvRecords(requestOf(accessLog));
      const subjects = records.map(({ subjectKind, subjectKey, subjectEncrypted, lookups, fieldsReleased, fieldsWithheld, fieldBases, breakGlassGrantId }) => (
        { subjectKind, subjectKey, subjectEncrypted, lookups, fieldsReleased, fieldsWithheld, fieldBases, breakGlassGrantId }));
      expect(subjects).toEqual(referenceSubjectRecords(generated, HOUSEHOLDS, PEOPLE));
    }), { numRuns: 1500 });
  });

  it('shares one frozen decision set between people about whom the same decisions were made', async () => {
    const accessLog = new AccessLog();
    for (const id of ['p1', 'p2', 'p3']) for (const shared of SHARED.slice(0, 3)) accessLog.record({ kind: 'person', id }, shared);
    accessLog.record({ kind: 'person', id: 'p3' }, SHARED[3]);
    const { request, subjects } = await buildRequestRecords(requestOf(accessLog));
    expect(subjects).toHaveLength(3);
    expect(subjects[1].fieldBases).toBe(subjects[0].fieldBases);
    expect(subjects[1].fieldsReleased).toBe(subjects[0].fieldsReleased);
    expect(subjects[2].fieldsWithheld).not.toBe(subjects[0].fieldsWithheld);
    expect(Object.isFrozen(subjects[0].fieldBases) && Object.isFrozen(subjects[0].fieldsReleased)).toBe(true);
    expect(() => (subjects[0].fieldsReleased as string[]).push('Person.bsn')).toThrow();
    expect(request).toMatchObject({ traceId: 'trace', professional: 'sanne.deboer', roles: ['wijkcoach'] });
  });

  it('gives every record an id of its own, a UUID v7', async () => {
    const accessLog = new AccessLog();
    for (let index = 0; index < 600; index++) accessLog.recordKeyed({ kind: 'BSN', subjectKey: `missing-${index}`, subjectEncrypted: 'v1.x' }, 'Query.personByBsn');
    const ids = (await buildRequestRecords(requestOf(accessLog))).subjects.map((record) => record.id);
    expect(new Set(ids).size).toBe(600);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
