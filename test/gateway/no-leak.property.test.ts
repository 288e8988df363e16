import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { loadPolicyOracle } from '../support/policy-oracle.ts';
import { createPropertyHarness, KNOWN_ESCAPES, printCase, propertyCaseArbitrary, runPropertyCase, type PropertyHarness } from '../support/policy-property.ts';
import { AccessLog } from '../../src/audit/access-log.ts';

/**
 * Issues 3 and 9 as properties: for random roles, purposes, organisations, consent sets (active,
 * withdrawn, expired, not yet valid) and random hostile queries (fragments, aliases onto id and bsn,
 * @skip/@include, only ids, look-ups that miss), the hub returns nothing the policy forbids, asks no
 * partner for anything the caller may not see or did not ask for, and leaves an access record for every
 * personal value released and every look-up. 1,000 cases here; `npm run test:property -- --cases 100000`
 * runs as many as asked.
 */
const oracle = loadPolicyOracle();

describeWithPostgres('no leak, for any caller, consent set and query', (database) => {
  let hub: TestHub;
  let harness: PropertyHarness;
  beforeAll(async () => {
    hub = await startTestHub(database());
    harness = await createPropertyHarness(hub, oracle);
  });
  afterAll(async () => hub?.stop());

  it('holds for 1,000 random cases', async () => {
    await fc.assert(
      fc.asyncProperty(propertyCaseArbitrary(oracle), async (testCase) => {
        const violations = await runPropertyCase(harness, testCase);
        if (violations.length > 0) throw new Error(`${violations.join('\n')}\n${printCase(testCase.root)}`);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 1000), examples: KNOWN_ESCAPES.map((testCase) => [testCase]) },
    );
  }, 600_000);
});

describeWithPostgres('the no-leak property can fail', (database) => {
  let hub: TestHub;
  let harness: PropertyHarness;
  beforeAll(async () => {
    // A hub whose policy lets the woonconsulent look people up by BSN (a membership oracle), checked
    // against the oracle reading the real policy: the property must find the difference.
    const leaky = readFileSync('schema/field-policies.yaml', 'utf8').replace(
      '    personByBsn:          { basis: none, roles: [wijkcoach, schuldhulpverlener] }',
      '    personByBsn:          { basis: none, roles: [wijkcoach, schuldhulpverlener, woonconsulent] }',
    );
    expect(leaky).not.toBe(readFileSync('schema/field-policies.yaml', 'utf8'));
    hub = await startTestHub(database(), (config) => {
      const file = path.join(config.dataDir, 'leaky-policies.yaml');
      writeFileSync(file, leaky);
      return { ...config, policyFile: file };
    });
    harness = await createPropertyHarness(hub, oracle);
  });
  afterAll(async () => hub?.stop());

  it('finds the leak of a hub that releases more than the policy allows', async () => {
    const result = await fc.check(
      fc.asyncProperty(propertyCaseArbitrary(oracle), async (testCase) => (await runPropertyCase(harness, testCase)).length === 0),
      { numRuns: 2000, seed: 20261123, endOnFailure: true },
    );
    expect(result.failed).toBe(true);
  }, 600_000);
});

describeWithPostgres('the accountability property can fail', (database) => {
  let hub: TestHub;
  let harness: PropertyHarness;
  beforeAll(async () => {
    hub = await startTestHub(database());
    harness = await createPropertyHarness(hub, oracle);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => hub?.stop());

  // Deliberately broken variants of the hub (it runs in this process): the property must notice each.
  const brokenVariants: [string, () => void][] = [
    ['a hub that does not record look-ups', () => vi.spyOn(AccessLog.prototype, 'recordLookup').mockImplementation(() => undefined)],
    ['a hub that does not record misses', () => vi.spyOn(AccessLog.prototype, 'recordKeyed').mockImplementation(() => undefined)],
    ['a hub that forgets the BSN it released', () => {
      const record = AccessLog.prototype.record;
      vi.spyOn(AccessLog.prototype, 'record').mockImplementation(function (this: AccessLog, subject, decision) {
        if (decision.coordinate !== 'Person.bsn') record.call(this, subject, decision);
      });
    }],
  ];
  for (const [name, breakHub] of brokenVariants) {
    it(`finds ${name}`, async () => {
      breakHub();
      const result = await fc.check(
        fc.asyncProperty(propertyCaseArbitrary(oracle), async (testCase) => (await runPropertyCase(harness, testCase)).length === 0),
        { numRuns: 1000, seed: 20261124, endOnFailure: true },
      );
      expect(result.failed).toBe(true);
    }, 600_000);
  }
});
