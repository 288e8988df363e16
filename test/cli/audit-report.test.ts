import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';
import { runAuditCli } from './audit-cli.ts';

const AYSE = '999925982';

describeWithPostgres('npm run audit:report', (database) => {
  let hub: TestHub;
  let outDir: string;
  let consentId: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    outDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-report-'));
    const token = await hub.token();
    await hub.query(token, '{ households(ids: ["hh-1001", "hh-1004"]) { address { street } members { givenName care { inCare trajectoryKind } } } }');
    const db = new pg.Client({ connectionString: database().url });
    await db.connect();
    const protector = createSubjectProtector(await loadHubDataKey(hub.dataDir));
    const { rows } = await db.query(`SELECT id FROM consent WHERE subject_key = $1 AND category = 'ggz'`, [protector.lookupKey(AYSE)]);
    consentId = rows[0].id;
    await db.end();
  });
  afterAll(async () => {
    try {
      await hub?.stop();
    } finally {
      if (outDir) await rm(outDir, { recursive: true, force: true });
    }
  });

  it('writes JSON and a Dutch HTML page listing the GGZ access with its consent id, without the BSN', async () => {
    const result = await runAuditCli('audit-report.ts', ['--bsn', AYSE, '--out', outDir], { DATABASE_URL: database().url, ONTSCHOT_DATA_DIR: hub.dataDir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const files = await readdir(outDir);
    expect(files.filter((name) => name.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((name) => name.endsWith('.html'))).toHaveLength(1);
    for (const name of files) expect(name).not.toContain(AYSE);

    const report = JSON.parse(await readFile(path.join(outDir, files.find((name) => name.endsWith('.json'))!), 'utf8'));
    expect(report.accessCount).toBe(1);
    expect(report.accesses[0]).toMatchObject({ organisation: 'Sociaal Wijkteam Oost', purpose: 'wijkteam-ondersteuning' });
    expect(report.accesses[0].categories).toContain('Geestelijke gezondheidszorg, inclusief het feit dat iemand in zorg is');
    expect(report.accesses[0].bases).toContainEqual(expect.objectContaining({ kind: 'toestemming', consentId }));

    const html = await readFile(path.join(outDir, files.find((name) => name.endsWith('.html'))!), 'utf8');
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain('Overzicht van inzage in uw gegevens');
    expect(html).toContain(consentId);
    expect(html).toContain('Geestelijke gezondheidszorg');
    for (const text of [JSON.stringify(report), html, result.stdout]) expect(text).not.toContain(AYSE);
  });

  it("asks the adapters for their processing in the same requests, and names one it cannot reach", async () => {
    const adapterUrls = { HOUSING_ADAPTER_URL: 'http://127.0.0.1:9/graphql', DEBT_ADAPTER_URL: hub.adapters.debt!.url, CARE_ADAPTER_URL: hub.adapters.care!.url };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-report-'));
    try {
      const result = await runAuditCli('audit-report.ts', ['--bsn', AYSE, '--out', dir], { DATABASE_URL: database().url, ONTSCHOT_DATA_DIR: hub.dataDir, ...adapterUrls });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('could not be asked: Woonstichting De Linde');
      const files = await readdir(dir);
      const report = JSON.parse(await readFile(path.join(dir, files.find((name) => name.endsWith('.json'))!), 'utf8'));
      expect(report.partnersUnavailable).toEqual(['Woonstichting De Linde']);
      // The case screen asked the GGZ adapter for her care (she consented): its line is in the report.
      expect(report.partnerProcessing).toContainEqual(expect.objectContaining({ organisation: 'GGZ De Horizon', traceId: report.accesses[0].traceId }));
      expect(report.periodFrom).toMatch(/^\d{4}-/);
      expect(report.officerContact.email).toBe('privacy@gemeente-utrecht.example');
      const html = await readFile(path.join(dir, files.find((name) => name.endsWith('.html'))!), 'utf8');
      expect(html).toContain('Kon niet worden opgevraagd: Woonstichting De Linde');
      for (const text of [JSON.stringify(report), html, result.stdout, result.stderr]) expect(text).not.toContain(AYSE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a BSN that fails the elfproef, without echoing it, and writes nothing', async () => {
    const emptyDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-report-'));
    try {
      const result = await runAuditCli('audit-report.ts', ['--bsn', '999925983', '--out', emptyDir], { DATABASE_URL: database().url, ONTSCHOT_DATA_DIR: hub.dataDir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('elfproef');
      expect(result.stderr + result.stdout).not.toContain('999925983');
      expect(await readdir(emptyDir)).toEqual([]);
    } finally {
      await rm(emptyDir, { recursive: true, force: true });
    }
  });
});
