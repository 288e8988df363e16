import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { fetchCare, patientSearchBody } from '../../src/adapters/ggz/partner-client.ts';
import { CARE_FIELDS } from '../../src/adapters/ggz/translate.ts';
import { startGgzFhirSimulator } from '../../src/partners/ggz/simulator.ts';
import { jsonResponse, startSimulator, type RunningSimulator } from '../../src/partners/simulator-server.ts';
import { fictionalBsns, largePopulation } from '../partners/large-population.ts';
import { contractFields } from './contract-fields.ts';

const MOHAMMED = '999906318';
const LINDA = '999918369';
const AYSE = '999925982';
const DAAN = '999949913';
const ALL = Object.keys(CARE_FIELDS);

describe('GGZ partner client', () => {
  let fhir: RunningSimulator;
  const config = (partnerUrl = `${fhir.url}/fhir`) => ({ partnerUrl, timeBudgetMs: 2000 });
  beforeAll(async () => {
    fhir = await startGgzFhirSimulator();
  });
  afterAll(() => fhir.close());

  it('maps every contract field to search parameters', () => {
    expect(Object.keys(CARE_FIELDS).sort()).toEqual(contractFields('care', 'Care').sort());
  });

  it('searches all BSNs by the BSN system in one POST, asking only for the Patient identifiers', () => {
    const params = new URLSearchParams(patientSearchBody([MOHAMMED, LINDA], ['inCare']));
    expect(params.getAll('identifier')).toEqual([`http://fhir.nl/fhir/NamingSystem/bsn|${MOHAMMED},http://fhir.nl/fhir/NamingSystem/bsn|${LINDA}`]);
    expect(params.get('_elements')).toBe('identifier');
    expect(params.get('_count')).toMatch(/^\d+$/);
    expect(params.getAll('_revinclude')).toEqual(['EpisodeOfCare:patient']);
    expect(params.getAll('_include:iterate')).toEqual([]);
  });

  it('reads the regiebehandelaar through CareTeam, PractitionerRole and Practitioner in the same round trip', async () => {
    fhir.resetCount();
    const result = await fetchCare(config(), [MOHAMMED, LINDA, AYSE, DAAN, '999914455'], ALL);
    expect(Object.fromEntries(result)).toEqual({
      [MOHAMMED]: { inCare: true, trajectoryKind: 'SPECIALIST_GGZ', responsiblePractitioner: 'drs. M. Verhoeven (GZ-psycholoog)', crisisPlanPresent: true },
      [LINDA]: { inCare: true, trajectoryKind: 'BASIC_GGZ', responsiblePractitioner: 'E. Hendriks (verpleegkundig specialist GGZ)', crisisPlanPresent: false },
      [AYSE]: { inCare: true, trajectoryKind: 'FACT', responsiblePractitioner: 'dr. J. Kramer (psychiater)', crisisPlanPresent: true },
      // Daan's trajectory is finished: known, but not in care.
      [DAAN]: { inCare: false, trajectoryKind: 'BASIC_GGZ', responsiblePractitioner: 'E. Hendriks (verpleegkundig specialist GGZ)', crisisPlanPresent: false },
    });
    expect(fhir.requestCount()).toBe(1);
  });

  it('includes no care team or practitioner when the responsible practitioner is not asked for', async () => {
    fhir.resetCount();
    const result = await fetchCare(config(), [MOHAMMED], ['inCare', 'crisisPlanPresent']);
    expect(result.get(MOHAMMED)).toMatchObject({ inCare: true, crisisPlanPresent: true, responsiblePractitioner: null });
    expect(fhir.receivedRequests()).toEqual([
      { bsns: [MOHAMMED], fields: ['_elements=identifier', '_revinclude=EpisodeOfCare:patient', '_revinclude=CarePlan:subject'] },
    ]);
    const onlyPractitioner = await fetchCare(config(), [MOHAMMED], ['responsiblePractitioner']);
    expect(onlyPractitioner.get(MOHAMMED)?.responsiblePractitioner).toBe('drs. M. Verhoeven (GZ-psycholoog)');
    expect(fhir.receivedRequests()[1].fields).toEqual([
      '_elements=identifier', '_revinclude=CareTeam:patient', '_include:iterate=CareTeam:participant', '_include:iterate=PractitionerRole:practitioner',
    ]);
  });

  it('follows Bundle.link next: more patients than one page are all found in one logical call', async () => {
    const many = await startGgzFhirSimulator({ households: largePopulation(12), pageSize: 5 });
    try {
      const bsns = fictionalBsns(12);
      const result = await fetchCare({ partnerUrl: `${many.url}/fhir`, timeBudgetMs: 2000 }, bsns, ALL);
      expect([...result.keys()].sort()).toEqual([...bsns].sort());
      // Practitioners shared across pages are read once per page and merged.
      expect(result.get(bsns[0])).toEqual({ inCare: true, trajectoryKind: 'BASIC_GGZ', responsiblePractitioner: 'drs. A. Even (GZ-psycholoog)', crisisPlanPresent: true });
      expect(result.get(bsns[11])).toEqual({ inCare: false, trajectoryKind: 'BASIC_GGZ', responsiblePractitioner: 'B. Oneven (psychiater)', crisisPlanPresent: false });
      expect(many.requestCount()).toBe(3);
      expect(many.receivedRequests()).toHaveLength(1);
    } finally {
      await many.close();
    }
  });

  describe('against a FHIR server that decorates its answers', () => {
    let proxy: RunningSimulator;
    let decorate: (bundle: any) => void;
    beforeAll(async () => {
      // A proxy in front of the real FHIR simulator that changes its answer the way real servers (or broken ones) do.
      proxy = await startSimulator({
        name: 'fhir-proxy',
        handle: async (req, body) => {
          const upstream = await fetch(`${fhir.url}${req.path}${req.query.size ? `?${req.query}` : ''}`, { method: req.method, headers: { 'content-type': String(req.headers['content-type']) }, body: req.method === 'GET' ? undefined : body });
          const bundle = (await upstream.json()) as any;
          decorate(bundle);
          return jsonResponse(upstream.status, bundle, 'application/fhir+json');
        },
      });
    });
    afterAll(() => proxy.close());

    it('ignores elements, extensions and resource types it does not know', async () => {
      decorate = (bundle) => {
        for (const entry of bundle.entry) {
          entry.resource.extension = [{ url: 'https://ggz.example/fhir/StructureDefinition/x-afdeling', valueString: 'Team Oost' }];
          entry.resource.unknownElement = { nested: [1, 2, 3] };
        }
        const patient = bundle.entry[0].resource.id;
        bundle.entry.push(
          { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Provenance', id: 'p1', target: [{ reference: `Patient/${patient}` }], recorded: '2026-01-01T00:00:00Z' }, search: { mode: 'include' } },
          { fullUrl: 'urn:uuid:2', resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational' }] }, search: { mode: 'outcome' } },
          { resource: { resourceType: 'Flag', id: 'f1', status: 'active', subject: { reference: `Patient/${patient}` } }, search: { mode: 'include' } },
          'not even an object',
        );
        bundle.signature = { type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }] };
      };
      const result = await fetchCare(config(`${proxy.url}/fhir`), [MOHAMMED, '999914455'], ALL);
      expect(Object.fromEntries(result)).toEqual({
        [MOHAMMED]: { inCare: true, trajectoryKind: 'SPECIALIST_GGZ', responsiblePractitioner: 'drs. M. Verhoeven (GZ-psycholoog)', crisisPlanPresent: true },
      });
    });

    it.each([
      ['a resource that is not a Bundle', (bundle: any) => { bundle.resourceType = 'Parameters'; }],
      ['entries that are not a list', (bundle: any) => { bundle.entry = { resource: bundle.entry[0].resource }; }],
      ['a next link to another server', (bundle: any) => { bundle.link.push({ relation: 'next', url: 'http://other.example/fhir?_getpages=x' }); }],
    ])('reports SOURCE_UNAVAILABLE for %s', async (_what, change) => {
      decorate = change;
      const error = await fetchCare(config(`${proxy.url}/fhir`), [MOHAMMED], ALL).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'care' });
    });
  });
});
