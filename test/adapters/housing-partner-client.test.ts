import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { fetchHousing } from '../../src/adapters/housing/partner-client.ts';
import { HOUSING_FIELDS } from '../../src/adapters/housing/translate.ts';
import { HUURDER_VELDEN, startHousingSimulator } from '../../src/partners/housing/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { fictionalBsns, largePopulation } from '../partners/large-population.ts';
import { contractFields } from './contract-fields.ts';

// Linda: 5 months of arrears, eviction scheduled. Emre: 2 months. Johan: 1 month.
const LINDA = '999918369';
const EMRE = '999921423';
const JOHAN = '999930163';

describe('housing partner client', () => {
  let sim: RunningSimulator;
  const config = () => ({ partnerUrl: sim.url, timeBudgetMs: 2000 });
  beforeAll(async () => {
    sim = await startHousingSimulator();
  });
  afterAll(() => sim.close());

  it('maps every contract field to velden the corporation knows', () => {
    expect(Object.keys(HOUSING_FIELDS).sort()).toEqual(contractFields('housing', 'Housing').sort());
    for (const velden of Object.values(HOUSING_FIELDS)) for (const veld of velden) expect(HUURDER_VELDEN).toContain(veld);
  });

  it('asks the corporation only for the velden behind the requested fields', async () => {
    sim.resetCount();
    const result = await fetchHousing(config(), [LINDA, JOHAN], ['rentArrearsMonths', 'evictionStatus', '__typename']);
    expect(result.get(LINDA)).toEqual({
      contractNumber: null, tenancyStartDate: null, monthlyRent: null, rentArrearsAmount: null, rentArrearsMonths: 5,
      rentArrearsTwoMonthsOrMore: null, nuisanceReportsCount: null, evictionStatus: 'EVICTION_SCHEDULED',
    });
    expect(sim.receivedRequests()).toEqual([{ bsns: [LINDA, JOHAN], fields: ['achterstand.maanden', 'uitzettingsprocedure.fase'] }]);
  });

  it('gets the Wgs early signal without the amount ever leaving the corporation', async () => {
    sim.resetCount();
    const result = await fetchHousing(config(), [LINDA, EMRE, JOHAN], ['rentArrearsTwoMonthsOrMore']);
    expect([LINDA, EMRE, JOHAN].map((bsn) => result.get(bsn)?.rentArrearsTwoMonthsOrMore)).toEqual([true, true, false]);
    expect(result.get(LINDA)?.rentArrearsAmount).toBeNull();
    expect(sim.receivedRequests()).toEqual([{ bsns: [LINDA, EMRE, JOHAN], fields: ['vroegsignaal'] }]);
  });

  it('asks for every veld when every field is named, and for none (only who is a tenant) for an empty list', async () => {
    sim.resetCount();
    const all = await fetchHousing(config(), [LINDA], Object.keys(HOUSING_FIELDS));
    expect(all.get(LINDA)).toMatchObject({ contractNumber: 'HC-33044', rentArrearsAmount: 3951.3, rentArrearsTwoMonthsOrMore: true });
    const none = await fetchHousing(config(), [LINDA, '999915460'], []);
    expect([...none.keys()]).toEqual([LINDA]);
    expect(sim.receivedRequests().map((request) => request.fields)).toEqual([[...HUURDER_VELDEN], []]);
  });

  it('follows the pages: more tenants than one page are all found in one logical call', async () => {
    const many = await startHousingSimulator({ households: largePopulation(12), pageSize: 5 });
    try {
      const bsns = fictionalBsns(12);
      const result = await fetchHousing({ partnerUrl: many.url, timeBudgetMs: 2000 }, bsns, ['contractNumber']);
      expect([...result.keys()].sort()).toEqual([...bsns].sort());
      expect(many.requestCount()).toBe(3);
      expect(many.receivedRequests()).toEqual([{ bsns, fields: ['contractnummer'] }]);
    } finally {
      await many.close();
    }
  });

  it('honours 429 + Retry-After within its budget, and reports SOURCE_UNAVAILABLE when the wait does not fit', async () => {
    const limited = await startHousingSimulator({ rateLimitPerSecond: 1 });
    try {
      const partner = (timeBudgetMs: number) => ({ partnerUrl: limited.url, timeBudgetMs });
      await fetchHousing(partner(3000), [LINDA], ['evictionStatus']);
      const started = performance.now();
      const waited = await fetchHousing(partner(3000), [LINDA], ['evictionStatus']);
      expect(waited.get(LINDA)?.evictionStatus).toBe('EVICTION_SCHEDULED');
      expect(performance.now() - started).toBeGreaterThanOrEqual(900);
      expect(limited.requestCount()).toBe(3);

      const hasty = performance.now();
      const error = await fetchHousing(partner(500), [LINDA], ['evictionStatus']).catch((e: unknown) => e);
      expect(performance.now() - hasty).toBeLessThan(400);
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'housing' });
    } finally {
      await limited.close();
    }
  });
});
