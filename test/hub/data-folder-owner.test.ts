import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { allDemoPeople } from '../../src/demo/population.ts';
import { killAll, removeTempDirs, runToEnd, runTsx, tempDir, waitForHealthy } from './hub-process.ts';

/**
 * One owner per PGlite data folder, over real processes: a second hub is refused with the owner's name;
 * the privacy officer's commands work while the hub runs (through the hub) and their counts are current;
 * kill -9 under load, then a restart: the lock left behind does not block it, the data is intact.
 */
afterEach(killAll);
afterAll(removeTempDirs);

const linda = allDemoPeople().find((person) => person.givenName === 'Linda')!;

async function token(dataDir: string, role: string, sub?: string): Promise<string> {
  const run = await runToEnd('src/cli/token.ts', ['--role', role, ...(sub ? ['--sub', sub] : [])], { ONTSCHOT_DATA_DIR: dataDir });
  expect(run.code).toBe(0);
  return run.stdout.trim();
}

async function graphql(base: string, bearer: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

function startHub(dataDir: string, ...args: string[]) {
  return runTsx('src/cli/serve.ts', ['all', ...args], { PORT: '0', ONTSCHOT_DATA_DIR: dataDir });
}

const RECORD_CONSENT = 'mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } receipt } }';
const CONSENTS_OF = 'query ($bsn: String!) { consentsOf(bsn: $bsn) { id status } }';

function consentInput(reference: string) {
  return {
    bsn: linda.bsn, givenBy: 'DATA_SUBJECT', evidenceMethod: 'WRITTEN', evidenceReference: reference, category: 'ggz',
    granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', validUntil: '2027-11-01',
  };
}

function verifiedCount(stdout: string): number {
  const match = /Access log intact: (\d+) record\(s\)/.exec(stdout);
  if (!match) throw new Error(`audit:verify did not report an intact log:\n${stdout}`);
  return Number(match[1]);
}

// Each test starts one or two hubs as processes; a busy machine may take a while (START_BOUND_MS each).
describe('one owner per data folder (embedded PGlite)', { timeout: 420_000 }, () => {
  it('refuses a second hub on the same folder, naming the running one, which keeps serving', async () => {
    const dataDir = await tempDir();
    const first = startHub(dataDir, '--fresh');
    const base = await waitForHealthy(first);

    // Even with --fresh: the second one must not wipe the folder the first one works on.
    const second = startHub(dataDir, '--fresh');
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.output.stderr).toContain(`in use by a running hub (serve all, pid ${first.pid}, ${base}/graphql)`);
    expect(second.output.stderr).not.toMatch(/\n\s+at /);
    expect(second.output.stdout).not.toContain('ready');
    expect(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);

    const answer = await graphql(base, await token(dataDir, 'wijkcoach'), '{ household(id: "hh-1001") { members { givenName } } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.household.members.length).toBeGreaterThan(0);
  });

  it('runs audit:verify, audit:report and audit:purge through the running hub, with current counts', async () => {
    const dataDir = await tempDir();
    const hub = startHub(dataDir, '--fresh');
    const base = await waitForHealthy(hub);
    const env = { ONTSCHOT_DATA_DIR: dataDir };
    const before = await runToEnd('src/cli/audit-verify.ts', [], env);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`The hub (pid ${hub.pid}) holds the data folder`);

    // New records after the first count: a stale view of the database would not see them.
    const coach = await token(dataDir, 'wijkcoach', 'lifecycle-probe');
    for (const id of ['hh-1001', 'hh-1002', 'hh-1003']) expect((await graphql(base, coach, `{ household(id: "${id}") { members { givenName } } }`)).body.errors).toBeUndefined();
    const officer = await token(dataDir, 'hub-privacy-officer');
    const probe = await graphql(base, officer, '{ accessRecords(filter: { professional: "lifecycle-probe" }) { totalCount } }');
    const added = probe.body.data.accessRecords.totalCount as number;
    expect(added).toBeGreaterThanOrEqual(3);

    const after = await runToEnd('src/cli/audit-verify.ts', [], env);
    expect(after.code).toBe(0);
    expect(verifiedCount(after.stdout)).toBeGreaterThanOrEqual(verifiedCount(before.stdout) + added);

    const outDir = await tempDir('ontschot-report-');
    const report = await runToEnd('src/cli/audit-report.ts', ['--bsn', linda.bsn, '--out', outDir], env);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/[1-9]\d* access\(es\) reported/);
    expect(`${report.stdout}${report.stderr}`).not.toContain(linda.bsn);

    // Through GraphQL the hub decides who may read: a wijkcoach's token is refused, and nothing is written.
    const refusedDir = await tempDir('ontschot-report-');
    const refused = await runToEnd('src/cli/audit-report.ts', ['--bsn', linda.bsn, '--out', refusedDir, '--token', coach], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the running hub refused the report: FORBIDDEN');
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(linda.bsn);
    expect(await readdir(refusedDir)).toEqual([]);

    const purge = await runToEnd('src/cli/audit-purge.ts', [], { ...env, AUDIT_RETENTION_DAYS: '0' });
    expect(purge.code).toBe(0);
    expect(purge.stdout).toMatch(/Purged [1-9]\d* access record\(s\)/);
    const verifiedAfterPurge = await runToEnd('src/cli/audit-verify.ts', [], env);
    expect(verifiedAfterPurge.code).toBe(0);

    // The control endpoint answers only the secret from the folder's owner file (mode 0600), on loopback.
    const owner = JSON.parse(await readFile(path.join(dataDir, 'pgdata.owner.json'), 'utf8'));
    expect((await stat(path.join(dataDir, 'pgdata.owner.json'))).mode & 0o077).toBe(0);
    expect(new URL(owner.controlUrl).hostname).toBe('127.0.0.1');
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${owner.controlSecret}x`, `Bearer ${coach}`]) {
      const response = await fetch(`${owner.controlUrl}/audit/purge`, { method: 'POST', headers: authorization ? { authorization } : {}, body: '{"retentionDays":0}' });
      expect(response.status).toBe(401);
    }

    // The hub still serves after all of it.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('kill -9 under load, then a restart: the lock does not block it, consents with receipts and the access log are intact', async () => {
    const dataDir = await tempDir();
    const first = startHub(dataDir, '--fresh');
    const base = await waitForHealthy(first);
    const coach = await token(dataDir, 'wijkcoach');

    // Load: household reads (access records) and consents (a receipt each), until the process dies.
    const receipted: string[] = [];
    let stop = false;
    const worker = async (n: number) => {
      for (let i = 0; !stop; i += 1) {
        try {
          if (i % 2 === 0) {
            const recorded = await graphql(base, coach, RECORD_CONSENT, { input: consentInput(`LOAD-${n}-${i}`) });
            if (recorded.body.data?.recordConsent?.receipt) receipted.push(recorded.body.data.recordConsent.consent.id);
          } else {
            await graphql(base, coach, '{ household(id: "hh-1003") { members { givenName housing { rentArrearsMonths } } } }');
          }
        } catch {
          return; // the hub is gone
        }
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    first.child.kill('SIGKILL');
    await first.exited;
    stop = true;
    await load;
    expect(receipted.length).toBeGreaterThan(0);

    const second = startHub(dataDir);
    const restarted = await waitForHealthy(second);
    const consents = await graphql(restarted, await token(dataDir, 'wijkcoach'), CONSENTS_OF, { bsn: linda.bsn });
    expect(consents.body.errors).toBeUndefined();
    const stored = new Set((consents.body.data.consentsOf as { id: string }[]).map((consent) => consent.id));
    for (const id of receipted) expect(stored.has(id), `consent ${id} whose receipt was handed out`).toBe(true);

    const verify = await runToEnd('src/cli/audit-verify.ts', [], { ONTSCHOT_DATA_DIR: dataDir });
    expect(verify.code).toBe(0);
    expect(verifiedCount(verify.stdout)).toBeGreaterThan(0);
  });
});
