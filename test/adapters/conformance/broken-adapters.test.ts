import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHubSigningKey, type HubSigningKey } from '../../../src/auth/hub-signing-key.ts';
import { CONFORMANCE_CHECKS, runConformance } from '../../../src/adapters/conformance/run-conformance.ts';
import { formatReport } from '../../../src/adapters/conformance/report.ts';
import { candidateKnownBsns, invalidBsn, unknownBsns } from '../../../src/adapters/conformance/probe-keys.ts';
import { BROKEN_ADAPTERS, FIXTURE_TIME_BUDGET_MS, startFixtureAdapter } from '../../fixtures/broken-adapters/index.ts';

let dataDir: string;
let hubKey: HubSigningKey;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-conformance-'));
  hubKey = await loadHubSigningKey(dataDir, {});
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function failedChecks(start: typeof startFixtureAdapter, domain?: string) {
  const adapter = await start({ hubJwks: hubKey.jwks });
  try {
    const report = await runConformance({ url: adapter.url, domain, hubKey, timeBudgetMs: FIXTURE_TIME_BUDGET_MS });
    return { report, failed: report.results.filter((result) => !result.passed).map((result) => result.name) };
  } finally {
    await adapter.close();
  }
}

/** The report never shows a key the kit asked for. */
function expectNoBsn(output: string) {
  for (const bsn of [...candidateKnownBsns(), ...unknownBsns(50), invalidBsn()]) expect(output).not.toContain(bsn);
}

describe('conformance kit against the fixture adapters', () => {
  it('passes every check for the conforming fixture, finding its domain by itself', async () => {
    const { report, failed } = await failedChecks(startFixtureAdapter);
    expect(failed).toEqual([]);
    expect(report.domain).toBe('housing');
    expect(report.results.map((result) => result.name)).toEqual(CONFORMANCE_CHECKS.map((check) => check.name));
    expect(report.passed).toBe(true);
    expectNoBsn(formatReport(report));
  });

  it('has a broken fixture for every check', () => {
    expect(new Set(BROKEN_ADAPTERS.map((broken) => broken.caughtBy))).toEqual(new Set(CONFORMANCE_CHECKS.map((check) => check.name)));
  });

  for (const broken of BROKEN_ADAPTERS) {
    it(`catches ${broken.fixture} with ${broken.caughtBy}, and only with it`, async () => {
      const { report, failed } = await failedChecks(broken.start, 'housing');
      expect(failed).toEqual([broken.caughtBy]);
      expect(report.results.find((result) => result.name === broken.caughtBy)?.reason).toMatch(broken.because);
      expect(report.passed).toBe(false);
      expectNoBsn(formatReport(report));
    });
  }
});
