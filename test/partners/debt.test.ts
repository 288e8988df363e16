import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDebtSimulator } from '../../src/partners/debt/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { postJson, request } from './http.ts';

const SEARCH = '/api/v1/dossiers/zoeken';

describe('debt relief simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDebtSimulator();
  });
  afterAll(() => sim.close());

  it('returns the cases it knows, in Dutch, and omits unknown BSNs', async () => {
    // Johan Visser (Wsnp), Gerrit Smit (intake); Emre Yilmaz has no case.
    const res = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999921423', '999930163', '999975201'] });
    expect(res.status).toBe(200);
    const byBsn = Object.fromEntries(res.json.dossiers.map((d: { bsn: string }) => [d.bsn, d]));
    expect(Object.keys(byBsn).sort()).toEqual(['999930163', '999975201']);
    expect(byBsn['999930163']).toEqual({
      bsn: '999930163',
      dossiernummer: 'SHV-2023-0109',
      fase: 'wsnp',
      totaleSchuld: 41022.0,
      aantalSchuldeisers: 21,
      betalingsregeling: true,
      budgetbeheer: true,
      aangemeldOp: '2023-03-09',
    });
    expect(byBsn['999975201'].fase).toBe('intake');
  });

  it('uses the Dutch phase names for every status in the demo data', async () => {
    const res = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999906318', '999918369', '999949913'] });
    const fases = Object.fromEntries(res.json.dossiers.map((d: any) => [d.bsn, d.fase]));
    expect(fases).toEqual({ '999906318': 'schuldregeling', '999918369': 'stabilisatie', '999949913': 'nazorg' });
  });

  it('counts searches, rejects a bad body with 400 JSON, and has no GET search', async () => {
    sim.resetCount();
    const bad = await postJson(`${sim.url}${SEARCH}`, { bsn: '999906318' });
    expect(bad.status).toBe(400);
    expect(bad.json.fout).toBe('invalid_request');
    expect((await request(`${sim.url}${SEARCH}`)).status).toBe(405);
    expect(sim.requestCount()).toBe(2);
  });

  it('answers 503 while down', async () => {
    sim.setDown(true);
    try {
      const res = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999906318'] });
      expect(res.status).toBe(503);
      expect(res.json.error).toBeTypeOf('string');
    } finally {
      sim.setDown(false);
    }
  });
});
