/**
 * The three partner simulators and their adapters, each in its own process (`src/cli/serve.ts`), as in
 * docker-compose.yml: so a bench measures the gateway without sharing its event loop with them.
 * Simulators and adapters can also be started apart: bench/gateway-vs-stitching.ts shares one set of
 * simulators between contestants and gives each contestant its own adapters (from its own checkout).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { DOMAINS, type Domain } from '../src/domain/partner-domains.ts';
import { ADAPTER_URL_VARIABLES, PARTNER_URL_VARIABLES } from '../src/config/env.ts';

export interface PartnerProcesses {
  /** Environment for a gateway: the adapters' URLs. */
  gatewayEnv: Record<string, string>;
  setLatency(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PartnerSimulatorProcesses {
  /** Base URL per domain, as an adapter is configured with it (the GGZ one ends in /fhir). */
  partnerUrls: Record<Domain, string>;
  /** The key the debt partner expects from its adapter. */
  debtApiKey: string;
  setLatency(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export interface AdapterProcesses {
  /** Environment for a gateway: the adapters' URLs. */
  gatewayEnv: Record<string, string>;
  /** Process id per domain (for /proc/<pid>/stat). */
  pids: Record<Domain, number>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const QUIET = { LOG_LEVEL: 'silent', HOST: '127.0.0.1' };

/** Starts partners and adapters; adapters trust the hub key set served at `hubJwksUrl`. */
export async function startPartnerProcesses(dataDir: string, hubJwksUrl: string): Promise<PartnerProcesses> {
  const partners = await startPartnerSimulators();
  try {
    const adapters = await startAdapterProcesses(partners, { dataDir, hubJwksUrl });
    return { gatewayEnv: adapters.gatewayEnv, setLatency: partners.setLatency, stop: async () => { await adapters.stop(); await partners.stop(); } };
  } catch (error) {
    await partners.stop();
    throw error;
  }
}

/**
 * The three partner simulators. `script` is the TypeScript entry that serves `<script> <domain>` (default
 * `src/cli/serve.ts partner`, which knows the demo population).
 */
export async function startPartnerSimulators(script: string[] = ['src/cli/serve.ts', 'partner']): Promise<PartnerSimulatorProcesses> {
  const children: ChildProcess[] = [];
  const debtApiKey = randomBytes(16).toString('hex');
  const partnerUrls: Partial<Record<Domain, string>> = {};
  const partnerBase: string[] = [];
  try {
    for (const domain of DOMAINS) {
      const port = await freePort();
      children.push(await spawnListening([...script, domain], { ...process.env, ...QUIET, PORT: String(port), DEBT_PARTNER_API_KEY: debtApiKey }));
      partnerBase.push(`http://127.0.0.1:${port}`);
      partnerUrls[domain] = `http://127.0.0.1:${port}${domain === 'care' ? '/fhir' : ''}`;
    }
  } catch (error) {
    await stopAll(children);
    throw error;
  }
  return {
    partnerUrls: partnerUrls as Record<Domain, string>,
    debtApiKey,
    async setLatency(ms) {
      for (const url of partnerBase) {
        const response = await fetch(`${url}/_sim/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: ms }) });
        if (!response.ok) throw new Error(`could not set the latency of ${url} (HTTP ${response.status})`);
      }
    },
    stop: () => stopAll(children),
  };
}

export interface AdapterProcessOptions {
  /** The adapters' data folder: their log key and processing logs (ldv/<adapter>.jsonl). */
  dataDir: string;
  /** The adapters trust the hub key set served here. */
  hubJwksUrl: string;
  /** The checkout whose `src/cli/serve.ts adapter` runs (default: this one). */
  cwd?: string;
  /** More environment for the adapters, e.g. PARTNER_TIME_BUDGET_MS. */
  env?: Record<string, string>;
}

/** One adapter process per domain, in front of the given simulators. */
export async function startAdapterProcesses(partners: Pick<PartnerSimulatorProcesses, 'partnerUrls' | 'debtApiKey'>, options: AdapterProcessOptions): Promise<AdapterProcesses> {
  const children: ChildProcess[] = [];
  const gatewayEnv: Record<string, string> = {};
  const pids: Partial<Record<Domain, number>> = {};
  const base = { ...process.env, ...QUIET, ONTSCHOT_DATA_DIR: options.dataDir, HUB_JWKS_URL: options.hubJwksUrl, DEBT_PARTNER_API_KEY: partners.debtApiKey, ...options.env };
  try {
    for (const domain of DOMAINS) {
      const port = await freePort();
      const child = await spawnListening(['src/cli/serve.ts', 'adapter', domain], { ...base, PORT: String(port), [PARTNER_URL_VARIABLES[domain]]: partners.partnerUrls[domain] }, options.cwd);
      children.push(child);
      pids[domain] = child.pid!;
      gatewayEnv[ADAPTER_URL_VARIABLES[domain]] = `http://127.0.0.1:${port}/graphql`;
    }
  } catch (error) {
    await stopAll(children);
    throw error;
  }
  return { gatewayEnv, pids: pids as Record<Domain, number>, stop: () => stopAll(children) };
}

/** SIGTERM to each, then waits until all have exited. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
}

/**
 * Spawns a TypeScript script (`<file> <args>`, relative to `cwd`, default this checkout) and waits until
 * it prints that it is listening. The child is node itself, so its pid is the one whose CPU is measured.
 */
export function spawnListening(scriptAndArgs: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<ChildProcess> {
  const args = scriptAndArgs.slice(1);
  // As the image runs them (Dockerfile: NODE_ENV=production), unless the caller says otherwise: graphql-js
  // skips its development-only checks, for every contestant alike.
  const child = spawn(process.execPath, ['--import', 'tsx', ...scriptAndArgs], { env: { NODE_ENV: 'production', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${scriptAndArgs[0]} ${args.join(' ')} did not start: ${output.slice(-300)}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on|hub ready/.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${scriptAndArgs[0]} ${args.join(' ')} exited with ${code}: ${output.slice(-300)}`));
    });
  });
}
