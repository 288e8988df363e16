import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import DataLoader from 'dataloader';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { errorsAt, startTestHub, type TestHub } from '../support/hub.ts';
import { DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { bsnsAskedOfPartners, END_INVOLVEMENT, partnerRequestCount, REGISTER_INTAKE, resetPartnerCounters, westToken } from './involvement-helpers.ts';

/**
 * The row rule seen end to end: field policy says WHAT a role may see, involvement says OF WHOM. A
 * wijkcoach of wijkteam West may see nothing personal of a household only wijkteam Oost is involved
 * with, and the partners are not even asked; an intake makes it visible, ending the involvement hides
 * it again from the very next request.
 */

const HOUSEHOLD = /* GraphQL */ `
  query Household($id: ID!) {
    household(id: $id) {
      id
      address { street }
      involvement { organisation { id } }
      members { id givenName housing { monthlyRent rentArrearsTwoMonthsOrMore } debt { totalDebt } care { inCare } }
    }
  }
`;
const hh1001 = DEMO_HOUSEHOLDS.find((household) => household.id === 'hh-1001')!;
const hh1001Bsns = hh1001.members.map((member) => member.bsn);

/** West asks for hh-1001: only the id comes back, each personal field NOT_INVOLVED, no partner asked about anyone. */
async function expectWestSeesNothingOfHh1001(hub: TestHub): Promise<void> {
  resetPartnerCounters(hub);
  const response = await hub.query(await westToken(hub), HOUSEHOLD, { id: 'hh-1001' });
  expect(response.status).toBe(200);
  expect(response.body.data!.household).toEqual({ id: 'hh-1001', address: null, involvement: null, members: null });
  for (const field of ['address', 'involvement', 'members']) {
    const [error] = errorsAt(response, 'household', field);
    expect(error.extensions).toMatchObject({
      code: 'NOT_INVOLVED',
      category: field === 'address' ? 'adres' : 'huishouden',
      requiredInvolvement: { organisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning' },
    });
  }
  expect(bsnsAskedOfPartners(hub).filter((bsn) => hh1001Bsns.includes(bsn))).toEqual([]);
  expect(partnerRequestCount(hub)).toBe(0);
}

describeWithPostgres('the row rule over HTTP', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database());
  });
  afterAll(async () => hub?.stop());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives wijkteam West NOT_INVOLVED for an Oost household, and asks no partner about its members', async () => {
    await expectWestSeesNothingOfHh1001(hub);
    // The same query by wijkteam Oost (involved) does read the partners: the check above can see a call.
    resetPartnerCounters(hub);
    const oost = await hub.query(await hub.token(), HOUSEHOLD, { id: 'hh-1001' });
    expect(oost.body.data!.household.members[0].housing.monthlyRent).toBe(715.4);
    expect(bsnsAskedOfPartners(hub)).toEqual(expect.arrayContaining(hh1001Bsns.slice(0, 2)));
  });

  it('catches a hub whose standing says "involved" for everyone (row rule bypassed in code)', async () => {
    const load = DataLoader.prototype.load;
    // Only the standing loader answers objects with `involved`; every other loader is left alone.
    vi.spyOn(DataLoader.prototype, 'load').mockImplementation(async function (this: DataLoader<unknown, unknown>, key: unknown) {
      const value = await load.call(this, key);
      return value !== null && typeof value === 'object' && 'involved' in value ? { ...value, involved: true } : value;
    });
    await expect(expectWestSeesNothingOfHh1001(hub)).rejects.toThrow();
    // ... and it fails for the right reason: West reads the members, and the partners were asked.
    const leaked = await hub.query(await westToken(hub), HOUSEHOLD, { id: 'hh-1001' });
    expect(leaked.body.data!.household.members.map((member: any) => member.givenName)).toEqual(['Mohammed', 'Fatima', 'Yasmina']);
    expect(bsnsAskedOfPartners(hub)).toEqual(expect.arrayContaining(hh1001Bsns.slice(0, 2)));
  });

  it('after West\'s intake by BSN the same query shows the data; after endInvolvement the next request is NOT_INVOLVED again', async () => {
    const west = await westToken(hub);
    await expectWestSeesNothingOfHh1001(hub);

    const intake = await hub.query(west, REGISTER_INTAKE, { input: { bsn: hh1001Bsns[0] } });
    expect(intake.body.errors).toBeUndefined();
    expect(intake.body.data!.registerIntake).toEqual({ created: false, alreadyInvolved: false, household: { id: 'hh-1001' } });

    resetPartnerCounters(hub);
    const seen = await hub.query(west, HOUSEHOLD, { id: 'hh-1001' });
    const household = seen.body.data!.household;
    expect(household.address).toEqual({ street: 'Kanaalstraat' });
    expect(household.involvement.map((entry: any) => entry.organisation.id)).toContain('wijkteam-west');
    expect(household.members.map((member: any) => member.givenName)).toEqual(['Mohammed', 'Fatima', 'Yasmina']);
    expect(household.members[0].housing).toEqual({ monthlyRent: 715.4, rentArrearsTwoMonthsOrMore: true });
    expect(household.members[0].debt.totalDebt).toBe(23410.55);
    // GGZ stays consent-only: Mohammed's consent is for wijkteam Oost, not West.
    expect(errorsAt(seen, 'household', 'members', 0, 'care')[0].extensions!.code).toBe('CONSENT_REQUIRED');
    expect(bsnsAskedOfPartners(hub)).toEqual(expect.arrayContaining(hh1001Bsns.slice(0, 2)));

    const ended = await hub.query(west, END_INVOLVEMENT, {
      input: { householdId: 'hh-1001', organisationId: 'wijkteam-west', purpose: 'wijkteam-ondersteuning', reason: 'Overgedragen aan wijkteam Oost' },
    });
    expect(ended.body.errors).toBeUndefined();
    expect(ended.body.data!.endInvolvement).toEqual({ id: 'hh-1001' });
    await expectWestSeesNothingOfHh1001(hub);
  });
});

describeWithPostgres('the row rule check, against a policy without a row rule', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    const policyFile = path.resolve('schema/field-policies.yaml');
    const original = readFileSync(policyFile, 'utf8');
    const withoutRowRule = original.replace('involvementRequiredFor: [wmo-wijkteam, toestemmingsregistratie, consent]', 'involvementRequiredFor: []');
    expect(withoutRowRule).not.toBe(original);
    hub = await startTestHub(database(), (config) => {
      const file = path.join(config.dataDir, 'no-row-rule.yaml');
      writeFileSync(file, withoutRowRule);
      return { ...config, policyFile: file };
    });
  });
  afterAll(async () => hub?.stop());

  it('fails: West then sees hh-1001 and the partners are asked', async () => {
    await expect(expectWestSeesNothingOfHh1001(hub)).rejects.toThrow();
    expect(bsnsAskedOfPartners(hub)).toEqual(expect.arrayContaining(hh1001Bsns.slice(0, 2)));
  });
});
