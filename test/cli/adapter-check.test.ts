import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHubSigningKey, type HubSigningKey } from '../../src/auth/hub-signing-key.ts';
import { CONFORMANCE_CHECKS } from '../../src/adapters/conformance/run-conformance.ts';
import { candidateKnownBsns, invalidBsn, unknownBsns } from '../../src/adapters/conformance/probe-keys.ts';
import { startFixtureAdapter, type RunningFixture } from '../fixtures/broken-adapters/index.ts';
import { startTokenOptionalAdapter } from '../fixtures/broken-adapters/token-optional.ts';
import { runTsx } from './run-cli.ts';

/** `npm run adapter:check` as a partner runs it: a child process signing with the hub key of a data folder. */
const CLI = 'src/cli/adapter-check.ts';
let dataDir: string;
let hubKey: HubSigningKey;
let conforming: RunningFixture;
let broken: RunningFixture;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-adapter-check-'));
  hubKey = await loadHubSigningKey(dataDir, {});
  conforming = await startFixtureAdapter({ hubJwks: hubKey.jwks });
  broken = await startTokenOptionalAdapter({ hubJwks: hubKey.jwks });
});
afterAll(async () => {
  try {
    await conforming?.close();
    await broken?.close();
  } finally {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
});

const check = (args: string[], env: Record<string, string> = { ONTSCHOT_DATA_DIR: dataDir }) => runTsx(CLI, args, { env });

function expectNoBsn(output: string) {
  for (const bsn of [...candidateKnownBsns(), ...unknownBsns(50), invalidBsn()]) expect(output).not.toContain(bsn);
}

describe('adapter:check', () => {
  it('prints PASS for every check and a summary, and exits 0, for a conforming adapter (domain found by itself)', async () => {
    const run = await check(['--url', conforming.url]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, -1).map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(CONFORMANCE_CHECKS.map((c) => `PASS ${c.name}`));
    expect(lines.at(-1)).toBe(`${CONFORMANCE_CHECKS.length}/${CONFORMANCE_CHECKS.length} checks passed: the housing adapter at ${conforming.url} conforms`);
    expectNoBsn(run.stdout + run.stderr);
  });

  it('prints FAIL with the reason and exits 1 for a broken adapter; --json gives the same verdicts', async () => {
    const run = await check(['--url', broken.url, '--domain', 'housing']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL hub-token-required — not refused with 401: no token (HTTP 200)');
    expect(run.stdout).toMatch(/does NOT conform: 1 of \d+ checks failed\n$/);

    const json = await check(['--url', broken.url, '--domain', 'housing', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { domain: string; passed: boolean; checks: { name: string; passed: boolean }[] };
    expect(report).toMatchObject({ domain: 'housing', passed: false });
    expect(report.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['hub-token-required']);
    expectNoBsn(run.stdout + json.stdout);
  });

  it('signs with HUB_SIGNING_KEY when it is set, not with a DEMO key', async () => {
    const emptyDataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-adapter-check-env-'));
    try {
      const privateJwk = await readFile(path.join(dataDir, 'hub-signing-key.DEMO.jwk.json'), 'utf8');
      expect((await check(['--url', conforming.url], { ONTSCHOT_DATA_DIR: emptyDataDir, HUB_SIGNING_KEY: privateJwk })).code).toBe(0);
      // Without it, the empty folder gets a new DEMO key that the adapter does not trust.
      const untrusted = await check(['--url', conforming.url, '--domain', 'housing'], { ONTSCHOT_DATA_DIR: emptyDataDir, HUB_SIGNING_KEY: '' });
      expect(untrusted.code).toBe(1);
      expect(untrusted.stdout).toContain('FAIL schema-compatible — introspection answered HTTP 401');
    } finally {
      await rm(emptyDataDir, { recursive: true, force: true });
    }
  });

  it('refuses bad arguments with a usage message and exit code 2, and says when the adapter cannot be reached', async () => {
    for (const args of [['--url', conforming.url, '--start', 'example'], ['--url', conforming.url, '--time-budget-ms', 'soon']]) {
      const run = await check(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('usage: npm run adapter:check');
    }
    const unknownDomain = await check(['--url', conforming.url, '--domain', '../secrets']);
    expect(unknownDomain).toMatchObject({ code: 2, stderr: expect.stringContaining("'../secrets' is not kebab-case") });
    const gone = await check(['--url', 'http://127.0.0.1:9/graphql']);
    expect(gone).toMatchObject({ code: 2, stderr: 'adapter:check: could not reach the adapter\n' });
    const noAdapter = await check(['--start', 'no-such-adapter']);
    expect(noAdapter).toMatchObject({ code: 2, stderr: expect.stringContaining('no src/adapters/no-such-adapter/adapter.ts') });
    const builtIn = await check(['--start', 'debt']);
    expect(builtIn).toMatchObject({ code: 2, stderr: expect.stringContaining("'debt' is a built-in adapter: run npm start, then check it with --url http://127.0.0.1:4202/graphql") });
  });
});
