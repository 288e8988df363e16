import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAdapter, startAdapter, type RunningGraphQLService } from '../../../src/adapters/sdk/index.ts';
import { runConformance } from '../../../src/adapters/conformance/run-conformance.ts';
import { loadDomainSdl } from '../../../src/domain/partner-domains.ts';
import { startGgzAdapter } from '../../../src/adapters/ggz/adapter.ts';
import { startGgzFhirSimulator } from '../../../src/partners/ggz/simulator.ts';
import type { RunningSimulator } from '../../../src/partners/simulator-server.ts';
import { createTestHubKeys, type TestHubKeys } from '../hub-tokens.ts';

/**
 * The care contract marks `Care @specialCategory` for the hub's policy check. The adapter SDK serves the
 * marked contract, and the conformance kit's schema check passes an adapter that serves the contract with
 * or without declaring the marker (an adapter on another stack may leave it out), while a real change
 * to the contract still fails.
 */
describe('the @specialCategory marker and the care adapters', () => {
  let hub: TestHubKeys;
  let fhir: RunningSimulator;
  const adapters: RunningGraphQLService[] = [];
  beforeAll(async () => {
    hub = await createTestHubKeys();
    fhir = await startGgzFhirSimulator();
  });
  afterAll(async () => {
    try {
      for (const adapter of adapters) await adapter.close();
      await fhir?.close();
    } finally {
      await hub?.cleanup();
    }
  });

  async function schemaCheck(contractSdl?: string) {
    const options = { partnerUrl: `${fhir.url}/fhir`, hubKeys: hub.hubKeys, dataDir: hub.dataDir };
    const adapter = contractSdl
      ? await startAdapter(defineAdapter({ name: 'ggz-variant', domain: 'care', contractSdl, personField: 'care', fetch: async () => new Map() }), options)
      : await startGgzAdapter(options);
    adapters.push(adapter);
    const report = await runConformance({ url: adapter.url, domain: 'care', hubKey: hub.hubKey });
    return report.results.find((result) => result.name === 'schema-compatible')!;
  }

  it('passes the GGZ adapter that serves the marked contract', async () => {
    expect(loadDomainSdl('care')).toContain('type Care @specialCategory');
    expect(await schemaCheck()).toMatchObject({ passed: true });
  });

  it('passes an adapter that serves the contract without the marker', async () => {
    const unmarked = loadDomainSdl('care').replace(/directive @specialCategory on OBJECT/, '').replace('type Care @specialCategory', 'type Care');
    expect(unmarked).not.toContain('specialCategory');
    expect(await schemaCheck(unmarked)).toMatchObject({ passed: true });
  });

  it('still fails an adapter that changes a Care field', async () => {
    const changed = loadDomainSdl('care').replace('inCare: Boolean', 'inCare: String');
    const result = await schemaCheck(changed);
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(/Care\.inCare changed type from Boolean to String/);
  });
});
