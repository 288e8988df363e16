/**
 * The policy report, the versions and the diff over GraphQL, as the privacy officer's console asks for
 * them: officers only (any alias), an HTML fragment the console's CSP accepts, the version the hub runs
 * with recorded at start-up (idempotently), a diff between two recorded versions, and clear input errors.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { withLine } from '../support/policy-file-fixture.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { listPolicyVersions, policySha256, recordPolicyVersion } from '../../src/policy-report/policy-versions.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const shipped = readFileSync('schema/field-policies.yaml', 'utf8');
const VERSIONS = '{ policyVersions { id sha256 firstRunAt lastRunAt current } }';
const DIFF = 'query Diff($from: ID!, $to: ID!, $format: PolicyDocumentFormat) { policyDiff(from: $from, to: $to, format: $format) { widens format body } }';

describeWithPostgres('the policy report over GraphQL', (database) => {
  let hub: TestHub;
  let officer: string;
  beforeAll(async () => {
    hub = await startTestHub(database());
    officer = await hub.token({ role: 'hub-privacy-officer' });
  });
  afterAll(async () => hub?.stop());

  /** A version as an earlier start of the hub would have recorded it. */
  async function olderVersion(text: string): Promise<string> {
    const at = new Date('2026-01-01T09:00:00Z');
    const row = await hub.database.prisma.policyVersion.create({ data: { id: randomUUID(), sha256: policySha256(text), text, firstRunAt: at, lastRunAt: at } });
    return row.id;
  }

  it('gives an officer the report as an HTML fragment without script or inline style, and as Markdown', async () => {
    const html = await hub.query(officer, '{ policyReport { format body } }');
    expect(html.body.errors).toBeUndefined();
    expect(html.body.data!.policyReport.format).toBe('HTML');
    const body: string = html.body.data!.policyReport.body;
    expect(body).toMatch(/^<article class="policy-document">/);
    expect(body).not.toMatch(/<script|style=|<style/i);
    expect(body).toContain("only with the person&#39;s consent and involvement");
    const markdown = await hub.query(await hub.token({ role: 'privacy-officer' }), '{ policyReport(format: MARKDOWN) { format body } }');
    expect(markdown.body.data!.policyReport).toMatchObject({ format: 'MARKDOWN', body: expect.stringMatching(/^# Policy report: who may see what\n/) });
  });

  it('lists the version the hub runs with, recorded at start-up, as current', async () => {
    const result = await hub.query(officer, VERSIONS);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data!.policyVersions).toEqual([
      { id: expect.any(String), sha256: policySha256(shipped), firstRunAt: expect.any(String), lastRunAt: expect.any(String), current: true },
    ]);
  });

  it('records a version once, and a later start only moves its last run', async () => {
    const [before] = await listPolicyVersions(hub.database.prisma);
    const later = new Date(before.lastRunAt.getTime() + 60_000);
    const again = await recordPolicyVersion(hub.database.prisma, shipped, later);
    expect(again).toMatchObject({ id: before.id, firstRunAt: before.firstRunAt, lastRunAt: later });
    expect(await hub.database.prisma.policyVersion.count()).toBe(1);
  });

  it('tells an officer whether the change from one recorded version to another widens access, newest first in the list', async () => {
    const wide = await olderVersion(withLine('    purposes: [vroegsignalering-schulden]', '    purposes: [vroegsignalering-schulden, wijkteam-ondersteuning]').text);
    const versions = (await hub.query(officer, VERSIONS)).body.data!.policyVersions as { id: string; current: boolean }[];
    expect(versions.map((version) => [version.id === wide, version.current])).toEqual([[false, true], [true, false]]);
    const current = versions[0].id;

    const narrowing = await hub.query(officer, DIFF, { from: wide, to: current, format: 'MARKDOWN' });
    expect(narrowing.body.errors).toBeUndefined();
    expect(narrowing.body.data!.policyDiff).toMatchObject({ widens: false, format: 'MARKDOWN', body: expect.stringContaining('loses access to 2 fields Person.housing, Housing.rentArrearsTwoMonthsOrMore') });

    const widening = await hub.query(officer, DIFF, { from: current, to: wide });
    expect(widening.body.data!.policyDiff).toMatchObject({ widens: true, format: 'HTML', body: expect.stringContaining('<section class="widens">') });
    expect(widening.body.data!.policyDiff.body).not.toMatch(/<script|style=/i);

    const same = await hub.query(officer, DIFF, { from: current, to: current });
    expect(same.body.data!.policyDiff).toMatchObject({ widens: false, body: expect.stringContaining('No change') });
  });

  it('refuses an unknown or absurd version id as BAD_USER_INPUT naming the argument', async () => {
    const current = ((await hub.query(officer, VERSIONS)).body.data!.policyVersions as { id: string }[])[0].id;
    for (const [variables, argument] of [[{ from: randomUUID(), to: current }, 'from'], [{ from: current, to: 'x'.repeat(10_000) }, 'to']] as const) {
      const result = await hub.query(officer, DIFF, variables);
      expect(result.body.data?.policyDiff).toBeNull();
      expect(result.body.errors).toEqual([expect.objectContaining({ message: `${argument}: no policy version with this id (see policyVersions)`, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    }
  });

  it('compares a recorded version written for an earlier schema, saying so, and refuses one that is invalid as BAD_USER_INPUT', async () => {
    const current = ((await hub.query(officer, VERSIONS)).body.data!.policyVersions as { id: string; current: boolean }[]).find((version) => version.current)!.id;
    const earlier = await olderVersion(shipped.replace('  Consent:\n', '  Consent:\n    signature: { basis: none }\n'));
    const compared = await hub.query(officer, DIFF, { from: earlier, to: current, format: 'MARKDOWN' });
    expect(compared.body.data!.policyDiff.body).toMatch(/Consent\.signature is in version of 2026-01-01 09:00 \(sha256 \w{12}\) but no longer in the public schema/);
    const invalid = await olderVersion(withLine('roles: [wijkcoach, schuldhulpverlener, woonconsulent] }', 'roles: [wijkcoach, huisarts] }').text);
    const result = await hub.query(officer, DIFF, { from: current, to: invalid });
    expect(result.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^to: version of 2026-01-01 09:00 \(sha256 \w{12}\) is not a valid policy file\.\n.*unknown role 'huisarts'/), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });

  it.each([
    ['a wijkcoach', { role: 'wijkcoach' }],
    ['a debt worker', { role: 'schuldhulpverlener' }],
  ])('refuses %s FORBIDDEN on all three, under any alias', async (_name, who) => {
    const token = await hub.token(who);
    const current = ((await hub.query(officer, VERSIONS)).body.data!.policyVersions as { id: string }[])[0].id;
    const result = await hub.query(token, `query ($id: ID!) { r: policyReport { body } v: policyVersions { sha256 } d: policyDiff(from: $id, to: $id) { body widens } }`, { id: current });
    expect(result.body.data).toEqual({ r: null, v: null, d: null });
    expect(result.body.errors!.map((error) => [error.path, error.extensions?.code])).toEqual(expect.arrayContaining([[['r'], 'FORBIDDEN'], [['v'], 'FORBIDDEN'], [['d'], 'FORBIDDEN']]));
  });
});

describe('policy versions on PGlite (the embedded default)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'policy-versions-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('records a version once and moves its last run on a later start', async () => {
    const database = await openDatabase({ dataDir });
    try {
      const first = await recordPolicyVersion(database.prisma, shipped, new Date('2026-11-24T10:00:00Z'));
      const second = await recordPolicyVersion(database.prisma, shipped, new Date('2026-11-24T11:00:00Z'));
      const other = await recordPolicyVersion(database.prisma, `${shipped}\n# a comment\n`, new Date('2026-11-24T12:00:00Z'));
      expect(second).toMatchObject({ id: first.id, firstRunAt: new Date('2026-11-24T10:00:00Z'), lastRunAt: new Date('2026-11-24T11:00:00Z') });
      expect((await listPolicyVersions(database.prisma)).map((row) => row.id)).toEqual([other.id, first.id]);
    } finally {
      await database.close();
    }
  }, 180_000); // PGlite starts and migrates in-process: slow on a busy machine
});
