import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { adapterNames, domainNameProblem, entryPoints, type AdapterNames } from './names.ts';

/**
 * `npm run adapter:new -- <name>`: the files of a working adapter for a new domain, on the SDK, with a
 * simulator stub, a test that runs the conformance kit, and a README. Everything is checked before the
 * first file is written, and a failed write removes what it wrote: a bad name writes nothing.
 */

export interface ScaffoldFile {
  /** Relative to the repository root, with '/' separators. */
  path: string;
  content: string;
}

export class ScaffoldError extends Error {}

const TEMPLATES = new URL('./templates/', import.meta.url);

/** Template → where it goes, for a domain's names. */
function targets(names: AdapterNames): { template: string; path: string }[] {
  const entry = entryPoints(names);
  return [
    { template: 'contract.graphql.tmpl', path: `schema/domains/${names.domain}.graphql` },
    { template: 'adapter.ts.tmpl', path: entry.adapterFile },
    { template: 'partner-client.ts.tmpl', path: `src/adapters/${names.domain}/partner-client.ts` },
    { template: 'README.md.tmpl', path: `src/adapters/${names.domain}/README.md` },
    { template: 'simulator.ts.tmpl', path: entry.simulatorFile },
    { template: 'adapter.test.ts.tmpl', path: `test/adapters/${names.domain}.test.ts` },
  ];
}

/** The files for domain `name` under `root`; throws a ScaffoldError (and writes nothing) when it cannot be one. */
export function planScaffold(name: string, root: string): ScaffoldFile[] {
  const problem = domainNameProblem(name);
  if (problem) throw new ScaffoldError(problem);
  if (!existsSync(path.join(root, 'schema', 'domains')) || !existsSync(path.join(root, 'src', 'adapters', 'sdk'))) {
    throw new ScaffoldError(`${root} is not an ontschot repository (no schema/domains or src/adapters/sdk)`);
  }
  const names = adapterNames(name);
  const taken = [`schema/domains/${name}.graphql`, `src/adapters/${name}`, `src/partners/${name}`, `test/adapters/${name}.test.ts`].filter((relative) =>
    existsSync(path.join(root, relative)),
  );
  if (taken.length) throw new ScaffoldError(`'${name}' is taken: ${taken.join(', ')} already exist(s)`);
  return targets(names).map((target) => ({ path: target.path, content: fill(readFileSync(new URL(target.template, TEMPLATES), 'utf8'), names) }));
}

function fill(template: string, names: AdapterNames): string {
  return template.replaceAll('__DOMAIN__', names.domain).replaceAll('__PASCAL__', names.pascal).replaceAll('__CAMEL__', names.camel);
}

/** Writes the files, none of which may exist yet; on any failure the ones already written are removed. */
export async function writeScaffold(root: string, files: readonly ScaffoldFile[]): Promise<void> {
  const written: string[] = [];
  const createdDirectories: string[] = [];
  try {
    for (const file of files) {
      const target = path.join(root, file.path);
      const created = await mkdir(path.dirname(target), { recursive: true });
      if (created) createdDirectories.push(created);
      await writeFile(target, file.content, { flag: 'wx' });
      written.push(target);
    }
  } catch (error) {
    for (const target of written) await rm(target, { force: true });
    for (const directory of createdDirectories.reverse()) await rm(directory, { recursive: true, force: true });
    throw new ScaffoldError(`could not write the adapter (${(error as NodeJS.ErrnoException).code ?? 'error'}); nothing was kept`);
  }
}
