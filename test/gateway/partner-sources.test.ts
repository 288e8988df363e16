import { afterEach, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type TestHub } from '../support/hub.ts';
import { DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { DOMAINS } from '../../src/domain/partner-domains.ts';

const ALL_HOUSEHOLDS = /* GraphQL */ `
  query All($ids: [ID!]!) {
    households(ids: $ids) {
      id
      members {
        id givenName
        housing { rentArrearsMonths evictionStatus }
        debt { caseStatus totalDebt }
        care { inCare crisisPlanPresent }
      }
    }
  }
`;
const ids = DEMO_HOUSEHOLDS.map((household) => household.id);
/** The demo households wijkteam Oost (the wijkcoach demo profile) is involved with; the others are West's or nobody's. */
const isOosts = (household: (typeof DEMO_HOUSEHOLDS)[number]) => household.involvement.some((entry) => entry.organisationId === 'wijkteam-oost' && !entry.endsAt);
const notOosts = DEMO_HOUSEHOLDS.filter((household) => !isOosts(household));

describeWithPostgres('partner sources behind the gateway', (database) => {
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.stop();
    hub = undefined;
  });

  it('asks each partner once for all demo households together', async () => {
    hub = await startTestHub(database());
    for (const domain of DOMAINS) hub.partners[domain]!.resetCount();
    const response = await hub.query(await hub.token(), ALL_HOUSEHOLDS, { ids });
    const households = response.body.data!.households;
    // The households Oost is not involved with: NOT_INVOLVED, and nobody of them is asked about.
    expect(notOosts.map((household) => household.id)).toEqual(['hh-1008', 'hh-1009']);
    for (const household of notOosts) {
      const index = ids.indexOf(household.id);
      expect(households[index]).toEqual({ id: household.id, members: null });
      expect(errorsAt(response, 'households', index, 'members')[0].extensions!.code).toBe('NOT_INVOLVED');
    }
    const bsnsAsked = DOMAINS.flatMap((domain) => hub!.partners[domain]!.receivedRequests().flatMap((request) => request.bsns));
    expect(bsnsAsked.filter((bsn) => notOosts.some((household) => household.members.some((member) => member.bsn === bsn)))).toEqual([]);
    const people = households.flatMap((household: any) => household.members ?? []);
    expect(people).toHaveLength(15);
    expect(people.filter((person: any) => person.housing !== null)).toHaveLength(9);
    expect(people.filter((person: any) => person.debt !== null)).toHaveLength(7);
    expect(people.filter((person: any) => person.care !== null).map((person: any) => person.givenName)).toEqual(['Mohammed', 'Ayşe']);
    for (const domain of DOMAINS) expect({ domain, requests: hub.partners[domain]!.requestCount() }).toEqual({ domain, requests: 1 });
  });

  it('keeps the other partners\' data when one partner simulator is stopped', async () => {
    hub = await startTestHub(database());
    await hub.partners.care!.close();
    const response = await hub.query(await hub.token(), ALL_HOUSEHOLDS, { ids: ['hh-1001', 'hh-1004'] });
    const [elAmrani, yilmaz] = response.body.data!.households;
    expect(elAmrani.members[0].housing.evictionStatus).toBe('SUMMONED');
    expect(elAmrani.members[0].debt.caseStatus).toBe('DEBT_SETTLEMENT');
    expect(yilmaz.members[1].housing.rentArrearsMonths).toBe(2);
    for (const [householdIndex, memberIndex] of [[0, 0], [1, 1]]) {
      const [error] = errorsAt(response, 'households', householdIndex, 'members', memberIndex, 'care');
      expect(error.extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'care' });
      expect(error.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch/);
    }
    expect((response.body.errors ?? []).filter((error) => error.extensions?.code === 'SOURCE_UNAVAILABLE').every((error) => error.path!.at(-1) === 'care')).toBe(true);
  });

  it('reports SOURCE_UNAVAILABLE when a partner answers 503, and when an adapter itself is gone', async () => {
    hub = await startTestHub(database());
    hub.partners.housing!.setDown(true);
    await hub.adapters.debt!.close();
    const response = await hub.query(await hub.token(), ALL_HOUSEHOLDS, { ids: ['hh-1002'] });
    const peter = response.body.data!.households[0].members[0];
    expect(peter).toMatchObject({ givenName: 'Peter', housing: null, debt: null });
    expect(errorsAt(response, 'households', 0, 'members', 0, 'housing')[0].extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'housing' });
    expect(errorsAt(response, 'households', 0, 'members', 0, 'debt')[0].extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'debt' });
  });

  it('gives up on a partner that exceeds its time budget and returns the rest', async () => {
    hub = await startTestHub(database(), (config) => ({ ...config, adapters: { ...config.adapters, housing: { ...config.adapters.housing, timeBudgetMs: 300 } } }));
    hub.partners.housing!.setLatency(2_000);
    const response = await hub.query(await hub.token(), ALL_HOUSEHOLDS, { ids: ['hh-1002'] });
    const peter = response.body.data!.households[0].members[0];
    expect(peter.housing).toBeNull();
    expect(peter.debt.caseStatus).toBe('INTAKE');
    expect(errorsAt(response, 'households', 0, 'members', 0, 'housing')[0].extensions!.code).toBe('SOURCE_UNAVAILABLE');
  });
});
