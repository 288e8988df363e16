import type { PrismaClient } from '../db/generated/client.ts';
import type { Caller } from '../auth/caller.ts';
import { type ConsentRecord, consentAsOf } from '../consent/consent-record.ts';
import { createStandingLoader } from '../involvement/standing-loader.ts';
import { lookupStanding } from '../involvement/involvement-guard.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { Subject } from '../audit/access-log.ts';
import { type DecisionFacts, decideWithFacts } from '../request/field-decision.ts';
import type { Period } from './period.ts';
import { type Outcome, ReportBuilder, type UnknownReason, type WhatIfReport } from './report.ts';

/**
 * The dry run: every access-log record about a person in the period, every field it released or
 * withheld, decided again under the candidate policy by the hub's own decision (decideWithFacts), with
 * the facts as they stood at the record's start: the caller from the record, the person's household, the
 * involvement and break-the-glass grant active then (the standing loader at that moment), and the
 * person's consents as they stood then (consentAsOf). A fact the database no longer holds makes that
 * access "unknown"; it is never guessed.
 */

/** The tables the dry run reads: a Prisma client or a read-only transaction's client. */
export type WhatIfReader = Pick<PrismaClient, 'auditRecord' | 'person' | 'consent' | 'involvement' | 'breakGlassGrant' | '$queryRaw'>;

export const PAGE_SIZE = 500;

/** Root fields whose decision the gateway takes for the person they are about (src/consent/consent-access-log.ts); other roots for nobody. */
const ROOTS_DECIDED_FOR_THEIR_PERSON: ReadonlySet<string> = new Set(['Query.consentsOf']);

class UnknownFact extends Error {
  constructor(readonly reason: UnknownReason) {
    super(reason);
  }
}

export async function replayAccessLog(reader: WhatIfReader, candidate: PolicySet, label: string, period: Period, pageSize = PAGE_SIZE): Promise<WhatIfReport> {
  const report = new ReportBuilder(candidate, label);
  let cursor: string | undefined;
  for (;;) {
    // Keyset pages in a stable order, so a large log never sits in memory at once.
    const records = await reader.auditRecord.findMany({
      where: { subjectKind: 'PERSON', startTime: { gte: period.from, lt: period.to } },
      orderBy: [{ startTime: 'asc' }, { id: 'asc' }],
      take: pageSize,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: { id: true, startTime: true, professional: true, organisationId: true, roles: true, purpose: true, subjectKey: true, fieldsReleased: true, fieldsWithheld: true, fieldBases: true, breakGlassGrantId: true },
    });
    if (records.length === 0) break;
    const facts = await pageFacts(reader, records);
    for (const record of records) {
      report.countRecord();
      await replayRecord(reader, candidate, record, facts, report);
    }
    if (records.length < pageSize) break;
    cursor = records[records.length - 1].id;
  }
  return report.build(period);
}

type ReplayedRecord = {
  startTime: Date;
  professional: string;
  organisationId: string;
  roles: string[];
  purpose: string;
  subjectKey: string;
  fieldsReleased: string[];
  fieldsWithheld: string[];
  fieldBases: unknown;
  breakGlassGrantId: string | null;
};

interface PageFacts {
  people: Map<string, { id: string; householdId: string }>;
  consents: Map<string, ConsentRecord[]>;
  grants: Set<string>;
}

/** The people, consents and named grants of one page, in three queries. */
async function pageFacts(reader: WhatIfReader, records: readonly ReplayedRecord[]): Promise<PageFacts> {
  const keys = [...new Set(records.map((record) => record.subjectKey))];
  const grantIds = [...new Set(records.flatMap((record) => (record.breakGlassGrantId ? [record.breakGlassGrantId] : [])))];
  const [people, consents, grants] = await Promise.all([
    reader.person.findMany({ where: { bsnHash: { in: keys } }, select: { id: true, householdId: true, bsnHash: true } }),
    reader.consent.findMany({
      where: { subjectKey: { in: keys } },
      select: { id: true, subjectKey: true, category: true, granteeOrganisationId: true, purpose: true, validFrom: true, validUntil: true, withdrawnAt: true, confirmedAt: true },
    }),
    grantIds.length > 0 ? reader.breakGlassGrant.findMany({ where: { id: { in: grantIds } }, select: { id: true } }) : Promise.resolve([]),
  ]);
  const consentsByKey = new Map<string, ConsentRecord[]>();
  for (const consent of consents) consentsByKey.set(consent.subjectKey, [...(consentsByKey.get(consent.subjectKey) ?? []), consent]);
  return {
    people: new Map(people.map((person) => [person.bsnHash, { id: person.id, householdId: person.householdId }])),
    consents: consentsByKey,
    grants: new Set(grants.map((grant) => grant.id)),
  };
}

async function replayRecord(reader: WhatIfReader, candidate: PolicySet, record: ReplayedRecord, page: PageFacts, report: ReportBuilder): Promise<void> {
  const at = record.startTime;
  const caller: Caller = { subject: record.professional, organisationId: record.organisationId, roles: record.roles, purpose: record.purpose };
  const person = page.people.get(record.subjectKey);
  const facts = factsAt(reader, caller, at, record, person, page);
  const released = new Set(record.fieldsReleased);
  for (const field of [...new Set([...record.fieldsReleased, ...record.fieldsWithheld])].sort()) {
    report.add(record.roles, field, await outcomeOf(candidate, caller, field, released.has(field), person, facts));
  }
}

/** The facts of one record's time; `lookupAllowed` is the look-ups' own row rule (src/involvement/involvement-guard.ts). */
interface RecordFacts extends DecisionFacts {
  lookupAllowed(policies: PolicySet): Promise<boolean>;
}

/** The facts as they stood at the record's start, each looked up only when a decision asks for it. */
function factsAt(reader: WhatIfReader, caller: Caller, at: Date, record: ReplayedRecord, person: { id: string; householdId: string } | undefined, page: PageFacts): RecordFacts {
  // The run-time rule for involvement and grants, asked for the record's moment, once per record.
  const standing = createStandingLoader(reader, caller, () => at);
  const household = () => {
    if (!person) throw new UnknownFact('PERSON_GONE');
    if (record.breakGlassGrantId && !page.grants.has(record.breakGlassGrantId)) throw new UnknownFact('GRANT_GONE');
    // The person's current household: the registration keeps no history of moves.
    return person.householdId;
  };
  return {
    at,
    async standingOf() {
      return standing.load(household());
    },
    async lookupAllowed(policies) {
      return (await lookupStanding({ policies, caller, standing }, household())).allowed;
    },
    async consentsOf() {
      if (!person) throw new UnknownFact('PERSON_GONE');
      const consents = page.consents.get(record.subjectKey) ?? [];
      const named = consentIdsNamedBy(record.fieldBases);
      if (named.some((id) => !consents.some((consent) => consent.id === id))) throw new UnknownFact('CONSENT_GONE');
      return consents.map((consent) => consentAsOf(consent, at));
    },
  };
}

async function outcomeOf(candidate: PolicySet, caller: Caller, field: string, releasedThen: boolean, person: { id: string } | undefined, facts: RecordFacts): Promise<Outcome> {
  const isRoot = field.startsWith('Query.') || field.startsWith('Mutation.');
  // Whose field it is, as the gateway decided it: a person's data for that person, most roots for nobody.
  const subject: Subject | undefined = !isRoot || ROOTS_DECIDED_FOR_THEIR_PERSON.has(field) ? { kind: 'person', id: person?.id ?? '' } : undefined;
  try {
    const decision = await decideWithFacts(candidate, caller, field, subject, facts);
    if (releasedThen && !decision.allowed) return { kind: 'releasedThenWithheld', code: decision.code };
    if (releasedThen || !decision.allowed) return { kind: 'unchanged' };
    if (!isRoot) return { kind: 'withheldThenReleased' };
    // A root withheld though its policy allows it was refused by its resolver's own row rule, which the
    // log does not name. A look-up (basis none: it releases nothing itself) has one rule, replayed here;
    // the changes (consent, involvement) have their own, and are not guessed.
    if (candidate.fields.get(field)?.bases[0]?.kind !== 'none') return { kind: 'unknown', reason: 'ROOT_RULE' };
    return (await facts.lookupAllowed(candidate)) ? { kind: 'withheldThenReleased' } : { kind: 'unchanged' };
  } catch (error) {
    if (error instanceof UnknownFact) return { kind: 'unknown', reason: error.reason };
    throw error;
  }
}

/** The consent ids a record names as the basis of released fields (`consent:<id>`). */
function consentIdsNamedBy(fieldBases: unknown): string[] {
  if (!fieldBases || typeof fieldBases !== 'object') return [];
  return Object.values(fieldBases as Record<string, unknown>).flatMap((basis) => (typeof basis === 'string' && basis.startsWith('consent:') ? [basis.slice('consent:'.length)] : []));
}
