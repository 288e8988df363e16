/**
 * Creates a working adapter for a new partner domain (contract, adapter, partner client, simulator stub,
 * test, README), on the adapter SDK. It passes the conformance kit as generated.
 *
 *   npm run adapter:new -- <name> [--root <repository>]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { planScaffold, ScaffoldError, writeScaffold } from '../adapters/scaffold/scaffold.ts';
import { REPOSITORY_ROOT } from '../adapters/conformance/contract.ts';

const USAGE = 'usage: npm run adapter:new -- <name> [--root <repository>]   (name in kebab-case, e.g. school-attendance)';

async function main(): Promise<number> {
  let values: { root?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ allowPositionals: true, options: { root: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`name one new domain\n${USAGE}`);
    return 2;
  }
  const [name] = positionals;
  const root = path.resolve(values.root ?? REPOSITORY_ROOT);
  try {
    const files = planScaffold(name, root);
    await writeScaffold(root, files);
    console.log(`Created the ${name} adapter:\n${files.map((file) => `  ${file.path}`).join('\n')}`);
    console.log(`Next: npm run adapter:check -- --start ${name}   (and read src/adapters/${name}/README.md)`);
    return 0;
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    console.error(`adapter:new: ${error.message}; nothing was written`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`adapter:new failed: ${error instanceof Error ? error.name : typeof error}`);
    process.exit(1);
  },
);
