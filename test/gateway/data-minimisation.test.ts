import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type TestHub } from '../support/hub.ts';
import { readsOf, recordStatements } from '../support/database-statements.ts';
import { DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { DOMAINS } from '../../src/domain/partner-domains.ts';

/**
 * Prune before fetch: the gateway decides per person and field before it calls an adapter, so a partner
 * is asked only for what the caller may see, and people with the same allowed fields share one call.
 * Observed where it matters: at the partner simulators' request counters.
 */

const ids = DEMO_HOUSEHOLDS.map((household) => household.id);

function resetCounters(hub: TestHub) {
  for (const domain of DOMAINS) hub.partners[domain]!.resetCount();
}
function requestCounts(hub: TestHub) {
  return Object.fromEntries(DOMAINS.map((domain) => [domain, hub.partners[domain]!.requestCount()]));
}

describeWithPostgres('data minimisation at the partners', (database) => {
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.stop();
    hub = undefined;
  });

  it('does not ask the GGZ partner about people whose GGZ data may not be seen', async () => {
    hub = await startTestHub(database());
    resetCounters(hub);
    // hh-1003: Linda, Sem and Noa Bakker; nobody there has a GGZ consent.
    const response = await hub.query(await hub.token(), `query { household(id: "hh-1003") { members { id housing { monthlyRent } care { inCare } } } }`);
    expect(errorsAt(response, 'household', 'members', 0, 'care')[0].extensions!.code).toBe('CONSENT_REQUIRED');
    expect(requestCounts(hub)).toEqual({ housing: 1, debt: 0, care: 0 });
  });

  it('does not ask a partner anything when the caller may see nothing of it', async () => {
    hub = await startTestHub(database());
    resetCounters(hub);
    const debtWorker = await hub.token({ role: 'schuldhulpverlener', purpose: 'vroegsignalering-schulden', organisationId: 'schuldhulp-gemeente' });
    const response = await hub.query(debtWorker, `query($bsn: String!) { personByBsn(bsn: $bsn) { id housing { rentArrearsTwoMonthsOrMore rentArrearsAmount } debt { totalDebt } care { inCare } } }`, { bsn: '999906318' });
    const person = response.body.data!.personByBsn;
    // Wgs early signalling: that the arrears are two months or more, not the amount.
    expect(person.housing).toEqual({ rentArrearsTwoMonthsOrMore: true, rentArrearsAmount: null });
    expect(errorsAt(response, 'personByBsn', 'housing', 'rentArrearsAmount')[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'wonen' });
    expect(errorsAt(response, 'personByBsn', 'debt')[0].extensions!.code).toBe('FORBIDDEN');
    expect(errorsAt(response, 'personByBsn', 'care')[0].extensions!.code).toBe('FORBIDDEN');
    expect(requestCounts(hub)).toEqual({ housing: 1, debt: 0, care: 0 });
  });

  it('does not ask a partner for a field switched off with @skip or @include, by literal, variable or fragment', async () => {
    hub = await startTestHub(database());
    resetCounters(hub);
    const response = await hub.query(
      await hub.token(),
      `query($no: Boolean!, $yes: Boolean!) { household(id: "hh-1003") { members { id
         housing { monthlyRent rentArrearsAmount @skip(if: true) evictionStatus @include(if: $no) }
         ... on Person @include(if: $no) { debt { totalDebt } }
         ...Arrears @skip(if: $yes)
       } } }
       fragment Arrears on Person { housing { rentArrearsMonths } }`,
      { no: false, yes: true },
    );
    expect(response.body.errors).toBeUndefined();
    const linda = response.body.data!.household.members[0];
    expect(Object.keys(linda.housing)).toEqual(['monthlyRent']);
    expect(requestCounts(hub)).toEqual({ housing: 1, debt: 0, care: 0 });
    const fieldsAsked = hub.partners.housing!.receivedRequests().flatMap((request) => request.fields);
    expect(fieldsAsked.length).toBeGreaterThan(0);
    expect(fieldsAsked.join(' ')).not.toMatch(/achterstand|uitzetting|eviction|arrears/i);
  });

  it('calls an adapter once per distinct set of allowed fields, and reads consents in one database round trip', async () => {
    // A policy in which the arrears amount needs the tenant's consent: then the people of one query
    // fall into two groups for the housing partner, those with and those without that consent.
    const policyFile = path.resolve('schema/field-policies.yaml');
    const strict = readFileSync(policyFile, 'utf8').replace(
      '    rentArrearsAmount:    { category: wonen, basis: wmo-wijkteam }',
      '    rentArrearsAmount:    { category: wonen, basis: consent, roles: [wijkcoach], purposes: [wijkteam-ondersteuning] }',
    );
    expect(strict).not.toBe(readFileSync(policyFile, 'utf8'));
    hub = await startTestHub(database(), (config) => {
      const file = path.join(config.dataDir, 'strict-policies.yaml');
      writeFileSync(file, strict);
      return { ...config, policyFile: file };
    });
    await grantConsent(hub, '999906318', 'wonen');
    await grantConsent(hub, '999918369', 'wonen');
    resetCounters(hub);

    // Prisma's statements and the standing's raw SQL on the pool alike (the access log's writes left out).
    const recorder = recordStatements();
    let sql: string[];
    let response;
    try {
      response = await hub.query(await hub.token(), `query($ids: [ID!]!) { households(ids: $ids) { members { id givenName housing { monthlyRent rentArrearsAmount } care { inCare } } } }`, { ids });
      sql = readsOf(recorder.statements);
    } finally {
      recorder.stop();
    }
    // Households wijkteam Oost is not involved with (hh-1008 West's, hh-1009 nobody's) show no members and
    // ask no partner anything; the counts below are about Oost's own households.
    const notInvolved = (response.body.errors ?? []).filter((error) => error.extensions?.code === 'NOT_INVOLVED').map((error) => ids[error.path![1] as number]);
    expect(notInvolved.sort()).toEqual(['hh-1008', 'hh-1009']);
    const people = response.body.data!.households.flatMap((household: any) => household.members ?? []);
    const withAmount = people.filter((person: any) => person.housing?.rentArrearsAmount != null).map((person: any) => person.givenName);
    expect(withAmount.sort()).toEqual(['Linda', 'Mohammed']);
    // Housing: one call for the two with a 'wonen' consent, one for the rest. Care: only the two people
    // with a GGZ consent, in one call. Debt: not asked for.
    expect(requestCounts(hub)).toEqual({ housing: 2, debt: 0, care: 1 });
    // (With the standing, in the same statement: src/involvement/standing-loader.ts.)
    expect(sql.filter((query) => /from (?:"public"\.)?"consent"/i.test(query))).toHaveLength(1);
    // Need to know: where the caller stands with all nine households is read once (their involvements and
    // the caller's grants), not per household or per field.
    expect(sql.filter((query) => /from "break_glass_grant"/i.test(query))).toHaveLength(1);
    // One read of involvement: the standing. The households' own list (Household.involvement) is not selected, so not read.
    expect(sql.filter((query) => /from (?:"public"\.)?"involvement"/i.test(query))).toHaveLength(1);
  });
});

async function grantConsent(hub: TestHub, bsn: string, category: string) {
  const { createSubjectProtector } = await import('../../src/crypto/subject-protection.ts');
  const { loadHubDataKey } = await import('../../src/crypto/hub-data-key.ts');
  const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
  await hub.database.prisma.consent.create({
    data: {
      subjectKey: protector.lookupKey(bsn), category, granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
      validFrom: new Date('2026-01-01'), evidenceMethod: 'WRITTEN', evidenceReference: 'test', recordedBy: 'test',
      // Four eyes: only a confirmed consent is active.
      confirmedAt: new Date('2026-01-01'), confirmedBy: 'test-second', confirmedByOrganisationId: 'wijkteam-oost',
    },
  });
}
