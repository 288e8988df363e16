/**
 * A dry run of a candidate policy against the access log:
 * `npm run policy:whatif -- <candidate> [--from <date>] [--to <date>] [--json]`.
 * The candidate is a file or a git revision (src/policy/policy-source.ts). Every access of
 * the period is decided again under the candidate with the facts of its time; the report gives counts
 * per role, field and category, never personal data. Exit 0 with the report, 2 on bad input (a candidate
 * that does not parse lists its problems) or when the log could not be read.
 *
 * With DATABASE_URL it reads PostgreSQL in one READ ONLY transaction; on the embedded default it opens
 * the PGlite folder, or asks the running hub that holds it (its control endpoint).
 */
import { parseArgs } from 'node:util';
import { publicSchemaForPolicyCheck } from '../hub/start-hub.ts';
import { readPolicySource } from '../policy/policy-source.ts';
import { parseCandidate } from '../policy-whatif/candidate.ts';
import { periodOf, periodToJson, WhatIfInputError } from '../policy-whatif/period.ts';
import type { WhatIfReport } from '../policy-whatif/report.ts';
import { reportAsText } from '../policy-whatif/report-text.ts';
import { whatIfReadOnly } from '../policy-whatif/whatif.ts';
import { askRunningHub, runCli, withHubDatabase } from './audit-cli.ts';

const USAGE = 'usage: npm run policy:whatif -- <candidate file or git revision> [--from <date>] [--to <date>] [--json]';

runCli(async () => {
  try {
    const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false } } });
    if (positionals.length !== 1) throw new WhatIfInputError(USAGE);
    // Everything the user gave is checked before the database is opened.
    const period = periodOf(values);
    const source = readPolicySource(positionals[0]);
    const candidate = parseCandidate(source, publicSchemaForPolicyCheck());
    const report = await withHubDatabase(
      'policy:whatif',
      (database) => whatIfReadOnly(database.prisma, candidate, source.label, period),
      async (hub) => {
        console.error(`The hub (pid ${hub.pid}) holds the data folder: it replayed its own access log.`);
        return askRunningHub<WhatIfReport>(hub, '/policy/whatif', { candidate: source, period: periodToJson(period) });
      },
    );
    console.log(values.json ? JSON.stringify(report, null, 2) : reportAsText(report));
    return 0;
  } catch (error) {
    if (!(error instanceof WhatIfInputError) && !isBadArgument(error)) throw error;
    console.error(`error: ${(error as Error).message}`);
    for (const problem of (error as WhatIfInputError).problems ?? []) console.error(`  ${problem}`);
    return 2;
  }
});

/** parseArgs's own errors (an unknown option, a missing value) and policy-source's. */
function isBadArgument(error: unknown): boolean {
  return (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS') === true || (error as Error)?.name === 'PolicySourceError';
}
