import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { loadOfficerContacts } from '../../src/supervision/officer-contact.ts';
import { readProcessingLog } from '../../src/adapters/sdk/processing-log.ts';
import { renderReportHtml } from '../../src/audit/report-html.ts';
import type { SubjectAccessReport } from '../../src/audit/subject-access-report.ts';
import { signUpstreamToken } from '../../src/auth/upstream-token.ts';
import { contentDigest } from '../../src/auth/request-digest.ts';
import { PROCESSING_LOG_QUERY_SCOPE } from '../../src/adapters/sdk/processing-log-query.ts';

const LINDA = '999918369';
const CHILDREN = ['999918710', '999919544'];
const ALL_BSNS = [LINDA, ...CHILDREN];
const WONEN = 'Huursituatie, huurachterstand, woonoverlast en uitzettingsprocedure';
const SCHULDEN = 'Dossier schuldhulpverlening, schulden en budgetbeheer';
const IDENTITEIT = 'Naam, geboortedatum en BSN van een lid van het huishouden';
const GGZ = 'Geestelijke gezondheidszorg, inclusief het feit dat iemand in zorg is';
const LINDE = 'Woonstichting De Linde';
const SCHULDHULP = 'Schuldhulpverlening Gemeente Utrecht (demo)';
const CASE_SCREEN = '{ household(id: "hh-1003") { members { givenName housing { rentArrearsMonths evictionStatus } debt { caseStatus totalDebt } care { inCare trajectoryKind } } } }';
const REPORT = /* GraphQL */ `
  query Report($bsn: String!) {
    subjectAccessReport(bsn: $bsn) {
      title generatedAt periodFrom periodTo periodDescription accessCount summary
      officerContact { name email phone postalAddress url }
      accesses { when organisationId organisation roles roleDescriptions purpose purposeDescription categories withheldCategories bases { kind consentId name description } text traceId recordId }
      partnerProcessing { when organisation service purposeDescription categories traceId text }
      partnersUnavailable
    }
  }
`;
const OOST_OFFICER = { name: 'FG Wijkteam Oost (test)', email: 'fg@wijkteam-oost.example' };

describeWithPostgres('subject access report with the partners processing', (database) => {
  let hub: TestHub;
  let officer: string;
  let traceId: string;

  async function report(token: string, bsn = LINDA): Promise<SubjectAccessReport> {
    const response = await hub.query(token, REPORT, { bsn });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.subjectAccessReport;
  }

  beforeAll(async () => {
    hub = await startTestHub(database(), (config) => ({ ...config, officerContacts: loadOfficerContacts({ ONTSCHOT_OFFICER_CONTACTS: JSON.stringify({ 'wijkteam-oost': OOST_OFFICER }) }) }));
    // A wijkcoach reads Linda's household: housing and debt for all three, her GGZ care withheld (no consent).
    const response = await hub.query(await hub.token(), CASE_SCREEN);
    expect(response.body.data!.household.members[0].housing).not.toBeNull();
    traceId = response.body.extensions!.traceId;
    officer = await hub.token({ role: 'hub-privacy-officer' });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it("lists the hub's access and each partner's processing for that trace, in words, with period and officer contact", async () => {
    const linda = await report(officer);
    const access = linda.accesses.find((entry) => entry.traceId === traceId)!;
    expect(access).toMatchObject({ organisation: 'Sociaal Wijkteam Oost', purpose: 'wijkteam-ondersteuning' });
    expect(access.roleDescriptions).toHaveLength(1);
    expect(access.roleDescriptions[0]).not.toBe('wijkcoach');
    expect(access.categories).toEqual(expect.arrayContaining([WONEN, SCHULDEN]));
    expect(access.withheldCategories).toEqual([GGZ]);
    expect(access.text).toContain(`Gevraagd maar niet getoond: ${GGZ}`);
    // Keys of the policy file stay out of the sentence the resident reads.
    for (const key of ['wmo-wijkteam', 'wijkteam-ondersteuning', 'wijkteam-oost', 'wijkcoach']) expect(access.text).not.toContain(key);

    const inTrace = linda.partnerProcessing.filter((entry) => entry.traceId === traceId);
    expect(inTrace.map((entry) => entry.organisation).sort()).toEqual([SCHULDHULP, LINDE].sort());
    const housing = inTrace.find((entry) => entry.organisation === LINDE)!;
    // The adapter's fields mapped through the policy: its domain, and the BSN it was asked by (identiteit).
    expect(housing.service).toBe('housing-adapter');
    expect(housing.categories).toEqual([IDENTITEIT, WONEN]);
    expect(housing.purposeDescription).not.toBe('wijkteam-ondersteuning');
    expect(housing.text).toContain('Sociaal Wijkteam Oost');
    expect(inTrace.find((entry) => entry.organisation === SCHULDHULP)!.categories).toEqual([IDENTITEIT, SCHULDEN]);
    // Her care was withheld, so the GGZ provider was never asked: nothing of it in the chain.
    expect(inTrace.some((entry) => entry.organisation === 'GGZ De Horizon')).toBe(false);
    expect(linda.partnersUnavailable).toEqual([]);

    expect(Date.parse(linda.periodFrom!)).toBeLessThanOrEqual(Date.parse(access.when));
    expect(linda.periodTo).toBe(linda.generatedAt);
    expect(linda.periodDescription).toContain('de eerste registratie in het toegangslog');
    expect(linda.officerContact).toMatchObject({ name: 'Functionaris gegevensbescherming, Gemeente Utrecht (demo)', email: 'privacy@gemeente-utrecht.example' });
    expect(JSON.stringify(linda)).not.toMatch(new RegExp(ALL_BSNS.join('|')));
  });

  it("leaves out the children's processing in the same trace, though the partners processed it", async () => {
    const housingLog = (await readProcessingLog(path.join(hub.dataDir, 'ldv', 'housing-adapter.jsonl'))).filter((line) => line.trace_id === traceId);
    // The same household query: one line per member at the housing adapter.
    expect(new Set(housingLog.map((line) => line.attributes['dpl.core.data_subject_id'])).size).toBe(3);
    const linda = await report(officer);
    expect(linda.partnerProcessing.filter((entry) => entry.traceId === traceId && entry.organisation === LINDE)).toHaveLength(1);
    const sem = await report(officer, CHILDREN[0]);
    expect(sem.partnerProcessing.filter((entry) => entry.traceId === traceId && entry.organisation === LINDE)).toHaveLength(1);
    expect(sem.accesses.find((entry) => entry.traceId === traceId)!.withheldCategories).toEqual([GGZ]);
  });

  it("records the partners' read of their own log, and shows it in the next report", async () => {
    const first = await hub.query(officer, REPORT, { bsn: LINDA });
    const officerTrace = first.body.extensions!.traceId as string;
    const next = await report(officer);
    const reads = next.partnerProcessing.filter((entry) => entry.traceId === officerTrace);
    expect(reads.map((entry) => entry.organisation).sort()).toEqual(['GGZ De Horizon', SCHULDHULP, LINDE].sort());
    expect(reads[0].text).toContain('in zijn verwerkingslog opgezocht');
  });

  it("names the organisation's own officer in that officer's report, and asks only its own adapter of a partner's officer", async () => {
    const oost = await report(await hub.token({ role: 'privacy-officer' }));
    expect(oost.officerContact).toMatchObject(OOST_OFFICER);
    expect(oost.partnerProcessing.filter((entry) => entry.traceId === traceId).map((entry) => entry.organisation).sort()).toEqual([SCHULDHULP, LINDE].sort());
    const linde = await report(await hub.token({ role: 'privacy-officer', organisationId: 'woonstichting-de-linde', subject: 'fg.linde' }));
    expect(linde.officerContact!.name).toBe('Functionaris gegevensbescherming, Gemeente Utrecht (demo)');
    expect(linde.partnerProcessing.length).toBeGreaterThan(0);
    expect(linde.partnerProcessing.every((entry) => entry.organisation === LINDE)).toBe(true);
  });

  it('renders a printable HTML page without any BSN', async () => {
    const html = renderReportHtml(await report(officer));
    expect(html).toContain('@media print');
    expect(html).toContain(`Gevraagd maar niet getoond: ${GGZ}`);
    expect(html).toContain(LINDE);
    expect(html).toContain(SCHULDHULP);
    expect(html).toContain('mailto:privacy@gemeente-utrecht.example');
    expect(html).toMatch(/Periode:<\/strong> \d/);
    expect(html).not.toMatch(new RegExp(ALL_BSNS.join('|')));
    expect(html).not.toContain('<script');
  });

  describe('the adapter endpoint POST /processing-log/query', () => {
    const endpoint = (domain: 'housing' | 'debt') => new URL('/processing-log/query', hub.adapters[domain]!.url).toString();
    const body = (bsn = LINDA, traceIds = [traceId]) => JSON.stringify({ bsn, traceIds });
    async function token(domain: string, signedBody: string, overrides: Partial<{ purpose: string; fields: string[] }> = {}) {
      return signUpstreamToken(hub.hubKey, {
        domain, professional: 'fg.gemeente', organisationId: 'gemeente-utrecht', roles: ['hub-privacy-officer'],
        purpose: overrides.purpose ?? 'privacy-toezicht', fields: overrides.fields ?? [PROCESSING_LOG_QUERY_SCOPE], contentDigest: contentDigest(signedBody),
      });
    }
    const post = (url: string, sent: string, bearer?: string, method = 'POST') =>
      fetch(url, { method, headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) }, ...(method === 'GET' ? {} : { body: sent }) });

    it('answers a hub-signed query with the subject and trace asked for, and nothing identifying', async () => {
      const response = await post(endpoint('housing'), body(), await token('housing', body()));
      expect(response.status).toBe(200);
      const text = await response.text();
      const answer = JSON.parse(text);
      expect(answer.truncated).toBe(false);
      expect(answer.records).toHaveLength(1);
      expect(answer.records[0]).toMatchObject({ trace_id: traceId, attributes: { 'ontschot.organisation': 'wijkteam-oost' } });
      expect(text).not.toMatch(new RegExp([...ALL_BSNS, 'data_subject_id', 'ontschot.professional', 'sanne.deboer'].join('|')));
    });

    it('refuses an unsigned call, a token for another adapter, a replayed token, another body and another purpose', async () => {
      expect((await post(endpoint('housing'), body())).status).toBe(401);
      expect((await post(endpoint('housing'), body(), await token('debt', body()))).status).toBe(401);
      const once = await token('housing', body());
      expect((await post(endpoint('housing'), body(), once)).status).toBe(200);
      expect((await post(endpoint('housing'), body(), once)).status).toBe(401);
      expect((await post(endpoint('housing'), body(CHILDREN[0]), await token('housing', body()))).status).toBe(401);
      expect((await post(endpoint('housing'), body(), await token('housing', body(), { purpose: 'wijkteam-ondersteuning' }))).status).toBe(403);
      // A token as the gateway signs for a GraphQL call (coordinates, no scope) does not read the log.
      expect((await post(endpoint('housing'), body(), await token('housing', body(), { fields: ['Person.housing'] }))).status).toBe(403);
    });

    it('refuses a GET, and a BSN in the URL even with a valid token, without echoing it', async () => {
      const get = await post(`${endpoint('housing')}`, '', undefined, 'GET');
      expect(get.status).toBe(405);
      const inUrl = await post(`${endpoint('housing')}?bsn=${LINDA}`, body(), await token('housing', body()));
      expect(inUrl.status).toBe(400);
      expect(await inUrl.text()).not.toContain(LINDA);
    });

    it('refuses a bad body with a clear error that does not repeat it', async () => {
      for (const bad of [JSON.stringify({ bsn: '999918368', traceIds: [traceId] }), JSON.stringify({ bsn: LINDA, traceIds: [] }), JSON.stringify({ bsn: LINDA, traceIds: ['x'] }), JSON.stringify({ bsn: LINDA, traceIds: [traceId], more: 1 }), 'not json']) {
        const response = await post(endpoint('debt'), bad, await token('debt', bad));
        expect(response.status).toBe(400);
        const text = await response.text();
        expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
        expect(text).not.toMatch(/999918368|999918369/);
      }
    });
  });

  it('says the period starts at the oldest record kept once older ones were purged', async () => {
    const db = new pg.Client({ connectionString: database().url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT min(end_time) AS oldest FROM audit_record');
      // A purge leaves a checkpoint (src/audit/audit-purge.ts); what it removed is gone from the log.
      await db.query(`INSERT INTO audit_checkpoint (id, chain_id, last_seq, signed) VALUES ('00000000-0000-4000-8000-000000000001', 'test-chain', 1, 'test')`);
      const linda = await report(officer);
      expect(linda.periodFrom).toBe(new Date(rows[0].oldest).toISOString());
      expect(linda.periodDescription).toContain('de oudste registratie die nog bewaard wordt');
      expect(linda.periodDescription).toContain('1825 dagen');
    } finally {
      await db.query(`DELETE FROM audit_checkpoint WHERE chain_id = 'test-chain'`);
      await db.end();
    }
  });

  it('asks in several requests when there are more traces than one request may carry', async () => {
    const { askPartnersForProcessing } = await import('../../src/audit/partner-processing.ts');
    const { MAX_QUERY_TRACE_IDS } = await import('../../src/adapters/sdk/processing-log-query.ts');
    const others = Array.from({ length: MAX_QUERY_TRACE_IDS + 100 }, (_, n) => (n + 1).toString(16).padStart(32, '0'));
    const adapters = { housing: { url: hub.adapters.housing!.url, timeBudgetMs: 2_000 }, debt: { url: hub.adapters.debt!.url, timeBudgetMs: 2_000 }, care: { url: hub.adapters.care!.url, timeBudgetMs: 2_000 } };
    const asker = { professional: 'fg.gemeente', organisationId: 'gemeente-utrecht', roles: ['hub-privacy-officer'], traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) };
    // Linda's trace last: in the second request to each adapter.
    const answers = await askPartnersForProcessing({ adapters, hubKey: hub.hubKey }, ['housing', 'debt'], asker, LINDA, [...others, traceId]);
    expect(answers.unavailable).toEqual([]);
    expect(answers.records.filter(({ record }) => record.trace_id === traceId).map(({ domain }) => domain).sort()).toEqual(['debt', 'housing']);
  });

  // Last: it stops an adapter.
  it('names an adapter that is down as unavailable, and keeps the rest of the report', async () => {
    await hub.adapters.debt!.close();
    const started = Date.now();
    const linda = await report(officer);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(linda.partnersUnavailable).toEqual([SCHULDHULP]);
    expect(linda.summary).toContain(`Van ${SCHULDHULP} kon niet worden opgevraagd`);
    expect(linda.accesses.some((entry) => entry.traceId === traceId)).toBe(true);
    expect(linda.partnerProcessing.some((entry) => entry.traceId === traceId && entry.organisation === LINDE)).toBe(true);
    expect(linda.partnerProcessing.some((entry) => entry.organisation === SCHULDHULP)).toBe(false);
    expect(renderReportHtml(linda)).toContain(`Kon niet worden opgevraagd: ${SCHULDHULP}`);
  });
});

describe('asking the partners within a time budget', () => {
  it('names an adapter that hangs or answers about other traces as unavailable, within the budget', async () => {
    const { createServer } = await import('node:http');
    const { listen, closeServer } = await import('../../src/net/http-server.ts');
    const { loadHubSigningKey } = await import('../../src/auth/hub-signing-key.ts');
    const { askPartnersForProcessing } = await import('../../src/audit/partner-processing.ts');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-report-'));
    const hanging = createServer(() => {}); // accepts, never answers
    const stranger = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ truncated: false, records: [{ trace_id: 'f'.repeat(32), end_time: new Date().toISOString(), resource: { 'service.name': 'x' }, attributes: { 'ontschot.organisation': 'wijkteam-oost', 'ontschot.purpose': 'wijkteam-ondersteuning', 'ontschot.fields': [] } }] }));
    });
    try {
      const hangingUrl = `${await listen(hanging, '127.0.0.1', 0)}/graphql`;
      const strangerUrl = `${await listen(stranger, '127.0.0.1', 0)}/graphql`;
      const hubKey = await loadHubSigningKey(dir, {});
      const adapters = { housing: { url: hangingUrl, timeBudgetMs: 300 }, debt: { url: strangerUrl, timeBudgetMs: 300 }, care: { url: 'http://127.0.0.1:9/graphql', timeBudgetMs: 300 } };
      const started = Date.now();
      const answers = await askPartnersForProcessing({ adapters, hubKey }, ['housing', 'debt', 'care'], { professional: 'fg', organisationId: 'gemeente-utrecht', roles: ['hub-privacy-officer'], traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, LINDA, ['c'.repeat(32)]);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(answers.unavailable).toEqual(['housing', 'debt', 'care']);
      expect(answers.records).toEqual([]);
    } finally {
      hanging.closeAllConnections();
      await Promise.all([closeServer(hanging, 0), closeServer(stranger, 0)]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
