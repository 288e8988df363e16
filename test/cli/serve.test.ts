import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allDemoPeople } from '../../src/demo/population.ts';

/**
 * The README's first command, as a user runs it: the hub on its embedded default (PGlite, demo issuer,
 * simulators and adapters in one process), then a query with a token from `npm run token`.
 */
const children: ChildProcess[] = [];
const folders: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'ontschot-cli-'));
  folders.push(folder);
  return folder;
}

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'debug', VITEST: '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk) => (output.stdout += chunk));
  child.stderr!.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, output, exited };
}

async function waitFor(check: () => string | undefined, what: string, timeoutMs = 45_000): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const found = check();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('npm start: the embedded default', () => {
  it('comes up on PGlite, answers a household query with a token from the token command, and logs no BSN', async () => {
    const dataDir = await tempDir();
    const hub = run(['src/cli/serve.ts', 'all', '--fresh'], { PORT: '0', ONTSCHOT_DATA_DIR: dataDir });
    const graphqlUrl = await waitFor(() => /ready: (http:\/\/\S+\/graphql)/.exec(hub.output.stdout)?.[1], 'the hub to be ready');
    expect(hub.output.stdout).toContain('database: pglite');
    expect((await fetch(graphqlUrl.replace('/graphql', '/healthz'))).status).toBe(200);

    const tokenCommand = run(['src/cli/token.ts', '--role', 'wijkcoach'], { ONTSCHOT_DATA_DIR: dataDir });
    expect(await tokenCommand.exited).toBe(0);
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
    expect(await hub.exited).toBe(0);
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
    expect(await hub.exited).toBe(1);
    expect(hub.output.stderr).toMatch(/broken-policies\.yaml:\d+: unknown field 'Housing\.evictionDate'/);
    expect(hub.output.stdout).not.toContain('ready');
  });

  it('token command refuses an unknown role or organisation with a message and exit 1', async () => {
    const dataDir = await tempDir();
    const unknownOrg = run(['src/cli/token.ts', '--role', 'wijkcoach', '--org', 'nergens'], { ONTSCHOT_DATA_DIR: dataDir });
    expect(await unknownOrg.exited).toBe(1);
    expect(unknownOrg.output.stderr).toContain("Unknown organisation 'nergens'");
    expect(unknownOrg.output.stdout).toBe('');
    const noRole = run(['src/cli/token.ts'], { ONTSCHOT_DATA_DIR: dataDir });
    expect(await noRole.exited).toBe(1);
    expect(noRole.output.stderr).toContain('--role is required');
  });
});
