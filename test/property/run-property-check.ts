/**
 * Runs the no-leak property (test/support/policy-property.ts) for as many cases as asked, against a real
 * hub on a throw-away PostgreSQL database, and prints how many cases ran and how many violated it.
 *   npm run test:property -- --cases 100000 [--seed 42]
 * Exit code 1 when any case violates the property.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestHub } from '../support/hub.ts';
import { loadPolicyOracle } from '../support/policy-oracle.ts';
import { createPropertyHarness, describeCase, FIXED_CASES, propertyCaseArbitrary, runPropertyCase } from '../support/policy-property.ts';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string' } } });
const total = Number(values.cases);
if (!Number.isInteger(total) || total < 1) {
  console.error('--cases must be a positive whole number');
  process.exit(2);
}
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

const database = await createTestDatabase();
if (!database) {
  console.error('PostgreSQL is not reachable on 127.0.0.1:5432');
  process.exit(2);
}
const oracle = loadPolicyOracle();
const hub = await startTestHub(database);
const harness = await createPropertyHarness(hub, oracle);
const arbitrary = propertyCaseArbitrary(oracle);
const started = Date.now();
let ran = 0;
let violatingCases = 0;
let firstViolation: string | undefined;
/** Violations per kind (the message without paths, ids and values), to see at a glance what broke. */
const kinds = new Map<string, number>();
/** What the cases exercised (released under a grant, look-ups hidden, ...): the generator reaches every side. */
const seen = new Map<string, number>();
try {
  const batch = 1000;
  for (let offset = 0; offset < total; offset += batch) {
    const sampled = fc.sample(arbitrary, { numRuns: Math.min(batch, total - offset) - (offset === 0 ? FIXED_CASES.length : 0), seed: seed + offset });
    const cases = offset === 0 ? [...FIXED_CASES, ...sampled] : sampled;
    for (const testCase of cases) {
      const violations = await runPropertyCase(harness, testCase, seen);
      ran++;
      for (const violation of violations) {
        const kind = violation.replace(/property-\d+-grant-\d+/g, 'a grant').replace(/ at \S+/g, '').replace(/ (for|of) \S+/g, ' $1 …').replace(/'[^']*'/g, '…').replace(/\([^)]*\)/g, '');
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      if (violations.length > 0) {
        violatingCases++;
        firstViolation ??= `${violations.join('\n')}\n${describeCase(testCase)}`;
      }
    }
    console.log(`${ran} cases, ${violatingCases} with violations (${Math.round((Date.now() - started) / 1000)} s)`);
  }
} finally {
  await hub.stop();
  await database.drop();
}
console.log(`\nseed ${seed}: ${ran} cases, ${violatingCases} violations`);
for (const [kind, count] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(6)}  ${kind}`);
console.log('exercised (occurrences):');
for (const [what, count] of [...seen].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${String(count).padStart(6)}  ${what}`);
if (firstViolation) console.log(`first violation:\n${firstViolation}`);
process.exit(violatingCases > 0 ? 1 : 0);
