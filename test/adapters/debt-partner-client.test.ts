import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GraphQLError } from 'graphql';
import { fetchDebt } from '../../src/adapters/debt/partner-client.ts';
import { DEBT_FIELDS } from '../../src/adapters/debt/translate.ts';
import { logger } from '../../src/observability/logger.ts';
import { DOSSIER_VELDEN, startDebtSimulator } from '../../src/partners/debt/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { contractFields } from './contract-fields.ts';

const API_KEY = 'debt-client-test-key-5f1c9a';
const JOHAN = '999930163';

describe('debt partner client', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startDebtSimulator({ apiKey: API_KEY });
  });
  afterAll(() => sim.close());
  afterEach(() => vi.restoreAllMocks());

  it('maps every contract field to velden debt relief knows', () => {
    expect(Object.keys(DEBT_FIELDS).sort()).toEqual(contractFields('debt', 'Debt').sort());
    for (const velden of Object.values(DEBT_FIELDS)) for (const veld of velden) expect(DOSSIER_VELDEN).toContain(veld);
  });

  it('sends its API key and asks only for the velden behind the requested fields', async () => {
    sim.resetCount();
    const result = await fetchDebt({ partnerUrl: sim.url, timeBudgetMs: 2000, apiKey: API_KEY }, [JOHAN, '999921423'], ['caseStatus', 'totalDebt']);
    expect([...result.keys()]).toEqual([JOHAN]);
    expect(result.get(JOHAN)).toEqual({ caseNumber: null, caseStatus: 'WSNP', totalDebt: 41022, creditorCount: null, paymentArrangement: null, budgetManagement: null });
    expect(sim.receivedRequests()).toEqual([{ bsns: [JOHAN, '999921423'], fields: ['fase', 'totaleSchuld'] }]);
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'not-the-key'],
  ])('reports SOURCE_UNAVAILABLE for a %s key (401 at the partner), with no key in errors or logs', async (_case, apiKey) => {
    const logged: unknown[] = [];
    const child = { debug: vi.fn((...args: unknown[]) => logged.push(args)), warn: vi.fn((...args: unknown[]) => logged.push(args)) };
    vi.spyOn(logger, 'child').mockImplementation((bindings) => {
      logged.push(bindings);
      return child as never;
    });
    sim.resetCount();
    const error = await fetchDebt({ partnerUrl: sim.url, timeBudgetMs: 2000, apiKey }, [JOHAN], ['caseStatus']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'debt' });
    expect(sim.requestCount()).toBe(1);
    expect(sim.receivedRequests()).toEqual([]);
    expect(child.warn).toHaveBeenCalledWith(expect.objectContaining({ reason: 'http_status', status: 401 }), 'partner call failed');
    const shown = JSON.stringify([logged, (error as GraphQLError).message, (error as GraphQLError).extensions]);
    for (const secret of [API_KEY, apiKey ?? API_KEY, JOHAN]) expect(shown).not.toContain(secret);
  });
});
