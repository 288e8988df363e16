import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../src/adapters/conformance/contract.ts';
import { CONFORMANCE_CHECKS } from '../../src/adapters/conformance/run-conformance.ts';
import { planScaffold, ScaffoldError, writeScaffold } from '../../src/adapters/scaffold/scaffold.ts';
import { runCommand, runTsx } from './run-cli.ts';

/**
 * The acceptance of the adapter kit: `npm run adapter:new -- example` and then `npm run adapter:check` on
 * it pass on a fresh clone. The clone is a temporary copy of the sources (node_modules linked), so the
 * repository itself is never written to.
 */
let clone: string;
const inClone = (...parts: string[]) => path.join(clone, ...parts);
const NEW_FILES = [
  'schema/domains/example.graphql',
  'src/adapters/example/adapter.ts',
  'src/adapters/example/partner-client.ts',
  'src/adapters/example/README.md',
  'src/partners/example/simulator.ts',
  'test/adapters/example.test.ts',
];

async function listFiles(root: string, under: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const folder of under) {
    const entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true });
    found.push(...entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name))));
  }
  return found.sort();
}

beforeAll(async () => {
  clone = await mkdtemp(path.join(os.tmpdir(), 'ontschot-clone-'));
  for (const item of ['src', 'schema', 'package.json', 'tsconfig.json', 'vitest.config.ts']) await cp(path.join(REPOSITORY_ROOT, item), inClone(item), { recursive: true });
  await mkdir(inClone('test'));
  await symlink(path.join(REPOSITORY_ROOT, 'node_modules'), inClone('node_modules'), 'dir');
});
afterAll(() => rm(clone, { recursive: true, force: true }));

describe('adapter:new', () => {
  it('creates a working adapter that passes adapter:check as generated, written under --root only', async () => {
    const before = await listFiles(REPOSITORY_ROOT, ['schema', 'src', 'test']);
    const created = await runTsx('src/cli/adapter-new.ts', ['example', '--root', clone]);
    expect(created.code, created.stderr).toBe(0);
    for (const file of NEW_FILES) expect(created.stdout).toContain(file);
    expect(await listFiles(clone, ['schema', 'src', 'test'])).toEqual([...(await listFiles(REPOSITORY_ROOT, ['schema', 'src'])), ...NEW_FILES].sort());
    expect(await listFiles(REPOSITORY_ROOT, ['schema', 'src', 'test'])).toEqual(before);

    // As a partner runs it on the fresh clone: the npm script starts stub + adapter and checks them.
    const checked = await runCommand('npm', ['run', '--silent', 'adapter:check', '--', '--start', 'example'], { cwd: clone, env: { ONTSCHOT_DATA_DIR: inClone('.ontschot') } });
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout.match(/^PASS /gm)).toHaveLength(CONFORMANCE_CHECKS.length);
    expect(checked.stdout).toContain('the example adapter at http://127.0.0.1:');
  }, 60_000);

  it('generates code that type-checks and a test that passes (in the clone of the previous test)', async () => {
    await writeFile(inClone('tsconfig.generated.json'), JSON.stringify({ extends: './tsconfig.json', include: [], files: NEW_FILES.filter((file) => file.endsWith('.ts')) }));
    const typecheck = await runCommand(process.execPath, [path.join(REPOSITORY_ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.generated.json'], { cwd: clone });
    expect(typecheck.code, typecheck.stdout).toBe(0);

    const generatedTest = await runCommand(process.execPath, [path.join(REPOSITORY_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/adapters/example.test.ts'], { cwd: clone });
    expect(generatedTest.code, generatedTest.stdout).toBe(0);
    expect(stripVTControlCharacters(generatedTest.stdout)).toMatch(/Tests\s+3 passed/);
  }, 60_000);

  it('refuses a bad or taken name with a clear error and writes nothing', async () => {
    const before = await listFiles(clone, ['schema', 'src', 'test']);
    const refusals: [string, RegExp][] = [
      ['Example', /not kebab-case/],
      ['school_attendance', /not kebab-case/],
      ['-x', /not kebab-case/],
      ['../escape', /not kebab-case/],
      ['bsn', /key of Person/],
      ['housing', /'housing' is taken: schema\/domains\/housing.graphql/],
      ['care', /'care' is taken: schema\/domains\/care.graphql/],
      ['ggz', /'ggz' is taken: src\/adapters\/ggz/],
      ['sdk', /'sdk' is taken: src\/adapters\/sdk/],
      ['example', /'example' is taken/],
    ];
    for (const [name, message] of refusals) expect(() => planScaffold(name, clone), name).toThrow(message);

    const run = await runTsx('src/cli/adapter-new.ts', ['example', '--root', clone]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^adapter:new: 'example' is taken: .*; nothing was written\n$/);
    const usage = await runTsx('src/cli/adapter-new.ts', ['--root', clone]);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run adapter:new') });
    expect(await listFiles(clone, ['schema', 'src', 'test'])).toEqual(before);
  }, 60_000);

  it('names a multi-word domain in each language: kebab-case files, camelCase field, PascalCase types and functions', () => {
    const files = Object.fromEntries(planScaffold('school-attendance', clone).map((file) => [file.path, file.content]));
    expect(files['schema/domains/school-attendance.graphql']).toContain('schoolAttendance: SchoolAttendance\n');
    expect(files['schema/domains/school-attendance.graphql']).toContain('enum SchoolAttendanceStatus {');
    expect(files['src/adapters/school-attendance/adapter.ts']).toContain('export function startSchoolAttendanceAdapter(');
    expect(files['src/adapters/school-attendance/adapter.ts']).toContain("personField: 'schoolAttendance',");
    expect(files['src/partners/school-attendance/simulator.ts']).toContain('export function startSchoolAttendanceSimulator(');
    expect(Object.values(files).join('\n')).not.toMatch(/__(DOMAIN|CAMEL|PASCAL)__/);
  });

  it('removes what it wrote when a later file cannot be written', async () => {
    const files = planScaffold('half-done', clone);
    // A file in the way, appearing after the plan was made (another process, say).
    await mkdir(inClone('src/partners/half-done'), { recursive: true });
    await writeFile(inClone('src/partners/half-done/simulator.ts'), '// someone else\n');
    await expect(writeScaffold(clone, files)).rejects.toThrow(ScaffoldError);
    expect(await listFiles(clone, ['schema', 'src/adapters', 'test']).then((all) => all.filter((file) => file.includes('half-done')))).toEqual([]);
    expect(await readFile(inClone('src/partners/half-done/simulator.ts'), 'utf8')).toBe('// someone else\n');
  });
});
