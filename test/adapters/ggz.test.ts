import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ggzAdapter, startGgzAdapter } from '../../src/adapters/ggz/adapter.ts';
import { patientSearchBody } from '../../src/adapters/ggz/partner-client.ts';
import type { RunningGraphQLService } from '../../src/adapters/sdk/index.ts';
import { startGgzFhirSimulator } from '../../src/partners/ggz/simulator.ts';
import { jsonResponse, startSimulator, type RunningSimulator } from '../../src/partners/simulator-server.ts';
import { describeAdapterContract } from './adapter-contract.ts';
import { peopleByBsn } from './graphql-client.ts';
import { createTestHubKeys, type TestHubKeys } from './hub-tokens.ts';

const SELECTION = 'inCare trajectoryKind responsiblePractitioner crisisPlanPresent';

describeAdapterContract({
  domain: 'care',
  label: 'Care',
  selection: SELECTION,
  // Known to GGZ: Mohammed, Linda, Ayşe, Daan. Unknown: Fatima, Peter.
  known: ['999906318', '999918369', '999925982', '999949913'],
  unknown: ['999914455', '999915927'],
  startSimulator: () => startGgzFhirSimulator(),
  partnerUrl: (sim) => `${sim.url}/fhir`,
  definition: ggzAdapter,
  startAdapter: startGgzAdapter,
});

describe('GGZ adapter: FHIR search and mapping end to end', () => {
  let fhir: RunningSimulator;
  let adapter: RunningGraphQLService;
  let hub: TestHubKeys;
  beforeAll(async () => {
    hub = await createTestHubKeys();
    fhir = await startGgzFhirSimulator();
    adapter = await startGgzAdapter({ partnerUrl: `${fhir.url}/fhir`, hubKeys: hub.hubKeys, dataDir: hub.dataDir });
  });
  afterAll(async () => {
    try {
      await adapter?.close();
      await fhir?.close();
    } finally {
      await hub?.cleanup(); // the key folder goes also when start-up or close failed
    }
  });

  it('maps EpisodeOfCare, CareTeam and CarePlan to Care', async () => {
    const result = await peopleByBsn(hub, adapter.url, ['999906318', '999918369', '999925982', '999949913'], 'care', SELECTION);
    expect(result.body.data.peopleByBsn).toEqual([
      { bsn: '999906318', care: { inCare: true, trajectoryKind: 'SPECIALIST_GGZ', responsiblePractitioner: 'drs. M. Verhoeven (GZ-psycholoog)', crisisPlanPresent: true } },
      { bsn: '999918369', care: { inCare: true, trajectoryKind: 'BASIC_GGZ', responsiblePractitioner: 'E. Hendriks (verpleegkundig specialist GGZ)', crisisPlanPresent: false } },
      { bsn: '999925982', care: { inCare: true, trajectoryKind: 'FACT', responsiblePractitioner: 'dr. J. Kramer (psychiater)', crisisPlanPresent: true } },
      // Daan's trajectory is finished: known, but not in care.
      { bsn: '999949913', care: { inCare: false, trajectoryKind: 'BASIC_GGZ', responsiblePractitioner: 'E. Hendriks (verpleegkundig specialist GGZ)', crisisPlanPresent: false } },
    ]);
  });

  it('sends one form-encoded search with all identifiers and the three _revinclude parameters', () => {
    const params = new URLSearchParams(patientSearchBody(['999906318', '999918369']));
    expect(params.getAll('identifier')).toEqual(['http://fhir.nl/fhir/NamingSystem/bsn|999906318,http://fhir.nl/fhir/NamingSystem/bsn|999918369']);
    expect(params.getAll('_revinclude')).toEqual(['EpisodeOfCare:patient', 'CareTeam:patient', 'CarePlan:subject']);
  });

  it('ignores unknown resource types and extensions injected into the bundle', async () => {
    // A proxy in front of the real FHIR simulator that decorates its answer the way real servers do.
    const proxy = await startSimulator({
      name: 'fhir-proxy',
      handle: async (req, body) => {
        const upstream = await fetch(`${fhir.url}${req.path}`, { method: req.method, headers: { 'content-type': String(req.headers['content-type']) }, body });
        const bundle = (await upstream.json()) as any;
        for (const entry of bundle.entry) {
          entry.resource.extension = [{ url: 'https://ggz.example/fhir/StructureDefinition/x-afdeling', valueString: 'Team Oost' }];
          entry.resource.meta = { versionId: '7', profile: ['https://ggz.example/fhir/StructureDefinition/x'] };
          entry.resource.text = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">…</div>' };
        }
        const patientRef = bundle.entry[0].resource.id;
        bundle.entry.push(
          { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Provenance', id: 'p1', target: [{ reference: `Patient/${patientRef}` }], recorded: '2026-01-01T00:00:00Z' }, search: { mode: 'include' } },
          { fullUrl: 'urn:uuid:2', resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational' }] }, search: { mode: 'outcome' } },
          { resource: { resourceType: 'Flag', id: 'f1', status: 'active', subject: { reference: `Patient/${patientRef}` } }, search: { mode: 'include' } },
        );
        bundle.extension = [{ url: 'https://ggz.example/x', valueBoolean: true }];
        return jsonResponse(upstream.status, bundle, 'application/fhir+json');
      },
    });
    const viaProxy = await startGgzAdapter({ partnerUrl: `${proxy.url}/fhir`, hubKeys: hub.hubKeys, dataDir: hub.dataDir });
    try {
      const result = await peopleByBsn(hub, viaProxy.url, ['999906318', '999914455'], 'care', SELECTION);
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.peopleByBsn).toEqual([
        { bsn: '999906318', care: { inCare: true, trajectoryKind: 'SPECIALIST_GGZ', responsiblePractitioner: 'drs. M. Verhoeven (GZ-psycholoog)', crisisPlanPresent: true } },
        null,
      ]);
      expect(proxy.requestCount()).toBe(1);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });
});
