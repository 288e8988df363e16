import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debtAdapter, startDebtAdapter } from '../../src/adapters/debt/adapter.ts';
import { toDebt } from '../../src/adapters/debt/translate.ts';
import type { RunningGraphQLService } from '../../src/adapters/sdk/index.ts';
import { startDebtSimulator } from '../../src/partners/debt/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { describeAdapterContract } from './adapter-contract.ts';
import { peopleByBsn } from './graphql-client.ts';
import { createTestHubKeys, type TestHubKeys } from './hub-tokens.ts';

/** Debt relief authenticates its adapter: simulator and adapter share this key. */
const API_KEY = 'test-debt-api-key';
const SELECTION = 'caseNumber caseStatus totalDebt creditorCount paymentArrangement budgetManagement';

describeAdapterContract({
  domain: 'debt',
  label: 'Debt',
  selection: SELECTION,
  // With a case: Mohammed, Peter, Linda, Johan. Without: Emre, Yasmina.
  known: ['999906318', '999915927', '999918369', '999930163'],
  unknown: ['999921423', '999915460'],
  startSimulator: () => startDebtSimulator({ apiKey: API_KEY }),
  partnerUrl: (sim) => sim.url,
  definition: debtAdapter,
  startAdapter: (options) => startDebtAdapter({ ...options, apiKey: API_KEY }),
});

describe('debt adapter: translation', () => {
  let sim: RunningSimulator;
  let adapter: RunningGraphQLService;
  let hub: TestHubKeys;
  beforeAll(async () => {
    hub = await createTestHubKeys();
    sim = await startDebtSimulator({ apiKey: API_KEY });
    adapter = await startDebtAdapter({ partnerUrl: sim.url, apiKey: API_KEY, hubKeys: hub.hubKeys, dataDir: hub.dataDir });
  });
  afterAll(async () => {
    try {
      await adapter?.close();
      await sim?.close();
    } finally {
      await hub?.cleanup(); // the key folder goes also when start-up or close failed
    }
  });

  it('translates the case fields to the hub contract end to end', async () => {
    const result = await peopleByBsn(hub, adapter.url, ['999930163', '999915927'], 'debt', SELECTION);
    expect(result.body.data.peopleByBsn).toEqual([
      { bsn: '999930163', debt: { caseNumber: 'SHV-2023-0109', caseStatus: 'WSNP', totalDebt: 41022, creditorCount: 21, paymentArrangement: true, budgetManagement: true } },
      { bsn: '999915927', debt: { caseNumber: 'SHV-2026-0077', caseStatus: 'INTAKE', totalDebt: 8915, creditorCount: 5, paymentArrangement: false, budgetManagement: false } },
    ]);
  });

  it('maps every Dutch phase, and an unknown phase to null', () => {
    const status = (fase: unknown) => toDebt({ bsn: 'x', fase }).caseStatus;
    expect(['intake', 'stabilisatie', 'schuldregeling', 'wsnp', 'nazorg', 'afgesloten'].map(status)).toEqual([
      'INTAKE', 'STABILISATION', 'DEBT_SETTLEMENT', 'WSNP', 'AFTERCARE', 'CLOSED',
    ]);
    expect(status('heraanmelding')).toBeNull();
    expect(status(3)).toBeNull();
    expect(toDebt({ bsn: 'x', betalingsregeling: 'ja', aantalSchuldeisers: '13' })).toMatchObject({ paymentArrangement: null, creditorCount: null });
  });
});
