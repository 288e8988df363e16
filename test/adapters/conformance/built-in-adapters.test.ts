import { afterAll, beforeAll, expect, it } from 'vitest';
import { DOMAINS } from '../../../src/domain/partner-domains.ts';
import { CONFORMANCE_CHECKS, runConformance } from '../../../src/adapters/conformance/run-conformance.ts';
import { describeWithPostgres } from '../../support/postgres.ts';
import { startTestHub, type TestHub } from '../../support/hub.ts';

describeWithPostgres('conformance kit against the built-in adapters of a running hub', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database());
  });
  afterAll(() => hub?.stop());

  for (const domain of DOMAINS) {
    it(`the ${domain} adapter passes every check, signed with the hub's own key`, async () => {
      const report = await runConformance({ url: hub.adapters[domain]!.url, hubKey: hub.hubKey });
      expect(report.domain).toBe(domain);
      expect(report.results.filter((result) => !result.passed)).toEqual([]);
      expect(report.results).toHaveLength(CONFORMANCE_CHECKS.length);
    });
  }
});
