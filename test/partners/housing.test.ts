import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoHousehold } from '../../src/demo/population.ts';
import { startHousingSimulator } from '../../src/partners/housing/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { postJson, request } from './http.ts';

const SEARCH = '/api/v1/huurders/zoeken';

describe('housing corporation simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startHousingSimulator({ port: 0 });
  });
  afterAll(() => sim.close());

  it('returns the tenants it knows, in Dutch, and omits unknown BSNs', async () => {
    // Linda Bakker (eviction scheduled), Peter de Vries (no procedure); Yasmina and Gerrit are not tenants.
    const res = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999915460', '999918369', '999975201', '999915927'] });
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('application/json');
    const byBsn = Object.fromEntries(res.json.huurders.map((h: { bsn: string }) => [h.bsn, h]));
    expect(Object.keys(byBsn).sort()).toEqual(['999915927', '999918369']);
    expect(byBsn['999918369']).toEqual({
      bsn: '999918369',
      contractnummer: 'HC-33044',
      ingangsdatum: '2016-02-01',
      maandhuur: 688.75,
      achterstand: { bedrag: 3951.3, maanden: 5 },
      overlastmeldingen: 4,
      uitzettingsprocedure: { fase: 'aanzegging' },
    });
    expect(byBsn['999915927'].uitzettingsprocedure).toEqual({ fase: 'geen' });
  });

  it('translates every eviction stage to its Dutch phase', async () => {
    const person = (bsn: string, eviction: 'NONE' | 'SUMMONED' | 'JUDGMENT' | 'EVICTION_SCHEDULED' | 'EVICTED') => ({
      id: bsn, bsn, givenName: 'T', familyName: 'T', birthDate: '1980-01-01',
      housing: { contractNumber: 'C', tenancyStartDate: '2020-01-01', monthlyRent: 1, arrearsAmount: 0, arrearsMonths: 0, nuisanceReports: 0, eviction },
    });
    const households: DemoHousehold[] = [{
      id: 'h', address: { street: 's', houseNumber: 1, postcode: '1234AB', city: 'X' }, regisseur: { name: 'r', phone: 'p', organisationId: 'o' }, involvement: [],
      members: [person('999906318', 'JUDGMENT'), person('999914455', 'EVICTED'), person('999915927', 'SUMMONED')],
    }];
    const custom = await startHousingSimulator({ households });
    try {
      const res = await postJson(`${custom.url}${SEARCH}`, { bsns: ['999906318', '999914455', '999915927', '999918369'] });
      const fases = Object.fromEntries(res.json.huurders.map((h: any) => [h.bsn, h.uitzettingsprocedure.fase]));
      expect(fases).toEqual({ '999906318': 'vonnis', '999914455': 'ontruimd', '999915927': 'dagvaarding' });
    } finally {
      await custom.close();
    }
  });

  it('counts every search', async () => {
    sim.resetCount();
    await postJson(`${sim.url}${SEARCH}`, { bsns: ['999906318'] });
    await postJson(`${sim.url}${SEARCH}`, { bsns: [] });
    expect(sim.requestCount()).toBe(2);
  });

  it('rejects a malformed body with a 400 JSON error that does not echo the BSN', async () => {
    for (const body of ['not json', {}, { bsns: '999906318' }, { bsns: [123] }, { bsns: ['999906318', '999906319'] }]) {
      const res = await postJson(`${sim.url}${SEARCH}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.contentType).toContain('application/json');
      expect(typeof res.json.fout).toBe('string');
      expect(res.text).not.toContain('999906319');
    }
    const bad = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999906318', '999906319'] });
    expect(bad.json.index).toBe(1);
  });

  it('answers only POST on the search route and 404 elsewhere', async () => {
    expect((await request(`${sim.url}${SEARCH}`)).status).toBe(405);
    const unknown = await postJson(`${sim.url}/api/v1/huurders`, { bsns: [] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.fout).toBe('not_found');
  });

  it('answers 503 while down and is slow when told so', async () => {
    sim.setDown(true);
    try {
      expect((await postJson(`${sim.url}${SEARCH}`, { bsns: ['999906318'] })).status).toBe(503);
    } finally {
      sim.setDown(false);
    }
    sim.setLatency(200);
    try {
      const started = performance.now();
      expect((await postJson(`${sim.url}${SEARCH}`, { bsns: ['999906318'] })).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      sim.setLatency(0);
    }
  });
});
