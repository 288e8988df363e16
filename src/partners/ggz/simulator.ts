import { randomUUID } from 'node:crypto';
import { DEMO_HOUSEHOLDS } from '../../demo/population.ts';
import { DEFAULT_PAGE_SIZE, jsonResponse, startSimulator, type PartnerSimulatorOptions, type RunningSimulator, type SimulatorRequest, type SimulatorResponse } from '../simulator-server.ts';
import { resolveIncludes, SUPPORTED_REFERENCE_PARAMETERS } from './includes.ts';
import { BSN_SYSTEM, buildFhirStore, type FhirResource } from './resources.ts';
import { askedFields, matchesIdentifiers, parsePatientSearch, SearchError, type PatientSearch } from './search.ts';

/**
 * A FHIR R4 server subset for the GGZ provider. Routes:
 * - GET  /fhir/metadata                 → CapabilityStatement
 * - POST /fhir/Patient/_search          → first page of a searchset Bundle (form body; BSNs never in the URL)
 * - GET  /fhir?_getpages=<token>&…      → a following page, as HAPI FHIR pages: the token is opaque and
 *                                          the search it stands for stays on the server
 */

const FHIR_JSON = 'application/fhir+json';
/** How long a paged search can be continued, and how many are kept at most (oldest dropped first). */
const PAGED_SEARCH_TTL_MS = 10 * 60 * 1000;
const MAX_PAGED_SEARCHES = 1000;
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };

interface PagedSearch {
  matches: FhirResource[];
  search: PatientSearch;
  pageSize: number;
  expiresAt: number;
}

export async function startGgzFhirSimulator(opts: PartnerSimulatorOptions = {}): Promise<RunningSimulator> {
  const store = buildFhirStore(opts.households ?? DEMO_HOUSEHOLDS);
  const maxPageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(maxPageSize) || maxPageSize < 1) throw new RangeError('pageSize must be a positive integer');
  const pagedSearches = new Map<string, PagedSearch>();

  function searchPatients(req: SimulatorRequest, body: string, record: (request: { bsns: string[]; fields: string[] }) => void): SimulatorResponse {
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
    record({ bsns: askedBsns(search), fields: askedFields(search) });
    const matches = store.patients
      .filter(({ patient }) => matchesIdentifiers(patient.identifier as { system: string; value: string }[], search))
      .map(({ patient }) => patient);
    const paged: PagedSearch = { matches, search, pageSize: Math.min(search.count ?? maxPageSize, maxPageSize), expiresAt: Date.now() + PAGED_SEARCH_TTL_MS };
    const token = paged.matches.length > paged.pageSize ? remember(paged) : undefined;
    return fhir(200, page(req, paged, 0, token));
  }

  function nextPage(req: SimulatorRequest): SimulatorResponse {
    const names = [...req.query.keys()];
    if (names.some((name) => !['_getpages', '_getpagesoffset', '_count', '_bundletype'].includes(name))) {
      return outcome(400, 'not-supported', 'Only paging parameters are accepted here');
    }
    const token = req.query.get('_getpages') ?? '';
    const offset = Number(req.query.get('_getpagesoffset'));
    const paged = pagedSearches.get(token);
    if (!paged || paged.expiresAt < Date.now()) return outcome(410, 'not-found', 'The search this page belongs to has expired');
    if (!Number.isInteger(offset) || offset <= 0 || offset >= paged.matches.length || offset % paged.pageSize !== 0) {
      return outcome(400, 'invalid', 'Invalid _getpagesoffset');
    }
    return fhir(200, page(req, paged, offset, token));
  }

  function remember(paged: PagedSearch): string {
    const now = Date.now();
    for (const [token, old] of pagedSearches) if (old.expiresAt < now) pagedSearches.delete(token);
    if (pagedSearches.size >= MAX_PAGED_SEARCHES) pagedSearches.delete(pagedSearches.keys().next().value!);
    const token = randomUUID();
    pagedSearches.set(token, paged);
    return token;
  }

  /** One searchset page: its matches (subsetted per `_elements`) and what they include. */
  function page(req: SimulatorRequest, paged: PagedSearch, offset: number, token: string | undefined) {
    const base = `http://${req.headers.host ?? 'localhost'}/fhir`;
    const matches = paged.matches.slice(offset, offset + paged.pageSize);
    const included = resolveIncludes(matches, paged.search.includes, store.resources);
    const pageUrl = (at: number) => `${base}?_getpages=${token}&_getpagesoffset=${at}&_count=${paged.pageSize}&_bundletype=searchset`;
    const entry = (resource: FhirResource, mode: 'match' | 'include') => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode } });
    const next = offset + paged.pageSize < paged.matches.length ? offset + paged.pageSize : undefined;
    return {
      resourceType: 'Bundle',
      id: randomUUID(),
      meta: { lastUpdated: new Date().toISOString() },
      type: 'searchset',
      // `total` counts matches only, not included resources (FHIR R4 Bundle.total).
      total: paged.matches.length,
      link: [
        // The first page's self link leaves the parameters out: they hold BSNs. Paging links carry only the token.
        { relation: 'self', url: offset === 0 ? `${base}/Patient/_search` : pageUrl(offset) },
        ...(next !== undefined ? [{ relation: 'next', url: pageUrl(next) }] : []),
      ],
      entry: [
        ...matches.map((patient) => entry(subset(patient, paged.search.elements), 'match')),
        ...included.map((resource) => entry(resource, 'include')),
      ],
    };
  }

  return startSimulator({
    name: 'ggz',
    host: opts.host,
    port: opts.port,
    rateLimitPerSecond: opts.rateLimitPerSecond,
    handle: async (req, body, record) => {
      if (req.path === '/fhir/metadata') {
        return req.method === 'GET' ? fhir(200, capabilityStatement()) : outcome(405, 'not-supported', 'Use GET for metadata');
      }
      if (req.path === '/fhir/Patient/_search') {
        if (req.method !== 'POST') return outcome(405, 'not-supported', 'Use POST for _search');
        return searchPatients(req, body, record);
      }
      if (req.path === '/fhir' && req.query.has('_getpages')) {
        return req.method === 'GET' ? nextPage(req) : outcome(405, 'not-supported', 'Use GET for paging');
      }
      if (req.path === '/fhir/Patient') {
        // A GET search would put BSNs in the URL (and in every access log on the way).
        return outcome(405, 'not-supported', 'Search with POST /fhir/Patient/_search; identifiers may not appear in URLs');
      }
      return outcome(404, 'not-found', 'Unknown resource or operation');
    },
  });
}

/** The BSNs a search asked about: identifier values in the BSN system, or in any system. */
function askedBsns(search: PatientSearch): string[] {
  const values = search.identifiers.flat().filter((token) => token.system === undefined || token.system === BSN_SYSTEM);
  return [...new Set(values.map((token) => token.value))];
}

/** The patient with only the asked elements (plus id and meta, marked SUBSETTED), as FHIR `_elements` does. */
function subset(patient: FhirResource, elements: string[] | undefined): FhirResource {
  if (elements === undefined) return patient;
  const meta = { ...(patient.meta as object), tag: [SUBSETTED] };
  const kept = Object.fromEntries(elements.filter((element) => Object.hasOwn(patient, element)).map((element) => [element, patient[element]]));
  return { resourceType: patient.resourceType, id: patient.id, meta, ...kept };
}

function capabilityStatement(): FhirResource {
  const searchType = [{ code: 'search-type' }];
  const from = (type: string) => SUPPORTED_REFERENCE_PARAMETERS.filter((parameter) => parameter.startsWith(`${type}:`));
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
            searchInclude: from('Patient'),
            searchRevInclude: SUPPORTED_REFERENCE_PARAMETERS.filter((parameter) => !parameter.startsWith('Patient:')),
            searchParam: [{ name: 'identifier', type: 'token' }],
          },
          ...['EpisodeOfCare', 'CareTeam', 'CarePlan', 'PractitionerRole'].map((type) => ({ type, searchInclude: from(type) })),
          { type: 'Practitioner' },
          { type: 'Organization' },
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
