import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoHousehold } from '../../src/demo/population.ts';
import { HUURDER_VELDEN, startHousingSimulator } from '../../src/partners/housing/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { postJson, request } from './http.ts';
import { largePopulation } from './large-population.ts';

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
      vroegsignaal: true,
      overlastmeldingen: 4,
      uitzettingsprocedure: { fase: 'aanzegging' },
    });
    expect(byBsn['999915927'].uitzettingsprocedure).toEqual({ fase: 'geen' });
    expect(byBsn['999915927'].vroegsignaal).toBe(false);
    expect(res.json.volgendePagina).toBeNull();
  });

  it('returns only the asked velden, and logs the search in its own vocabulary', async () => {
    sim.resetCount();
    // Linda: 5 months of arrears. Emre: exactly 2 (signal). Johan: 1 (no signal).
    const signal = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999918369', '999921423', '999930163'], velden: ['vroegsignaal'] });
    expect(signal.status).toBe(200);
    expect(signal.json.huurders).toEqual([
      { bsn: '999918369', vroegsignaal: true },
      { bsn: '999921423', vroegsignaal: true },
      { bsn: '999930163', vroegsignaal: false },
    ]);
    // The amount never left the corporation.
    expect(signal.text).not.toMatch(/achterstand|bedrag|3951/);
    const nested = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999918369'], velden: ['achterstand.maanden', 'uitzettingsprocedure.fase'] });
    expect(nested.json.huurders).toEqual([{ bsn: '999918369', achterstand: { maanden: 5 }, uitzettingsprocedure: { fase: 'aanzegging' } }]);
    const everything = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999918369'] });
    expect(Object.keys(everything.json.huurders[0]).sort()).toEqual(['achterstand', 'bsn', 'contractnummer', 'ingangsdatum', 'maandhuur', 'overlastmeldingen', 'uitzettingsprocedure', 'vroegsignaal']);
    expect(sim.receivedRequests()).toEqual([
      { bsns: ['999918369', '999921423', '999930163'], fields: ['vroegsignaal'] },
      { bsns: ['999918369'], fields: ['achterstand.maanden', 'uitzettingsprocedure.fase'] },
      { bsns: ['999918369'], fields: [...HUURDER_VELDEN] },
    ]);
  });

  it('refuses an unknown veld with 400, naming its position only', async () => {
    sim.resetCount();
    const res = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999918369'], velden: ['maandhuur', '999918369'] });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ fout: 'unknown_field', index: 1 });
    expect(res.text).not.toContain('999918369');
    expect(sim.receivedRequests()).toEqual([]);
  });

  it('pages its results with an opaque cursor in the body, logged as one search', async () => {
    const many = await startHousingSimulator({ households: largePopulation(12), pageSize: 5 });
    try {
      const bsns = largePopulation(12).map((household) => household.members[0].bsn);
      const body = { bsns, velden: ['contractnummer'] };
      const pages = [];
      let pagina: string | undefined;
      do {
        const res = await postJson(`${many.url}${SEARCH}`, pagina === undefined ? body : { ...body, pagina });
        expect(res.status).toBe(200);
        pages.push(res.json.huurders);
        pagina = res.json.volgendePagina ?? undefined;
        if (pagina) for (const bsn of bsns) expect(pagina).not.toContain(bsn);
      } while (pagina);
      expect(pages.map((page) => page.length)).toEqual([5, 5, 2]);
      expect(pages.flat().map((huurder: { bsn: string }) => huurder.bsn).sort()).toEqual([...bsns].sort());
      expect(many.requestCount()).toBe(3);
      expect(many.receivedRequests()).toEqual([{ bsns, fields: ['contractnummer'] }]);

      // A cursor belongs to its search: other velden, other BSNs or a forged cursor are refused.
      const first = await postJson(`${many.url}${SEARCH}`, body);
      const cursor = first.json.volgendePagina as string;
      for (const other of [{ ...body, velden: ['maandhuur'], pagina: cursor }, { ...body, bsns: bsns.slice(1), pagina: cursor }, { ...body, pagina: cursor.replace(/^5\./, '0.') }, { ...body, pagina: 'x' }]) {
        const res = await postJson(`${many.url}${SEARCH}`, other);
        expect(res.status).toBe(400);
        expect(res.json.fout).toBe('invalid_page');
      }
    } finally {
      await many.close();
    }
  });

  it('answers 429 with Retry-After when pushed beyond its rate limit', async () => {
    const limited = await startHousingSimulator({ rateLimitPerSecond: 2 });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await postJson(`${limited.url}${SEARCH}`, { bsns: ['999918369'] })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const refused = await fetch(`${limited.url}${SEARCH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bsns: ['999918369'] }) });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.receivedRequests()).toHaveLength(2);
    } finally {
      await limited.close();
    }
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
    for (const body of ['not json', {}, [], { bsns: '999906318' }, { bsns: [123] }, { bsns: ['999906318', '999906319'] }, { bsns: [], velden: 'maandhuur' }, { bsns: [], pagina: 5 }]) {
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
