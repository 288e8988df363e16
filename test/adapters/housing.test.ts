import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { housingAdapter, startHousingAdapter } from '../../src/adapters/housing/adapter.ts';
import { toHousing } from '../../src/adapters/housing/translate.ts';
import type { RunningGraphQLService } from '../../src/adapters/sdk/index.ts';
import { startHousingSimulator } from '../../src/partners/housing/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { describeAdapterContract } from './adapter-contract.ts';
import { peopleByBsn } from './graphql-client.ts';
import { createTestHubKeys, type TestHubKeys } from './hub-tokens.ts';

const SELECTION = 'contractNumber tenancyStartDate monthlyRent rentArrearsAmount rentArrearsMonths nuisanceReportsCount evictionStatus';

describeAdapterContract({
  domain: 'housing',
  label: 'Housing',
  selection: SELECTION,
  // Tenants: Mohammed, Peter, Linda, Emre. Not tenants: Yasmina (a child), Gerrit (no corporation).
  known: ['999906318', '999915927', '999918369', '999921423'],
  unknown: ['999915460', '999975201'],
  startSimulator: () => startHousingSimulator(),
  partnerUrl: (sim) => sim.url,
  definition: housingAdapter,
  startAdapter: startHousingAdapter,
});

describe('housing adapter: translation', () => {
  let sim: RunningSimulator;
  let adapter: RunningGraphQLService;
  let hub: TestHubKeys;
  beforeAll(async () => {
    hub = await createTestHubKeys();
    sim = await startHousingSimulator();
    adapter = await startHousingAdapter({ partnerUrl: sim.url, hubKeys: hub.hubKeys, dataDir: hub.dataDir });
  });
  afterAll(async () => {
    try {
      await adapter?.close();
      await sim?.close();
    } finally {
      await hub?.cleanup(); // the key folder goes also when start-up or close failed
    }
  });

  it('translates the corporation fields to the hub contract end to end', async () => {
    const result = await peopleByBsn(hub, adapter.url, ['999918369', '999906318'], 'housing', SELECTION);
    expect(result.body.data.peopleByBsn).toEqual([
      {
        bsn: '999918369',
        housing: {
          contractNumber: 'HC-33044', tenancyStartDate: '2016-02-01', monthlyRent: 688.75, rentArrearsAmount: 3951.3,
          rentArrearsMonths: 5, nuisanceReportsCount: 4, evictionStatus: 'EVICTION_SCHEDULED',
        },
      },
      {
        bsn: '999906318',
        housing: {
          contractNumber: 'HC-40112', tenancyStartDate: '2011-05-01', monthlyRent: 715.4, rentArrearsAmount: 2146.2,
          rentArrearsMonths: 3, nuisanceReportsCount: 1, evictionStatus: 'SUMMONED',
        },
      },
    ]);
  });

  it('maps every eviction phase, and an unknown phase or wrong type to null', () => {
    const phase = (fase: unknown) => toHousing({ bsn: 'x', uitzettingsprocedure: { fase } }).evictionStatus;
    expect(['geen', 'dagvaarding', 'vonnis', 'aanzegging', 'ontruimd'].map(phase)).toEqual(['NONE', 'SUMMONED', 'JUDGMENT', 'EVICTION_SCHEDULED', 'EVICTED']);
    expect(phase('hoger beroep')).toBeNull();
    expect(phase('toString')).toBeNull();
    const odd = toHousing({ bsn: 'x', maandhuur: '715', achterstand: 'veel', overlastmeldingen: 1.5 });
    expect(odd).toMatchObject({ monthlyRent: null, rentArrearsAmount: null, rentArrearsMonths: null, nuisanceReportsCount: null, evictionStatus: null });
  });
});
