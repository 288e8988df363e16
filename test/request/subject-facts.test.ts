import { describe, expect, it } from 'vitest';
import DataLoader from 'dataloader';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import type { Decision } from '../../src/policy/decide.ts';
import type { Standing } from '../../src/policy/need-to-know.ts';
import type { Caller } from '../../src/auth/caller.ts';
import type { ConsentRecord } from '../../src/consent/consent-record.ts';
import { ConsentLoader } from '../../src/consent/consent-loader.ts';
import type { PrismaClient } from '../../src/db/generated/client.ts';
import type { PersonRow } from '../../src/households/household-loaders.ts';
import type { RequestContext } from '../../src/request/request-context.ts';
import { callerDecisions } from '../../src/request/static-decisions.ts';
import { decideForSubject, RequestDecisions } from '../../src/request/field-decision.ts';

/**
 * A request reads what its decisions depend on once per subject (a person's row and consents) and once
 * per household (where the caller stands, shared by its members), and decides the fields after that
 * without a promise. Shortcuts must never hand one household's standing or one person's consents to
 * another, and must read afresh after a change in the request.
 */
const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const caller: Caller = { subject: 'wijkcoach-1', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
const past = new Date(Date.now() - 86_400_000);

function person(id: string, householdId: string): PersonRow {
  return { id, householdId, bsnHash: `hash-${id}`, bsnEncrypted: '', givenName: id, familyName: 'x', birthDate: '1970-01-01' };
}

/** A request over households h-in (involved) and h-out (not), with counted reads. */
function request(standings: Record<string, Standing> = { 'h-in': { involved: true }, 'h-out': { involved: false } }) {
  const people = [person('p-in-1', 'h-in'), person('p-in-2', 'h-in'), person('p-out-1', 'h-out')];
  const consents: Record<string, ConsentRecord[]> = {
    'hash-p-in-1': [{ id: 'consent-of-p-in-1', subjectKey: 'hash-p-in-1', category: 'ggz', granteeOrganisationId: caller.organisationId, purpose: caller.purpose, validFrom: past, validUntil: null, withdrawnAt: null, confirmedAt: past }],
  };
  const reads = { person: [] as string[], standing: [] as string[], consents: [] as string[] };
  const context = {
    policies, caller,
    callerDecisions: callerDecisions(policies, caller),
    decisions: new RequestDecisions(),
    households: {
      person: new DataLoader<string, PersonRow | null>(async (ids) => {
        reads.person.push(...ids);
        return ids.map((id) => people.find((row) => row.id === id) ?? null);
      }),
    },
    standing: new DataLoader<string, Standing>(async (ids) => {
      reads.standing.push(...ids);
      return ids.map((id) => standings[id] ?? { involved: false });
    }),
    consents: consentLoader(async (keys) => {
      reads.consents.push(...keys);
      return keys.flatMap((key) => consents[key] ?? []);
    }),
  } as unknown as RequestContext;
  return { context, reads, standings, people, consents };
}

/** A request's consent loader over `read` (what the database would answer for these look-up keys). */
function consentLoader(read: (keys: string[]) => Promise<ConsentRecord[]>): ConsentLoader {
  return new ConsentLoader({ consent: { findMany: ({ where }: { where: { subjectKey: { in: string[] } } }) => read(where.subjectKey.in) } } as unknown as PrismaClient);
}

/** As the standing statement does when the query selects a consent field: each member's consents (or the failure to read them) primed. */
function primeMembersOf(householdId: string, { context, people, consents }: ReturnType<typeof request>, failure?: Error): void {
  for (const member of people.filter((row) => row.householdId === householdId)) context.consents.prime(member.bsnHash, failure ?? consents[member.bsnHash] ?? []);
}

const personOf = (id: string) => ({ kind: 'person', id }) as const;

describe('the facts a request reads for its decisions', () => {
  it('give each person its own household\'s standing and its own consents', async () => {
    const { context } = request();
    // Asked in an order that puts the uninvolved household between the two members of the involved one.
    const asked = ['p-in-1', 'p-out-1', 'p-in-2'].map((id) => Promise.all(['Person.givenName', 'Person.care'].map((field) => decideForSubject(context, field, personOf(id)))));
    const [[in1Name, in1Care], [outName, outCare], [in2Name, in2Care]] = await Promise.all(asked);
    expect(in1Name).toMatchObject({ allowed: true });
    expect(in2Name).toMatchObject({ allowed: true });
    expect(outName).toMatchObject({ allowed: false, code: 'NOT_INVOLVED' });
    expect(outCare).toMatchObject({ allowed: false, code: 'NOT_INVOLVED' });
    expect(in1Care).toMatchObject({ allowed: true, consentId: 'consent-of-p-in-1' });
    expect(in2Care).toMatchObject({ allowed: false, code: 'CONSENT_REQUIRED' });
  });

  it('are read once per person and household, after which a person\'s fields are decided at once', async () => {
    const { context, reads } = request();
    await Promise.all(['p-in-1', 'p-in-2', 'p-out-1'].map((id) => decideForSubject(context, 'Person.care', personOf(id))));
    await decideForSubject(context, 'Address.street', { kind: 'household', id: 'h-in' });
    for (const id of ['p-in-1', 'p-in-2', 'p-out-1']) {
      for (const field of ['Person.givenName', 'Person.care', 'Housing.rentArrearsMonths', 'Debt.totalDebt']) {
        const decision = decideForSubject(context, field, personOf(id));
        expect(decision, `${field} of ${id}`).not.toBeInstanceOf(Promise);
        expect(decision).toBe(await decideForSubject(context, field, personOf(id)));
      }
    }
    expect(reads.person.sort()).toEqual(['p-in-1', 'p-in-2', 'p-out-1']);
    expect(reads.standing.sort()).toEqual(['h-in', 'h-out']);
    // Consents only of people of a household the caller is involved with.
    expect(reads.consents.sort()).toEqual(['hash-p-in-1', 'hash-p-in-2']);
  });

  it('tell this request\'s subjects apart when asked about one after another', async () => {
    const { context } = request();
    const [inside, outside] = [context.decisions.subject('person', 'p-in-1'), context.decisions.subject('person', 'p-out-1')];
    await Promise.all([decideForSubject(context, 'Person.givenName', inside), decideForSubject(context, 'Person.givenName', outside)]);
    for (const field of ['Person.familyName', 'Person.birthDate']) {
      expect(decideForSubject(context, field, inside)).toMatchObject({ allowed: true });
      expect(decideForSubject(context, field, outside)).toMatchObject({ allowed: false, code: 'NOT_INVOLVED' });
      expect(decideForSubject(context, field, inside)).toMatchObject({ allowed: true });
    }
  });

  it('are read afresh after a change in the request', async () => {
    const { context, standings } = request();
    expect(await decideForSubject(context, 'Person.givenName', personOf('p-out-1'))).toMatchObject({ allowed: false, code: 'NOT_INVOLVED' });
    // With the standing known, a second field is decided at once (from the situation's decisions).
    expect(decideForSubject(context, 'Person.familyName', personOf('p-out-1'))).toMatchObject({ allowed: false, code: 'NOT_INVOLVED' });
    // An intake in this request: the household's standing changes (src/involvement forgets what was read).
    standings['h-out'] = { involved: true };
    context.standing.clear('h-out');
    context.decisions.clear();
    expect(await decideForSubject(context, 'Person.givenName', personOf('p-out-1'))).toMatchObject({ allowed: true });
    expect(decideForSubject(context, 'Person.familyName', personOf('p-out-1'))).toMatchObject({ allowed: true });
  });

  it('fail closed when the consents cannot be read', async () => {
    const { context } = request();
    (context as { consents: ConsentLoader }).consents = consentLoader(async () => {
      throw new Error('database down');
    });
    const decision: Decision = await decideForSubject(context, 'Person.care', personOf('p-in-1'));
    expect(decision).toMatchObject({ allowed: false, code: 'CONSENT_UNAVAILABLE' });
  });

  // Pruning asks each adapter about a person in turn: a promise for one of them (care, which needs the
  // consents) would put that adapter's call a tick behind the others.
  it('decide a person whose consents the standing statement brought along without a promise, and read no consents', async () => {
    const state = request();
    const { context, reads } = state;
    primeMembersOf('h-in', state);
    const [one, two] = [personOf('p-in-1'), personOf('p-in-2')];
    await Promise.all([decideForSubject(context, 'Person.givenName', one), decideForSubject(context, 'Person.givenName', two)]);
    const [oneCare, twoCare] = [decideForSubject(context, 'Person.care', one), decideForSubject(context, 'Person.care', two)];
    expect(oneCare).not.toBeInstanceOf(Promise);
    expect(twoCare).not.toBeInstanceOf(Promise);
    expect(oneCare).toMatchObject({ allowed: true, consentId: 'consent-of-p-in-1' });
    expect(twoCare).toMatchObject({ allowed: false, code: 'CONSENT_REQUIRED' });
    expect(reads.consents).toEqual([]);
  });

  it('withhold consent-based fields (CONSENT_UNAVAILABLE), at once, when the standing statement could not read the consents', async () => {
    const state = request();
    const { context, reads } = state;
    primeMembersOf('h-in', state, new Error('lock timeout'));
    await decideForSubject(context, 'Person.givenName', personOf('p-in-1'));
    const care = decideForSubject(context, 'Person.care', personOf('p-in-1'));
    expect(care).not.toBeInstanceOf(Promise);
    expect(care).toMatchObject({ allowed: false, code: 'CONSENT_UNAVAILABLE' });
    expect(reads.consents).toEqual([]);
  });

  it('take the primed consents afresh after a change in the request, as of the moment they are taken', async () => {
    const state = request();
    const { context, consents } = state;
    primeMembersOf('h-in', state);
    await decideForSubject(context, 'Person.givenName', personOf('p-in-1'));
    expect(decideForSubject(context, 'Person.care', personOf('p-in-1'))).toMatchObject({ allowed: true, consentId: 'consent-of-p-in-1' });
    // The consent expires; a change in the request makes the decisions forget what they read.
    consents['hash-p-in-1'][0].validUntil = new Date(Date.now() - 1);
    context.decisions.clear();
    await decideForSubject(context, 'Person.givenName', personOf('p-in-1'));
    expect(decideForSubject(context, 'Person.care', personOf('p-in-1'))).toMatchObject({ allowed: false, code: 'CONSENT_REQUIRED' });
  });
});
