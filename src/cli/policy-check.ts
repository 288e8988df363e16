/**
 * Checks the field policy file against the public schema with the same code the hub runs at start-up.
 *
 *   npm run policy:check [-- --file <path>]     (default: POLICY_FILE or schema/field-policies.yaml)
 *
 * Prints `OK: <n> fields covered`, or every problem as `file:line: message` and exits with 1.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadGatewayConfig } from '../config/env.ts';
import { loadPolicyFile, PolicyFileError } from '../policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../hub/start-hub.ts';

function main(): number {
  const { values } = parseArgs({ options: { file: { type: 'string' } } });
  const file = values.file ? path.resolve(values.file) : loadGatewayConfig().policyFile;
  try {
    const policies = loadPolicyFile(file, publicSchemaForPolicyCheck());
    process.stdout.write(`OK: ${policies.fields.size} fields covered\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof PolicyFileError)) throw error;
    for (const problem of error.problems) process.stdout.write(`${problem}\n`);
    return 1;
  }
}

try {
  process.exitCode = main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 2;
}
