import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGgzFhirSimulator } from '../../src/partners/ggz/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { request } from './http.ts';
import { fictionalBsns, largePopulation } from './large-population.ts';

const BSN = 'http://fhir.nl/fhir/NamingSystem/bsn';
const ALL_REVINCLUDES = ['EpisodeOfCare:patient', 'CareTeam:patient', 'CarePlan:subject'];
const PRACTITIONER_INCLUDES: [string, string][] = [['_include:iterate', 'CareTeam:participant'], ['_include:iterate', 'PractitionerRole:practitioner']];

function form(identifier: string | undefined, revincludes: string[] = [], extra: [string, string][] = []): string {
  const params = new URLSearchParams();
  if (identifier !== undefined) params.set('identifier', identifier);
  for (const r of revincludes) params.append('_revinclude', r);
  for (const [k, v] of extra) params.append(k, v);
  return params.toString();
}

describe('GGZ FHIR simulator', () => {
  let sim: RunningSimulator;
  const search = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    request(`${sim.url}/fhir/Patient/_search`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const resources = (bundle: any, type: string) => bundle.entry.filter((e: any) => e.resource.resourceType === type);

  beforeAll(async () => {
    sim = await startGgzFhirSimulator();
  });
  afterAll(() => sim.close());

  it('serves a CapabilityStatement at /fhir/metadata', async () => {
    const res = await request(`${sim.url}/fhir/metadata`);
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('application/fhir+json');
    expect(res.json.resourceType).toBe('CapabilityStatement');
    expect(res.json.fhirVersion).toBe('4.0.1');
    const patient = res.json.rest[0].resource.find((r: any) => r.type === 'Patient');
    expect(patient.searchRevInclude).toEqual(expect.arrayContaining([...ALL_REVINCLUDES, 'PractitionerRole:practitioner']));
    const careTeam = res.json.rest[0].resource.find((r: any) => r.type === 'CareTeam');
    expect(careTeam.searchInclude).toContain('CareTeam:participant');
  });

  it('finds several patients in one search (comma = OR) and rev-includes their resources', async () => {
    // Mohammed (specialist GGZ, crisis plan), Linda (basic GGZ, no plan); Peter is unknown to GGZ.
    const res = await search(form(`${BSN}|999906318,${BSN}|999918369,${BSN}|999915927`, ALL_REVINCLUDES));
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('application/fhir+json');
    const bundle = res.json;
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('searchset');
    expect(bundle.total).toBe(2);

    const patients = resources(bundle, 'Patient');
    expect(patients.map((e: any) => e.search.mode)).toEqual(['match', 'match']);
    const bsns = patients.map((e: any) => e.resource.identifier.find((i: any) => i.system === BSN).value).sort();
    expect(bsns).toEqual(['999906318', '999918369']);

    const included = bundle.entry.filter((e: any) => e.resource.resourceType !== 'Patient');
    expect(included.every((e: any) => e.search.mode === 'include')).toBe(true);
    expect(resources(bundle, 'EpisodeOfCare')).toHaveLength(2);
    expect(resources(bundle, 'CareTeam')).toHaveLength(2);
    // Only Mohammed has a signaleringsplan.
    const plans = resources(bundle, 'CarePlan');
    expect(plans).toHaveLength(1);
    expect(plans[0].resource.category[0].text).toBe('signaleringsplan');

    const mohammed = patients.find((e: any) => e.resource.identifier.some((i: any) => i.value === '999906318')).resource;
    expect(plans[0].resource.subject.reference).toBe(`Patient/${mohammed.id}`);
    expect(mohammed.id).not.toContain('999906318');
    for (const e of bundle.entry) expect(e.fullUrl).toBe(`${sim.url}/fhir/${e.resource.resourceType}/${e.resource.id}`);
    // BSNs only in the body, never in a link.
    expect(JSON.stringify(bundle.link)).not.toMatch(/9999\d{5}/);
  });

  it('shapes the resources like the FHIR examples: meta, narrative, identifiers with systems, codings, references', async () => {
    const res = await search(form(`${BSN}|999949913`, ALL_REVINCLUDES, [...PRACTITIONER_INCLUDES, ['_include:iterate', 'EpisodeOfCare:care-manager']]));
    const one = (type: string) => resources(res.json, type).map((e: any) => e.resource);
    const [patient] = one('Patient');
    const [episode] = one('EpisodeOfCare');
    const [team] = one('CareTeam');
    const [role] = one('PractitionerRole');
    // The care manager and the role's practitioner are the same Practitioner: included once.
    const [practitioner, ...more] = one('Practitioner');
    expect(more).toEqual([]);
    for (const resource of [patient, episode, team, role, practitioner]) {
      expect(resource.meta.lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(resource.text.status).toBe('generated');
      expect(resource.text.div).toMatch(/^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml">/);
    }
    expect(patient.extension[0].url).toBe('http://hl7.org/fhir/StructureDefinition/patient-nationality');
    expect(patient.identifier.map((identifier: any) => identifier.system)).toContain(BSN);
    // Daan Kok: basic GGZ, finished.
    expect(episode.status).toBe('finished');
    expect(episode.patient.reference).toBe(`Patient/${patient.id}`);
    expect(episode.period.start).toBe('2024-09-02');
    expect(episode.type[0].coding[0]).toMatchObject({ code: 'basis-ggz', display: 'Basis-GGZ' });
    expect(episode.type[0].coding[0].system).toMatch(/^https?:\/\//);
    expect(episode.careManager.reference).toBe(`Practitioner/${practitioner.id}`);
    expect(team.status).toBe('inactive');
    expect(team.subject.reference).toBe(`Patient/${patient.id}`);
    expect(team.participant[0].role[0].coding[0].code).toBe('regiebehandelaar');
    expect(team.participant[0].member.reference).toBe(`PractitionerRole/${role.id}`);
    expect(role.practitioner.reference).toBe(`Practitioner/${practitioner.id}`);
    expect(role.organization.reference).toMatch(/^Organization\//);
    expect(role.code[0].coding[0].code).toBe('regiebehandelaar');
    expect(role.specialty[0].text).toBe('verpleegkundig specialist GGZ');
    expect(practitioner.name[0]).toMatchObject({ text: 'E. Hendriks', family: 'Hendriks', given: ['E.'] });
    expect(practitioner.name[0]._given[0].extension[0]).toEqual({ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier', valueCode: 'IN' });
    expect(one('CarePlan')).toHaveLength(0);
  });

  it('returns only the Patient elements asked for with _elements, marked SUBSETTED', async () => {
    const res = await search(form(`${BSN}|999906318`, [], [['_elements', 'identifier']]));
    const [patient] = resources(res.json, 'Patient').map((e: any) => e.resource);
    expect(Object.keys(patient).sort()).toEqual(['id', 'identifier', 'meta', 'resourceType']);
    expect(patient.meta.tag).toEqual([expect.objectContaining({ code: 'SUBSETTED' })]);
    expect(res.text).not.toMatch(/El Amrani|1979-04-12/);
  });

  it('logs each search: the BSNs asked about and the search parameters that say what to release', async () => {
    sim.resetCount();
    await search(form(`${BSN}|999906318,${BSN}|999918369,http://other.example|123`, ['EpisodeOfCare:patient'], [['_elements', 'identifier'], ...PRACTITIONER_INCLUDES, ['_count', '10']]));
    await search(form('999925982'));
    expect(sim.receivedRequests()).toEqual([
      {
        bsns: ['999906318', '999918369'],
        fields: ['_elements=identifier', '_revinclude=EpisodeOfCare:patient', '_include:iterate=CareTeam:participant', '_include:iterate=PractitionerRole:practitioner'],
      },
      { bsns: ['999925982'], fields: ['_elements=*'] },
    ]);
  });

  it('follows _include only from the matches unless :iterate', async () => {
    const flat = await search(form(`${BSN}|999906318`, ['CareTeam:patient'], [['_include', 'CareTeam:participant']]));
    // CareTeam is not a match, so a plain _include from it brings nothing.
    expect(resources(flat.json, 'PractitionerRole')).toHaveLength(0);
    const iterated = await search(form(`${BSN}|999906318`, ['CareTeam:patient'], [['_include:iterate', 'CareTeam:participant']]));
    expect(resources(iterated.json, 'PractitionerRole')).toHaveLength(1);
    expect(resources(iterated.json, 'Practitioner')).toHaveLength(0);
  });

  it('pages with _count: the next link carries an opaque token, never a BSN, and a page holds its matches\' includes', async () => {
    const bsns = fictionalBsns(7);
    const many = await startGgzFhirSimulator({ households: largePopulation(7), pageSize: 5 });
    try {
      const first = await request(`${many.url}/fhir/Patient/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(bsns.map((bsn) => `${BSN}|${bsn}`).join(','), ['EpisodeOfCare:patient'], [['_count', '3']]),
      });
      const pages = [first.json];
      for (let next = first.json.link.find((l: any) => l.relation === 'next'); next; next = pages.at(-1).link.find((l: any) => l.relation === 'next')) {
        for (const bsn of bsns) expect(next.url).not.toContain(bsn);
        expect(next.url).toMatch(/_getpages=[0-9a-f-]{36}/);
        const res = await request(next.url);
        expect(res.status).toBe(200);
        pages.push(res.json);
      }
      expect(pages.map((page) => resources(page, 'Patient').length)).toEqual([3, 3, 1]);
      expect(pages.map((page) => resources(page, 'EpisodeOfCare').length)).toEqual([3, 3, 1]);
      expect(pages.every((page) => page.total === 7)).toBe(true);
      const found = pages.flatMap((page) => resources(page, 'Patient').map((e: any) => e.resource.identifier.find((i: any) => i.system === BSN).value));
      expect(found.sort()).toEqual([...bsns].sort());
      expect(many.requestCount()).toBe(3);
      expect(many.receivedRequests()).toHaveLength(1);

      const token = new URL(first.json.link[1].url).searchParams.get('_getpages');
      expect((await request(`${many.url}/fhir?_getpages=${randomUUID()}&_getpagesoffset=3`)).status).toBe(410);
      expect((await request(`${many.url}/fhir?_getpages=${token}&_getpagesoffset=2`)).status).toBe(400);
      expect((await request(`${many.url}/fhir?_getpages=${token}&_getpagesoffset=3&identifier=x`)).status).toBe(400);
    } finally {
      await many.close();
    }
  });

  it('never pages more than its own page size, whatever _count asks', async () => {
    const many = await startGgzFhirSimulator({ households: largePopulation(7), pageSize: 5 });
    try {
      const res = await request(`${many.url}/fhir/Patient/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(fictionalBsns(7).map((bsn) => `${BSN}|${bsn}`).join(','), [], [['_count', '100']]),
      });
      expect(resources(res.json, 'Patient')).toHaveLength(5);
    } finally {
      await many.close();
    }
  });

  it('includes only the resource types asked for', async () => {
    const res = await search(form(`${BSN}|999906318`, ['CareTeam:patient']));
    expect(res.json.entry.map((e: any) => e.resource.resourceType).sort()).toEqual(['CareTeam', 'Patient']);
    const none = await search(form(`${BSN}|999906318`));
    expect(none.json.entry.map((e: any) => e.resource.resourceType)).toEqual(['Patient']);
  });

  it('matches on the BSN system only, and repeated identifier parameters are AND', async () => {
    expect((await search(form('http://other.example/system|999906318'))).json.total).toBe(0);
    expect((await search(form('999906318'))).json.total).toBe(1);
    const and = new URLSearchParams([['identifier', `${BSN}|999906318`], ['identifier', `${BSN}|999918369`]]).toString();
    expect((await search(and)).json.total).toBe(0);
  });

  it('answers a malformed search with 400 and an OperationOutcome', async () => {
    const bad = [
      form(undefined, ALL_REVINCLUDES), form(`${BSN}|`), form(`${BSN}|999906318`, ['Observation:patient']), form(`${BSN}|999906318`, [], [['name', 'x']]),
      form(`${BSN}|999906318`, [], [['_count', '0']]), form(`${BSN}|999906318`, [], [['_elements', 'identifier,999906318']]), form(`${BSN}|999906318`, [], [['_include:recurse', 'CareTeam:participant']]),
    ];
    for (const body of bad) {
      const res = await search(body);
      expect(res.status, body).toBe(400);
      expect(res.contentType).toContain('application/fhir+json');
      expect(res.json.resourceType).toBe('OperationOutcome');
      expect(res.json.issue[0].severity).toBe('error');
      expect(res.text).not.toContain('999906318');
    }
  });

  it('refuses a JSON body (415), GET searches (405) and unknown routes (404) with OperationOutcomes', async () => {
    const json = await search('{"identifier":"x"}', 'application/json');
    expect(json.status).toBe(415);
    expect(json.json.resourceType).toBe('OperationOutcome');
    expect((await request(`${sim.url}/fhir/Patient?identifier=x`)).status).toBe(405);
    const unknown = await request(`${sim.url}/fhir/Observation`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.resourceType).toBe('OperationOutcome');
  });

  it('counts searches and answers 503 while down', async () => {
    sim.resetCount();
    await search(form(`${BSN}|999906318`));
    expect(sim.requestCount()).toBe(1);
    sim.setDown(true);
    try {
      expect((await search(form(`${BSN}|999906318`))).status).toBe(503);
    } finally {
      sim.setDown(false);
    }
    expect(sim.requestCount()).toBe(2);
  });
});
