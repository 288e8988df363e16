import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOSSIER_VELDEN, startDebtSimulator } from '../../src/partners/debt/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { request, type HttpResult } from './http.ts';

const SEARCH = '/api/v1/dossiers/zoeken';
const API_KEY = 'test-debt-key-0123456789';

function post(url: string, body: unknown, apiKey: string | null = API_KEY): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey === null ? {} : { 'x-api-key': apiKey }) };
  return request(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
const postJson = (url: string, body: unknown) => post(url, body);

describe('debt relief simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDebtSimulator({ apiKey: API_KEY });
  });
  afterAll(() => sim.close());

  it('refuses a missing or wrong API key with 401, before looking at the search', async () => {
    sim.resetCount();
    for (const key of [null, '', 'wrong', `${API_KEY}x`, API_KEY.slice(0, -1)]) {
      const res = await post(`${sim.url}${SEARCH}`, { bsns: ['999930163'] }, key);
      expect(res.status, String(key)).toBe(401);
      expect(res.json.fout).toBe('unauthorized');
      expect(res.text).not.toContain('999930163');
    }
    expect(sim.receivedRequests()).toEqual([]);
    expect((await post(`${sim.url}${SEARCH}`, { bsns: ['999930163'] })).status).toBe(200);
  });

  it('takes its key from DEBT_PARTNER_API_KEY, and does not start without one', async () => {
    const saved = process.env.DEBT_PARTNER_API_KEY;
    try {
      process.env.DEBT_PARTNER_API_KEY = 'from-the-environment';
      const fromEnv = await startDebtSimulator();
      try {
        expect((await post(`${fromEnv.url}${SEARCH}`, { bsns: [] }, 'from-the-environment')).status).toBe(200);
        expect((await post(`${fromEnv.url}${SEARCH}`, { bsns: [] })).status).toBe(401);
      } finally {
        await fromEnv.close();
      }
      process.env.DEBT_PARTNER_API_KEY = '';
      await expect(startDebtSimulator()).rejects.toThrow(/DEBT_PARTNER_API_KEY/);
    } finally {
      if (saved === undefined) delete process.env.DEBT_PARTNER_API_KEY;
      else process.env.DEBT_PARTNER_API_KEY = saved;
    }
  });

  it('returns only the asked velden and logs them', async () => {
    sim.resetCount();
    const res = await postJson(`${sim.url}${SEARCH}`, { bsns: ['999930163', '999921423'], velden: ['fase', 'budgetbeheer'] });
    expect(res.json.dossiers).toEqual([{ bsn: '999930163', fase: 'wsnp', budgetbeheer: true }]);
    await postJson(`${sim.url}${SEARCH}`, { bsns: ['999930163'] });
    expect(sim.receivedRequests()).toEqual([
      { bsns: ['999930163', '999921423'], fields: ['fase', 'budgetbeheer'] },
      { bsns: ['999930163'], fields: [...DOSSIER_VELDEN] },
    ]);
  });

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
    expect((await request(`${sim.url}${SEARCH}`, { headers: { 'x-api-key': API_KEY } })).status).toBe(405);
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
