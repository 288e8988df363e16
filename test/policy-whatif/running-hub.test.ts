import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAll, removeTempDirs, runToEnd, runTsx, tempDir, waitForHealthy } from '../hub/hub-process.ts';
import type { WhatIfReport } from '../../src/policy-whatif/report.ts';

/**
 * policy:whatif on the embedded default: while a hub holds the PGlite folder the command asks that hub
 * (its control endpoint, loopback and bearer secret); once the hub is stopped it opens the folder itself.
 */
afterEach(killAll);
afterAll(removeTempDirs);

const CURRENT = readFileSync('schema/field-policies.yaml', 'utf8');
const CARE_LINE = '    care:       { category: ggz, basis: consent, roles: [wijkcoach], purposes: [wijkteam-ondersteuning] }';

describe('policy:whatif with the embedded hub', { timeout: 420_000 }, () => {
  it('asks the running hub, which refuses callers without its secret; then reads the folder itself once the hub stopped', async () => {
    const dataDir = await tempDir();
    const hub = runTsx('src/cli/serve.ts', ['all', '--fresh'], { PORT: '0', ONTSCHOT_DATA_DIR: dataDir });
    const base = await waitForHealthy(hub);
    const token = (await runToEnd('src/cli/token.ts', ['--role', 'wijkcoach'], { ONTSCHOT_DATA_DIR: dataDir })).stdout.trim();
    const answer = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ household(id: "hh-1001") { members { givenName care { inCare } } } }' }),
    });
    expect(answer.status).toBe(200);

    const candidate = path.join(dataDir, 'candidate.yaml');
    await writeFile(candidate, CURRENT.replace(CARE_LINE, CARE_LINE.replace('roles: [wijkcoach]', 'roles: [schuldhulpverlener]')));
    const env = { ONTSCHOT_DATA_DIR: dataDir };
    const viaHub = await runToEnd('src/cli/policy-whatif.ts', [candidate, '--json'], env);
    expect(viaHub.stderr).toContain(`The hub (pid ${hub.pid}) holds the data folder: it replayed its own access log.`);
    expect(viaHub.code).toBe(0);
    const report = JSON.parse(viaHub.stdout) as WhatIfReport;
    expect(report.rows.find((row) => row.role === 'wijkcoach' && row.field === 'Person.care')).toMatchObject({ releasedThenWithheld: 1, withheldAs: { FORBIDDEN: 1 } });

    // The control endpoint itself: the secret is required; a candidate it cannot parse is a 400 naming the problems.
    const owner = JSON.parse(await readFile(path.join(dataDir, 'pgdata.owner.json'), 'utf8')) as { controlUrl: string; controlSecret: string };
    const body = JSON.stringify({ candidate: { label: 'x.yaml', text: 'version: 2' }, period: { from: '2026-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' } });
    const anonymous = await fetch(`${owner.controlUrl}/policy/whatif`, { method: 'POST', body });
    expect(anonymous.status).toBe(401);
    const invalid = await fetch(`${owner.controlUrl}/policy/whatif`, { method: 'POST', headers: { authorization: `Bearer ${owner.controlSecret}` }, body });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { problems: string[] }).problems).toContain("x.yaml:1: 'version' must be 1");

    hub.child.kill('SIGTERM');
    expect((await hub.exited).code).toBe(0);
    const direct = await runToEnd('src/cli/policy-whatif.ts', [candidate, '--json'], env);
    expect(direct.stderr).toBe('');
    expect(direct.code).toBe(0);
    expect(JSON.parse(direct.stdout)).toMatchObject({ recordsReplayed: report.recordsReplayed, totals: report.totals });
  });
});
