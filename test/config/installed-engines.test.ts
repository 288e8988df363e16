import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * The hub runs on Node 20 (README, package.json `engines`). npm only warns when a dependency asks for a
 * newer Node (and .npmrc silences npm), so a dependency update that needs Node 22 would slip in unseen.
 * This walks the installed tree and checks every package's `engines.node` against the running Node.
 * Policy when one fails: pin a release that supports Node 20, or override it in package.json
 * (`overrides`, with the reason in the commit); never raise our own `engines` past the machines' Node.
 */
interface InstalledPackage { name: string; version: string; node?: string; folder: string }

function installedPackages(folder: string): InstalledPackage[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry): InstalledPackage[] => {
    if (entry.name.startsWith('.')) return [];
    const packageFolder = path.join(folder, entry.name);
    if (entry.name.startsWith('@')) return installedPackages(packageFolder);
    const manifestFile = path.join(packageFolder, 'package.json');
    if (!existsSync(manifestFile)) return [];
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const own = { name: manifest.name, version: manifest.version, node: manifest.engines?.node, folder: packageFolder };
    // A linked package (the vendor/ stand-in) is not walked into: its node_modules is ours.
    const nested = entry.isSymbolicLink() ? [] : installedPackages(path.join(packageFolder, 'node_modules'));
    return [own, ...nested];
  });
}

describe('overrides', () => {
  it('point only at folders the Docker image has before it runs npm ci', () => {
    const overrides = JSON.parse(readFileSync('package.json', 'utf8')).overrides as Record<string, string>;
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const npmCi = dockerfile.indexOf('RUN npm ci');
    for (const spec of Object.values(overrides).filter((value) => value.startsWith('file:'))) {
      const folder = spec.replace(/^file:(\.\/)?/, '').split('/')[0];
      expect(existsSync(spec.replace(/^file:/, '')), spec).toBe(true);
      const copied = dockerfile.indexOf(`COPY ${folder} ./${folder}`);
      expect(copied, `Dockerfile copies ${folder}/ before npm ci`).toBeGreaterThan(-1);
      expect(copied).toBeLessThan(npmCi);
    }
  });
});

describe('installed dependencies', () => {
  const running = process.versions.node;
  const packages = installedPackages('node_modules');

  it('finds the installed tree', () => {
    expect(packages.length).toBeGreaterThan(100);
    expect(packages.some((p) => p.name === '@apollo/server')).toBe(true);
  });

  it(`all run on this Node (${running}) according to their engines.node`, () => {
    const unsupported = packages
      .filter((p) => p.node !== undefined && !semver.satisfies(running, p.node, { includePrerelease: true }))
      .map((p) => `${p.name}@${p.version} needs node ${p.node}`);
    expect(unsupported).toEqual([]);
  });

  it('our own engines.node admits this Node and every Node 20 from 20.19, and the lowest is what README says', () => {
    const declared = JSON.parse(readFileSync('package.json', 'utf8')).engines.node as string;
    expect(semver.satisfies(running, declared)).toBe(true);
    expect(semver.minVersion(declared)!.version).toBe('20.19.0');
    expect(readFileSync('README.md', 'utf8')).toContain('Node.js 20.19 or newer');
  });

  it('all run on the lowest Node we declare (20.19), so the README promise holds there too', () => {
    const tooNew = packages
      .filter((p) => p.node !== undefined && !semver.satisfies('20.19.0', p.node, { includePrerelease: true }))
      .map((p) => `${p.name}@${p.version} needs node ${p.node}`);
    expect(tooNew).toEqual([]);
  });
});
