import { describe, expect, it } from 'vitest';
import { type ConsentLookup, decideField, type Decision } from '../../src/policy/decide.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { NOT_ABOUT_A_HOUSEHOLD, type Standing } from '../../src/policy/need-to-know.ts';
import { decideWithFacts, SharedDecisions } from '../../src/request/field-decision.ts';
import { CallerDecisions, staticDecision } from '../../src/request/static-decisions.ts';
import type { Caller } from '../../src/auth/caller.ts';
import type { ConsentRecord } from '../../src/consent/consent-record.ts';

/**
 * Decisions shared between the people of a request (per standing, releasing consent and field) must be
 * each person's own decision: people whose consents differ (another consent record, a withdrawn, expired,
 * unconfirmed or not yet valid one, one for another organisation or purpose, the store unavailable) and
 * households where the caller stands differently must never get one another's decision. Checked for every
 * subject-dependent field and every role × purpose × organisation, against decideField per person.
 */
const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const now = new Date();
const past = new Date(now.getTime() - 86_400_000);
const future = new Date(now.getTime() + 86_400_000);

const organisations = ['wijkteam-oost', 'schuldhulp-gemeente'];
const callers: Caller[] = [...policies.roles.keys()].flatMap((role) =>
  [...policies.purposes.keys()].flatMap((purpose) => organisations.map((organisationId) => ({ subject: 'p', organisationId, roles: [role], purpose }))));

/** One person's consents in one of several worlds; each person's records have ids of their own. */
function consentWorld(caller: Caller, person: number, world: number): ConsentLookup {
  if (world === 0) return [];
  if (world === 1) return 'unavailable';
  const consent = (category: string, index: number, change: Partial<ConsentRecord>): ConsentRecord => ({
    id: `c-${person}-${index}`, subjectKey: `k-${person}`, category, granteeOrganisationId: caller.organisationId, purpose: caller.purpose,
    validFrom: past, validUntil: null, withdrawnAt: null, confirmedAt: past, ...change,
  });
  const changes: Partial<ConsentRecord>[] = [
    {}, { withdrawnAt: past }, { validUntil: past }, { confirmedAt: null }, { validFrom: future },
    { granteeOrganisationId: 'another-organisation' }, { purpose: 'another-purpose' },
  ];
  const change = changes[(world - 2) % changes.length];
  return [...policies.categories.keys()].map((category, index) => consent(category, index, change));
}

const WORLDS = 9;
const standings: (Standing | typeof NOT_ABOUT_A_HOUSEHOLD)[] = [
  NOT_ABOUT_A_HOUSEHOLD, { involved: true }, { involved: false }, { involved: false, breakGlassGrantId: 'g-1' }, { involved: false, breakGlassGrantId: 'g-2' }, { involved: true, breakGlassGrantId: 'g-1' },
];

describe('decisions shared by the people of a request', () => {
  it('are each person\'s own decision, whatever their consents and wherever the caller stands', async () => {
    let decided = 0;
    let made = 0;
    for (const caller of callers) {
      const subjectDependent = [...policies.fields.keys()].filter((coordinate) => !staticDecision(policies, caller, coordinate));
      // One memo for the whole "request": every person below may take a decision another person left in it.
      const sharedDecisions = new SharedDecisions();
      let person = 0;
      for (let round = 0; round < 2; round++) {
        for (const standing of standings) {
          for (let world = 0; world < WORLDS; world++) {
            person += 1;
            const consents = consentWorld(caller, person, world);
            const subject = { kind: 'person', id: `p-${person}` } as const;
            const facts = { at: now, standingOf: async () => (standing === NOT_ABOUT_A_HOUSEHOLD ? { involved: false } : standing), consentsOf: async () => consents };
            for (const coordinate of subjectDependent) {
              const decision = await decideWithFacts(policies, caller, coordinate, subject, { ...facts, sharedDecisions });
              // The oracle: the same decision made for this person alone, with no memo to share.
              const own = await decideWithFacts(policies, caller, coordinate, subject, facts);
              expect(decision, `${coordinate} for ${caller.roles[0]}/${caller.purpose}/${caller.organisationId}, world ${world}`).toEqual(own);
              decided += 1;
            }
          }
        }
      }
      made += sharedDecisions.size;
    }
    // Sharing happened: far fewer decisions were made than asked for.
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(decided / 4);
  });

  it('name the consent of the person it was released for, not of the first person with a consent', async () => {
    const caller: Caller = { subject: 'p', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
    const sharedDecisions = new SharedDecisions();
    const decisionFor = (person: number, consents: ConsentLookup) => decideWithFacts(policies, caller, 'Person.care', { kind: 'person', id: `p-${person}` }, {
      at: now, standingOf: async () => ({ involved: true }), consentsOf: async () => consents, sharedDecisions,
    });
    const first = await decisionFor(1, consentWorld(caller, 1, 2));
    const second = await decisionFor(2, consentWorld(caller, 2, 2));
    const withdrawn = await decisionFor(3, consentWorld(caller, 3, 3));
    const unavailable = await decisionFor(4, 'unavailable');
    expect(first).toMatchObject({ allowed: true, consentId: 'c-1-' + [...policies.categories.keys()].indexOf('ggz') });
    expect(second).toMatchObject({ allowed: true, consentId: 'c-2-' + [...policies.categories.keys()].indexOf('ggz') });
    expect(withdrawn).toMatchObject({ allowed: false, code: 'CONSENT_REQUIRED' });
    expect(unavailable).toMatchObject({ allowed: false, code: 'CONSENT_UNAVAILABLE' });
    // Two people without a releasing consent share one decision object (made once).
    expect(await decisionFor(5, [])).toBe(withdrawn);
    expect(decideField(policies, policies.fields.get('Person.care')!, caller, [], now, { involved: true })).toEqual(withdrawn);
  });
});

describe('decisions kept across requests of one kind of caller', () => {
  it('are each person\'s own decision in every request, and the table holds no grant or consent id', async () => {
    for (const caller of callers) {
      const subjectDependent = [...policies.fields.keys()].filter((coordinate) => !staticDecision(policies, caller, coordinate));
      if (subjectDependent.length === 0) continue;
      // This kind of caller's table, on its own (not the process-wide one): every "request" below shares it.
      const table = new CallerDecisions(policies, caller);
      const tableMadeAfter: number[] = [];
      let person = 0;
      for (let request = 0; request < 3; request++) {
        const sharedDecisions = new SharedDecisions(table);
        // The worlds and standings in another order per request: what one request left must fit the next one's people.
        const order = request % 2 === 0 ? standings : [...standings].reverse();
        for (const standing of order) {
          for (let world = 0; world < WORLDS; world++) {
            person += 1;
            const consents = consentWorld(caller, person, (world + request) % WORLDS);
            const subject = { kind: 'person', id: `p-${person}` } as const;
            const facts = { at: now, standingOf: async () => (standing === NOT_ABOUT_A_HOUSEHOLD ? { involved: false } : standing), consentsOf: async () => consents };
            for (const coordinate of subjectDependent) {
              const decision = await decideWithFacts(policies, caller, coordinate, subject, { ...facts, callerDecisions: table, sharedDecisions });
              const own = await decideWithFacts(policies, caller, coordinate, subject, facts);
              expect(decision, `${coordinate} for ${caller.roles[0]}/${caller.purpose}/${caller.organisationId}, request ${request}`).toEqual(own);
            }
          }
        }
        tableMadeAfter.push(table.situations.made);
      }
      // The first request met every situation without an id; later requests took those from the table.
      expect(tableMadeAfter[0], `${caller.roles[0]}/${caller.purpose}/${caller.organisationId}`).toBeGreaterThan(0);
      expect(tableMadeAfter[2]).toBe(tableMadeAfter[0]);
      // Bounded whatever the people: three standings × (none releasing, store unavailable, a template) × the fields.
      expect(table.situations.size).toBeGreaterThan(0);
      expect(table.situations.size).toBeLessThanOrEqual(3 * 3 * subjectDependent.length);
      expectNoIds(table);
    }
  });

  it('name no grant and no consent: those stay with the request that met them', async () => {
    const caller: Caller = { subject: 'p', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
    const table = new CallerDecisions(policies, caller);
    const decide = (coordinate: string, standing: Standing, consents: ConsentLookup) => decideWithFacts(policies, caller, coordinate, { kind: 'person', id: 'p-1' }, {
      at: now, standingOf: async () => standing, consentsOf: async () => consents, callerDecisions: table, sharedDecisions: new SharedDecisions(table),
    });
    const underGrant = await decide('Person.housing', { involved: false, breakGlassGrantId: 'g-1' }, []);
    const withConsent = await decide('Person.care', { involved: true }, consentWorld(caller, 1, 2));
    expect(underGrant).toMatchObject({ allowed: true, breakGlassGrantId: 'g-1' });
    expect(withConsent).toMatchObject({ allowed: true, consentId: expect.stringMatching(/^c-1-/) });
    // The next request, under another grant and with another consent, gets its own.
    expect(await decide('Person.housing', { involved: false, breakGlassGrantId: 'g-2' }, [])).toMatchObject({ allowed: true, breakGlassGrantId: 'g-2' });
    expect(await decide('Person.care', { involved: true }, consentWorld(caller, 2, 2))).toMatchObject({ allowed: true, consentId: expect.stringMatching(/^c-2-/) });
    // The table holds the consent's template only (one), and nothing of the grant.
    expect(table.situations.size).toBe(1);
    expectNoIds(table);
    // Without a grant or a releasing consent the decision is the table's, the same object in every request.
    const first = await decide('Person.care', { involved: true }, []);
    expect(await decide('Person.care', { involved: true }, consentWorld(caller, 3, 3))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(table.situations.size).toBe(2);
  });
});

/** What a kind of caller's table keeps names no grant and no consent (a template's consentId is empty). */
function expectNoIds(table: CallerDecisions): void {
  for (const decision of table.situations.decisions()) {
    expect(decision).not.toHaveProperty('breakGlassGrantId');
    if (decision.allowed) expect(decision.consentId ?? '').toBe('');
  }
}
