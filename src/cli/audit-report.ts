/**
 * The subject access report (AVG art. 15) for one person, as JSON and as a readable HTML page in Dutch:
 *
 *   npm run audit:report -- --bsn <bsn> [--out <dir>] [--token <officer token>]
 *
 * The report lists the hub's accesses and what the partners' adapters processed about the person in the
 * same requests (asked of each adapter within its time budget; one that does not answer is named).
 * The BSN is only an argument: it is searched by its keyed hash, and appears in no file name or file.
 * On the embedded default while the hub runs, the report is asked of the running hub through GraphQL
 * (`subjectAccessReport`, in the POST body), so the officer's read is logged like any other: with
 * `--token` (a privacy-officer token gives that organisation's share of the log), or else a DEMO
 * hub-privacy-officer token (the municipality's officer, the whole log) when the hub runs the demo issuer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isValidBsn } from '../domain/bsn.ts';
import { loadHubDataKey } from '../crypto/hub-data-key.ts';
import { createSubjectProtector } from '../crypto/subject-protection.ts';
import { loadPolicyFile } from '../policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../hub/start-hub.ts';
import { randomBytes } from 'node:crypto';
import { loadHubSigningKey } from '../auth/hub-signing-key.ts';
import { ORGANISATIONS } from '../domain/organisations.ts';
import { assembleSubjectAccessReport, DEFAULT_REPORT_SOURCES } from '../audit/report-assembly.ts';
import type { SubjectAccessReport } from '../audit/subject-access-report.ts';
import { renderReportHtml } from '../audit/report-html.ts';
import { runCli, withHubDatabase } from './audit-cli.ts';
import { reportFromRunningHub } from './report-from-hub.ts';

runCli(async () => {
  const { values } = parseArgs({ options: { bsn: { type: 'string' }, out: { type: 'string', default: '.' }, token: { type: 'string' } } });
  if (!values.bsn || !isValidBsn(values.bsn)) {
    console.error('usage: audit:report -- --bsn <bsn> [--out <dir>] [--token <token>]  (the BSN must be 9 digits and pass the elfproef)');
    return 2;
  }
  const bsn = values.bsn;
  const report = await withHubDatabase(
    'audit:report',
    async (database, config) => {
      const policies = loadPolicyFile(config.policyFile, publicSchemaForPolicyCheck());
      const protector = createSubjectProtector(await loadHubDataKey(config.dataDir));
      // Read from the data folder by whoever holds it (the hub is not running): the whole log, as hub-wide,
      // and the adapters are asked with the hub's key on behalf of the municipality's officer.
      const sources = {
        partnerLogs: { adapters: config.adapters, hubKey: await loadHubSigningKey(config.dataDir) },
        officerContacts: config.officerContacts ?? DEFAULT_REPORT_SOURCES.officerContacts,
        retentionDays: config.auditRetentionDays ?? DEFAULT_REPORT_SOURCES.retentionDays,
      };
      const municipality = ORGANISATIONS.find((organisation) => organisation.kind === 'MUNICIPALITY')!;
      const asker = { professional: 'audit:report', organisationId: municipality.id, roles: ['hub-privacy-officer'], traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
      return assembleSubjectAccessReport(database.prisma, policies, { kind: 'hub' }, { bsn, subjectKey: protector.lookupKey(bsn) }, sources, asker);
    },
    async (hub, config) => {
      console.log(`The hub (pid ${hub.pid}) holds the data folder: the report is asked of it, and logged as a privacy officer's read.`);
      return reportFromRunningHub(hub, config, bsn, values.token);
    },
  );
  return writeReport(report, values.out!);
});

async function writeReport(report: SubjectAccessReport, out: string): Promise<number> {
  const stamp = report.generatedAt.replace(/[:.]/g, '-');
  const outDir = path.resolve(out);
  await mkdir(outDir, { recursive: true });
  const jsonFile = path.join(outDir, `inzage-toegangslog-${stamp}.json`);
  const htmlFile = path.join(outDir, `inzage-toegangslog-${stamp}.html`);
  await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  await writeFile(htmlFile, renderReportHtml(report), { mode: 0o600 });
  const unavailable = report.partnersUnavailable.length > 0 ? `; could not be asked: ${report.partnersUnavailable.join(', ')}` : '';
  console.log(`${report.accessCount} access(es) reported, with ${report.partnerProcessing.length} partner processing record(s)${unavailable}:\n  ${jsonFile}\n  ${htmlFile}`);
  return 0;
}
