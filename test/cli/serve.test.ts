import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { allDemoPeople } from '../../src/demo/population.ts';
import { killAll, removeTempDirs, runTsx, tempDir, waitForHealthy } from '../hub/hub-process.ts';

/**
 * The README's first command, as a user runs it: the hub on its embedded default (PGlite, demo issuer,
 * simulators and adapters in one process), then a query with a token from `npm run token`.
 * Readiness is GET /healthz polled within a generous bound (a busy machine may take half a minute or
 * more to start), never a race against a fixed timeout; processes and folders are removed also on failure.
 */
afterEach(killAll);
afterAll(removeTempDirs);

function run(args: string[], env: Record<string, string>) {
  return runTsx(args[0], args.slice(1), { LOG_LEVEL: 'debug', ...env });
}

describe('npm start: the embedded default', { timeout: 240_000 }, () => {
  it('comes up on PGlite, answers a household query with a token from the token command, and logs no BSN', async () => {
    const dataDir = await tempDir();
    const hub = run(['src/cli/serve.ts', 'all', '--fresh'], { PORT: '0', ONTSCHOT_DATA_DIR: dataDir });
    const graphqlUrl = `${await waitForHealthy(hub)}/graphql`;
    expect(hub.output.stdout).toContain(`ready: ${graphqlUrl} (database: pglite`);

    const tokenCommand = run(['src/cli/token.ts', '--role', 'wijkcoach'], { ONTSCHOT_DATA_DIR: dataDir });
    expect((await tokenCommand.exited).code).toBe(0);
    const stdoutLines = tokenCommand.output.stdout.trim().split('\n');
    expect(stdoutLines).toHaveLength(1);
    expect(stdoutLines[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stdoutLines[0]}` },
      body: JSON.stringify({
        query: 'query ($bsn: String!) { householdByMemberBsn(bsn: $bsn) { members { givenName housing { rentArrearsMonths } care { inCare } } } }',
        variables: { bsn: '999906318' },
      }),
    });
    const body = (await response.json()) as any;
    expect(body.data.householdByMemberBsn.members[0]).toEqual({ givenName: 'Mohammed', housing: { rentArrearsMonths: 3 }, care: { inCare: true } });
    expect(body.errors.map((error: any) => error.extensions.code)).toEqual(['CONSENT_REQUIRED', 'CONSENT_REQUIRED']);

    hub.child.kill('SIGTERM');
    expect(await hub.exited).toEqual({ code: 0, signal: null });
    const everything = `${hub.output.stdout}\n${hub.output.stderr}`;
    // The demo token is printed at start-up on purpose; BSNs never are.
    for (const person of allDemoPeople()) expect(everything).not.toContain(person.bsn);
    expect(hub.output.stderr).toContain('gateway listening');
  });

  it('stops with the file, line and problem when the policy file is invalid', async () => {
    const dataDir = await tempDir();
    const policy = (await readFile('schema/field-policies.yaml', 'utf8')).replace('    evictionStatus:', '    evictionDate:');
    const policyFile = path.join(dataDir, 'broken-policies.yaml');
    await writeFile(policyFile, policy);
    const hub = run(['src/cli/serve.ts', 'all'], { PORT: '0', ONTSCHOT_DATA_DIR: dataDir, POLICY_FILE: policyFile });
    expect((await hub.exited).code).toBe(1);
    expect(hub.output.stderr).toMatch(/broken-policies\.yaml:\d+: unknown field 'Housing\.evictionDate'/);
    expect(hub.output.stdout).not.toContain('ready');
  });

  it('token command refuses an unknown role or organisation with a message and exit 1', async () => {
    const dataDir = await tempDir();
    const unknownOrg = run(['src/cli/token.ts', '--role', 'wijkcoach', '--org', 'nergens'], { ONTSCHOT_DATA_DIR: dataDir });
    expect((await unknownOrg.exited).code).toBe(1);
    expect(unknownOrg.output.stderr).toContain("Unknown organisation 'nergens'");
    expect(unknownOrg.output.stdout).toBe('');
    const noRole = run(['src/cli/token.ts'], { ONTSCHOT_DATA_DIR: dataDir });
    expect((await noRole.exited).code).toBe(1);
    expect(noRole.output.stderr).toContain('--role or --org is required');
  });
});
