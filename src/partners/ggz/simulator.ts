import { randomUUID } from 'node:crypto';
import { DEMO_HOUSEHOLDS } from '../../demo/population.ts';
import { indexPeople } from '../bsn-search.ts';
import { jsonResponse, startSimulator, type PartnerSimulatorOptions, type RunningSimulator, type SimulatorRequest, type SimulatorResponse } from '../simulator-server.ts';
import { toPatientRecord, type FhirResource, type PatientRecord } from './resources.ts';
import { matchesIdentifiers, parsePatientSearch, SearchError, type PatientSearch } from './search.ts';

/**
 * A FHIR R4 server subset for the GGZ provider. Routes:
 * - GET  /fhir/metadata        → CapabilityStatement
 * - POST /fhir/Patient/_search → searchset Bundle (form-encoded body; BSNs never in the URL)
 */

const FHIR_JSON = 'application/fhir+json';

export function startGgzFhirSimulator(opts: PartnerSimulatorOptions = {}): Promise<RunningSimulator> {
  const records = indexPeople(opts.households ?? DEMO_HOUSEHOLDS, (person) => person.care && toPatientRecord(person, person.care));
  return startSimulator({
    name: 'ggz',
    host: opts.host,
    port: opts.port,
    handle: async (req, body) => {
      if (req.path === '/fhir/metadata') {
        return req.method === 'GET' ? fhir(200, capabilityStatement()) : outcome(405, 'not-supported', 'Use GET for metadata');
      }
      if (req.path === '/fhir/Patient/_search') {
        if (req.method !== 'POST') return outcome(405, 'not-supported', 'Use POST for _search');
        return searchPatients(req, body, records);
      }
      if (req.path === '/fhir/Patient') {
        // A GET search would put BSNs in the URL (and in every access log on the way).
        return outcome(405, 'not-supported', 'Search with POST /fhir/Patient/_search; identifiers may not appear in URLs');
      }
      return outcome(404, 'not-found', 'Unknown resource or operation');
    },
  });
}

function searchPatients(req: SimulatorRequest, body: string, records: Map<string, PatientRecord>): SimulatorResponse {
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    return outcome(415, 'not-supported', 'The _search body must be application/x-www-form-urlencoded');
  }
  let search: PatientSearch;
  try {
    search = parsePatientSearch(body);
  } catch (error) {
    if (error instanceof SearchError) return outcome(400, error.issueCode, error.message);
    throw error;
  }
  const base = `http://${req.headers.host ?? 'localhost'}/fhir`;
  const matches = [...records.values()].filter((record) =>
    matchesIdentifiers(record.patient.identifier as { system: string; value: string }[], search),
  );
  const included = matches.flatMap((record) => [
    search.revIncludes.has('EpisodeOfCare:patient') ? record.episodeOfCare : undefined,
    search.revIncludes.has('CareTeam:patient') ? record.careTeam : undefined,
    search.revIncludes.has('CarePlan:subject') ? record.carePlan : undefined,
  ]);
  const entry = (resource: FhirResource, mode: 'match' | 'include') => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode } });
  return fhir(200, {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: 'searchset',
    // `total` counts matches only, not included resources (FHIR R4 Bundle.total).
    total: matches.length,
    // The self link leaves the parameters out: they hold BSNs.
    link: [{ relation: 'self', url: `${base}/Patient/_search` }],
    entry: [
      ...matches.map((record) => entry(record.patient, 'match')),
      ...included.filter((resource): resource is FhirResource => resource !== undefined).map((resource) => entry(resource, 'include')),
    ],
  });
}

function capabilityStatement(): FhirResource {
  const searchType = [{ code: 'search-type' }];
  return {
    resourceType: 'CapabilityStatement',
    id: 'ggz-simulator',
    status: 'active',
    date: '2026-01-01',
    publisher: 'ontschot demo',
    kind: 'instance',
    software: { name: 'ontschot GGZ FHIR simulator' },
    implementation: { description: 'Simulated FHIR R4 server of GGZ De Horizon (demo data)' },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource: [
          {
            type: 'Patient',
            interaction: searchType,
            searchRevInclude: ['EpisodeOfCare:patient', 'CareTeam:patient', 'CarePlan:subject'],
            searchParam: [{ name: 'identifier', type: 'token' }],
          },
          { type: 'EpisodeOfCare', interaction: searchType, searchParam: [{ name: 'patient', type: 'reference' }] },
          { type: 'CareTeam', interaction: searchType, searchParam: [{ name: 'patient', type: 'reference' }] },
          { type: 'CarePlan', interaction: searchType, searchParam: [{ name: 'subject', type: 'reference' }] },
        ],
      },
    ],
  };
}

function fhir(status: number, resource: unknown): SimulatorResponse {
  return jsonResponse(status, resource, FHIR_JSON);
}

function outcome(status: number, code: string, diagnostics: string): SimulatorResponse {
  return fhir(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });
}
