/**
 * The conformance kit: checks an adapter from the outside, over HTTP, acting as the hub (it signs its
 * requests with the hub key: HUB_SIGNING_KEY, or the DEMO key in ONTSCHOT_DATA_DIR, as the gateway does).
 * One line per check and a summary; exit code 1 when any check fails, 2 when it could not run.
 *
 *   npm run adapter:check -- --url <adapter url> [--domain <domain>] [--time-budget-ms 2000] [--json]
 *   npm run adapter:check -- --start <name> [...]   (a scaffolded adapter, started here with its stub)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadHubSigningKey } from '../auth/hub-signing-key.ts';
import { logger } from '../observability/logger.ts';
import { ContractError, REPOSITORY_ROOT } from '../adapters/conformance/contract.ts';
import { startLocalAdapter } from '../adapters/conformance/local-adapter.ts';
import { ConformanceSetupError, DEFAULT_TIME_BUDGET_MS, runConformance, type ConformanceReport } from '../adapters/conformance/run-conformance.ts';
import { formatReport, jsonReport } from '../adapters/conformance/report.ts';

const USAGE = `usage: npm run adapter:check -- (--url <adapter /graphql url> | --start <scaffolded adapter>) [--domain <domain>] [--time-budget-ms <ms, default ${DEFAULT_TIME_BUDGET_MS}>] [--json]`;

class UsageError extends Error {}

interface CheckArguments {
  url?: string;
  start?: string;
  domain?: string;
  timeBudgetMs: number;
  json: boolean;
}

function readArguments(): CheckArguments | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        start: { type: 'string' },
        domain: { type: 'string' },
        'time-budget-ms': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if ((values.url === undefined) === (values.start === undefined)) throw new UsageError('give either --url or --start');
  if (values.url !== undefined && !/^https?:\/\//.test(values.url)) throw new UsageError('--url must be an http(s) URL');
  const budget = values['time-budget-ms'] === undefined ? DEFAULT_TIME_BUDGET_MS : Number(values['time-budget-ms']);
  if (!Number.isInteger(budget) || budget <= 0) throw new UsageError('--time-budget-ms must be a positive whole number of milliseconds');
  return { url: values.url, start: values.start, domain: values.domain, timeBudgetMs: budget, json: values.json };
}

async function main(): Promise<number> {
  const args = readArguments();
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  // The same key the gateway signs with, so an adapter that trusts the hub's JWKS accepts the kit.
  const dataDir = path.resolve(process.env.ONTSCHOT_DATA_DIR ?? '.ontschot');
  const hubKey = await loadHubSigningKey(dataDir);
  // An adapter started here logs every refusal the kit provokes on purpose; the report says what matters.
  if (args.start !== undefined && !process.env.LOG_LEVEL) logger.level = 'error';
  const local = args.start === undefined ? undefined : await startLocalAdapter(args.start, { root: REPOSITORY_ROOT, hubKey, dataDir });
  let report: ConformanceReport;
  try {
    report = await runConformance({ url: local?.url ?? args.url!, domain: args.domain ?? local?.domain, hubKey, timeBudgetMs: args.timeBudgetMs });
  } finally {
    await local?.close();
  }
  process.stdout.write(args.json ? jsonReport(report) : formatReport(report));
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`adapter:check: ${error.message}\n${USAGE}`);
    else if (error instanceof ConformanceSetupError || error instanceof ContractError) console.error(`adapter:check: ${error.message}`);
    else console.error(`adapter:check could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
