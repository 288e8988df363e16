import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HubSigningKey } from '../../auth/hub-signing-key.ts';
import { DEFAULT_PORTS } from '../../config/env.ts';
import { DOMAINS, type Domain } from '../../domain/partner-domains.ts';
import type { PartnerAdapterOptions, RunningGraphQLService } from '../sdk/index.ts';
import type { PartnerSimulatorOptions, RunningSimulator } from '../../partners/simulator-server.ts';
import { adapterNames, domainNameProblem, entryPoints } from '../scaffold/names.ts';
import { ConformanceSetupError } from './run-conformance.ts';

/**
 * `adapter:check --start <name>`: starts a scaffolded adapter and its simulator stub in this process,
 * the adapter trusting the hub key the kit signs with, so a fresh clone can check it without a hub.
 * Found by the scaffold's conventions: src/adapters/<name>/adapter.ts exports start<Name>Adapter and
 * src/partners/<name>/simulator.ts exports start<Name>Simulator.
 */

export interface LocalAdapter {
  domain: string;
  url: string;
  close(): Promise<void>;
}

export interface LocalAdapterOptions {
  root: string;
  hubKey: HubSigningKey;
  /** For the adapter's processing log and DEMO log key. */
  dataDir: string;
}

type StartAdapter = (options: PartnerAdapterOptions) => Promise<RunningGraphQLService>;
type StartSimulator = (options: PartnerSimulatorOptions) => Promise<RunningSimulator>;

export async function startLocalAdapter(name: string, options: LocalAdapterOptions): Promise<LocalAdapter> {
  const problem = domainNameProblem(name);
  if (problem) throw new ConformanceSetupError(problem);
  // The built-in adapters need what the hub gives them (partner credentials, paging); `npm start` runs them.
  if ((DOMAINS as readonly string[]).includes(name)) {
    const port = DEFAULT_PORTS.adapters[name as Domain];
    throw new ConformanceSetupError(`'${name}' is a built-in adapter: run npm start, then check it with --url http://127.0.0.1:${port}/graphql`);
  }
  const entry = entryPoints(adapterNames(name));
  const startAdapter = await entryPoint<StartAdapter>(options.root, entry.adapterFile, entry.startAdapter);
  const startSimulator = await entryPoint<StartSimulator>(options.root, entry.simulatorFile, entry.startSimulator);
  const partner = await startSimulator({ port: 0 });
  try {
    const adapter = await startAdapter({ port: 0, partnerUrl: partner.url, hubKeys: { jwks: options.hubKey.jwks }, dataDir: options.dataDir });
    return {
      domain: name,
      url: adapter.url,
      async close() {
        await adapter.close();
        await partner.close();
      },
    };
  } catch (error) {
    await partner.close();
    throw error;
  }
}

async function entryPoint<T>(root: string, file: string, exportName: string): Promise<T> {
  const absolute = path.join(root, file);
  if (!existsSync(absolute)) throw new ConformanceSetupError(`no ${file}: create the adapter with npm run adapter:new, or check a running one with --url`);
  const module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  if (typeof module[exportName] !== 'function') throw new ConformanceSetupError(`${file} does not export ${exportName}`);
  return module[exportName] as T;
}
