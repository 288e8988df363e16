import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/db/generated/client.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import { HUB_JWKS_PATH } from '../../src/auth/hub-signing-key.ts';
import { DOMAINS } from '../../src/domain/partner-domains.ts';
import { createBenchDatabase } from '../bench-database.ts';
import { freePort, spawnListening, startAdapterProcesses, stopAll, type PartnerSimulatorProcesses } from '../partner-processes.ts';
import { AdapterCallCounter } from './adapter-calls.ts';
import { BENCH_POPULATION } from './population.ts';

/** One gateway of the comparison with its own adapters, database and adapter data folder. */
export interface Contestant {
  name: string;
  kind: 'plain' | 'ontschot';
  graphqlUrl: string;
  gatewayPid: number;
  adapterPids: number[];
  adapterCalls: AdapterCallCounter;
  stop(): Promise<void>;
}

export interface ContestantOptions {
  name: string;
  kind: 'plain' | 'ontschot';
  /** The checkout whose gateway and adapters run (this one, or the baseline's worktree). */
  cwd: string;
  partners: PartnerSimulatorProcesses;
  /** Shared by all gateways: the demo issuer (one token for all), hub signing key and hub data key. */
  keysDir: string;
}

/**
 * Time budgets far above any answer time here: the bench measures work, and a contestant that answers
 * "unavailable" fast under load must not look fast (such answers are counted as failures anyway).
 */
const GENEROUS_BUDGET_MS = '30000';

export async function startContestant(options: ContestantOptions): Promise<Contestant> {
  const database = await createBenchDatabase();
  const adapterDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-adapters-'));
  const children: ChildProcess[] = [];
  let adapters: Awaited<ReturnType<typeof startAdapterProcesses>> | undefined;
  const stop = async () => {
    await stopAll(children);
    await adapters?.stop();
    await rm(adapterDir, { recursive: true, force: true });
    await database.drop();
  };
  try {
    const port = await freePort();
    adapters = await startAdapterProcesses(options.partners, {
      dataDir: adapterDir,
      hubJwksUrl: `http://127.0.0.1:${port}${HUB_JWKS_PATH}`,
      cwd: options.cwd,
      env: { PARTNER_TIME_BUDGET_MS: GENEROUS_BUDGET_MS },
    });
    const env = {
      ...process.env, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: database.url, ONTSCHOT_DATA_DIR: options.keysDir,
      // One professional sends all requests: the per-professional rate limit (a real professional's
      // protection) is off; admission control stays on, but queued requests wait instead of getting 503.
      RATE_LIMIT_PER_MINUTE: '0', EDGE_QUEUE_TIMEOUT_MS: GENEROUS_BUDGET_MS, ADAPTER_TIME_BUDGET_MS: GENEROUS_BUDGET_MS,
      ...adapters.gatewayEnv,
    };
    const script = options.kind === 'plain' ? ['bench/plain-stitching/serve.ts'] : ['src/cli/serve.ts', 'gateway'];
    const gateway = await spawnListening(script, env, options.cwd);
    children.push(gateway);
    await seedBenchPopulation(database.url, options.keysDir);
    return {
      name: options.name,
      kind: options.kind,
      graphqlUrl: `http://127.0.0.1:${port}/graphql`,
      gatewayPid: gateway.pid!,
      adapterPids: DOMAINS.map((domain) => adapters!.pids[domain]),
      adapterCalls: new AdapterCallCounter(path.join(adapterDir, 'ldv')),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The generated 700 people into a contestant's case registration, after its gateway migrated the
 * database and seeded the demo data. With this checkout's Prisma client and without migrating: a
 * baseline's schema is left as its gateway made it (a baseline too old for these tables fails here, loudly).
 */
async function seedBenchPopulation(databaseUrl: string, keysDir: string): Promise<void> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  try {
    await seedDemoData(prisma, createSubjectProtector(await loadHubDataKey(keysDir)), BENCH_POPULATION);
  } catch (error) {
    throw new Error(`could not seed the generated population: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await prisma.$disconnect();
  }
}
