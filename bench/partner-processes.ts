/**
 * The three partner simulators and their adapters, each in its own process (`src/cli/serve.ts`), as in
 * docker-compose.yml: so a bench measures the gateway without sharing its event loop with them.
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

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts partners and adapters; adapters trust the hub key set served at `hubJwksUrl`. */
export async function startPartnerProcesses(dataDir: string, hubJwksUrl: string): Promise<PartnerProcesses> {
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  };
  const base = { ...process.env, LOG_LEVEL: 'silent', HOST: '127.0.0.1', ONTSCHOT_DATA_DIR: dataDir, DEBT_PARTNER_API_KEY: randomBytes(16).toString('hex') };
  const partnerBase: Partial<Record<Domain, string>> = {};
  const gatewayEnv: Record<string, string> = {};
  try {
    for (const domain of DOMAINS) {
      const partnerPort = await freePort();
      partnerBase[domain] = `http://127.0.0.1:${partnerPort}`;
      children.push(await serve(['partner', domain], { ...base, PORT: String(partnerPort) }));
      const adapterPort = await freePort();
      const partnerUrl = `${partnerBase[domain]}${domain === 'care' ? '/fhir' : ''}`;
      children.push(await serve(['adapter', domain], { ...base, PORT: String(adapterPort), HUB_JWKS_URL: hubJwksUrl, [PARTNER_URL_VARIABLES[domain]]: partnerUrl }));
      gatewayEnv[ADAPTER_URL_VARIABLES[domain]] = `http://127.0.0.1:${adapterPort}/graphql`;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gatewayEnv,
    async setLatency(ms) {
      for (const url of Object.values(partnerBase)) {
        const response = await fetch(`${url}/_sim/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: ms }) });
        if (!response.ok) throw new Error(`could not set the latency of ${url} (HTTP ${response.status})`);
      }
    },
    stop,
  };
}

/** Spawns `serve.ts <args>` and waits until it says it is listening. */
function serve(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return spawnListening(['src/cli/serve.ts', ...args], env);
}

/** Spawns a TypeScript script (`<file> <args>`) and waits until it prints that it is listening. */
export function spawnListening(scriptAndArgs: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const args = scriptAndArgs.slice(1);
  const child = spawn(process.execPath, ['--import', 'tsx', ...scriptAndArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve ${args.join(' ')} did not start: ${output.slice(-300)}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on/.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve ${args.join(' ')} exited with ${code}: ${output.slice(-300)}`));
    });
  });
}
