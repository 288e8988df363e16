import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGgzFhirSimulator } from '../../src/partners/ggz/simulator.ts';
import type { RunningSimulator } from '../../src/partners/simulator-server.ts';
import { request } from './http.ts';

const BSN = 'http://fhir.nl/fhir/NamingSystem/bsn';
const ALL_REVINCLUDES = ['EpisodeOfCare:patient', 'CareTeam:patient', 'CarePlan:subject'];

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
    expect(patient.searchRevInclude).toEqual(ALL_REVINCLUDES);
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

  it('shapes EpisodeOfCare and CareTeam like the FHIR examples, with the provider code system', async () => {
    const res = await search(form(`${BSN}|999949913`, ALL_REVINCLUDES));
    const [episode] = resources(res.json, 'EpisodeOfCare').map((e: any) => e.resource);
    const [team] = resources(res.json, 'CareTeam').map((e: any) => e.resource);
    const patientId = resources(res.json, 'Patient')[0].resource.id;
    // Daan Kok: basic GGZ, finished.
    expect(episode.status).toBe('finished');
    expect(episode.patient.reference).toBe(`Patient/${patientId}`);
    expect(episode.period.start).toBe('2024-09-02');
    expect(episode.type[0].coding[0]).toMatchObject({ code: 'basis-ggz', display: 'Basis-GGZ' });
    expect(episode.type[0].coding[0].system).toMatch(/^https?:\/\//);
    expect(episode.careManager.display).toBe('E. Hendriks (verpleegkundig specialist GGZ)');
    expect(team.status).toBe('inactive');
    expect(team.subject.reference).toBe(`Patient/${patientId}`);
    expect(team.participant).toEqual([{ role: [{ text: 'regiebehandelaar' }], member: { display: 'E. Hendriks (verpleegkundig specialist GGZ)' } }]);
    expect(resources(res.json, 'CarePlan')).toHaveLength(0);
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
    for (const body of [form(undefined, ALL_REVINCLUDES), form(`${BSN}|`), form(`${BSN}|999906318`, ['Observation:patient']), form(`${BSN}|999906318`, [], [['name', 'x']])]) {
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
