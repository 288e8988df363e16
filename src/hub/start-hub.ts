import { randomBytes } from 'node:crypto';
import { printSchema } from 'graphql';
import type { GatewayConfig } from '../config/env.ts';
import { DOMAINS, type Domain } from '../domain/partner-domains.ts';
import { openDatabase, type HubDatabase } from '../db/connect.ts';
import { seedDemoData } from '../db/seed.ts';
import { loadHubDataKey } from '../crypto/hub-data-key.ts';
import { createSubjectProtector } from '../crypto/subject-protection.ts';
import { loadDemoIssuer, type DemoIssuer } from '../auth/demo-issuer.ts';
import { loadHubSigningKey, type HubSigningKey } from '../auth/hub-signing-key.ts';
import { loadPolicyFileWithText } from '../policy/policy-file.ts';
import { recordPolicyVersion, rememberPolicyText } from '../policy-report/policy-versions.ts';
import { startGateway, type RunningGateway } from '../gateway/server.ts';
import { buildStitchedSchema } from '../gateway/gateway-schema.ts';
import { startHousingSimulator } from '../partners/housing/simulator.ts';
import { startDebtSimulator } from '../partners/debt/simulator.ts';
import { startGgzFhirSimulator } from '../partners/ggz/simulator.ts';
import type { RunningSimulator } from '../partners/simulator-server.ts';
import { startHousingAdapter } from '../adapters/housing/adapter.ts';
import { startDebtAdapter } from '../adapters/debt/adapter.ts';
import { startGgzAdapter } from '../adapters/ggz/adapter.ts';
import type { PartnerAdapterOptions, RunningGraphQLService } from '../adapters/sdk/index.ts';
import type { StartAdapterOptions } from '../adapters/adapter-config.ts';
import type { PartnerSimulatorOptions } from '../partners/simulator-server.ts';
import { logger } from '../observability/logger.ts';
import { startControlServer } from './control-server.ts';

export interface HubOptions {
  config: GatewayConfig;
  /** Start the three partner simulators and adapters in this process (the embedded default). */
  embeddedPartners: boolean;
  /** Ports for the embedded simulators and adapters; 0 picks free ports (tests). */
  partnerPorts?: Record<Domain, number>;
  adapterPorts?: Record<Domain, number>;
  /** Start with an empty PGlite data folder. */
  fresh?: boolean;
  seedDemoData: boolean;
  /** Serve the demo issuer's JWKS (when no AUTH_JWKS_URL is configured). */
  demoIssuer: boolean;
  /** ONLY for bench/audit-overhead.ts: a gateway without the access log, to measure its cost. */
  withoutAuditForBenchmark?: true;
  /** ONLY for bench/: a gateway without the edge's query and rate limits, to measure what they prevent. */
  withoutEdgeLimitsForBenchmark?: true;
}

export interface RunningHub {
  gateway: RunningGateway;
  database: HubDatabase;
  demoIssuer?: DemoIssuer;
  hubKey: HubSigningKey;
  partners: Partial<Record<Domain, RunningSimulator>>;
  adapters: Partial<Record<Domain, RunningGraphQLService>>;
  close(): Promise<void>;
}

const SIMULATORS: Record<Domain, (options: PartnerSimulatorOptions) => Promise<RunningSimulator>> = {
  housing: startHousingSimulator,
  debt: startDebtSimulator,
  care: startGgzFhirSimulator,
};
const ADAPTERS: Record<Domain, (options: PartnerAdapterOptions & StartAdapterOptions) => Promise<RunningGraphQLService>> = {
  housing: startHousingAdapter,
  debt: startDebtAdapter,
  care: startGgzAdapter,
};
/** The GGZ simulator speaks FHIR under /fhir; the REST partners answer at their root. */
const PARTNER_BASE_PATH: Record<Domain, string> = { housing: '', debt: '', care: '/fhir' };
/**
 * The embedded partners answer the demo population in one page, so that their request counters show one
 * request per logical call; paging itself is exercised by the partner and adapter tests.
 */
const EMBEDDED_PAGE_SIZE = 50;

/**
 * The composition root: database, keys, policies, (optionally) partner simulators and adapters, and the
 * gateway, started in dependency order. Used by `npm start` and by the end-to-end tests alike.
 */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const { config } = options;
  const closers: (() => Promise<void>)[] = [];
  // In reverse order of start: the gateway (Apollo drains its requests, then its serverWillStop hooks
  // run) stops before the adapters and partners it calls, and the database closes last. Once only.
  let closing: Promise<void> | undefined;
  const closeAll = () =>
    (closing ??= (async () => {
      for (const close of [...closers].reverse()) await close().catch((error: unknown) => logger.error({ errorName: (error as Error)?.name }, 'a component did not close cleanly'));
    })());
  try {
    // Check the policy file first: an invalid policy stops start-up before anything listens.
    const { policies, text: policyText } = loadPolicyFileWithText(config.policyFile, publicSchemaForPolicyCheck());
    rememberPolicyText(policies, policyText);
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      fresh: options.fresh,
      timeouts: config.databaseTimeouts,
      folderOwner: { kind: 'hub', command: options.embeddedPartners ? 'serve all' : 'serve gateway' },
      onLockCompromised: (error) => logger.error({ errorName: error.name }, 'another process took over the data folder lock'),
    });
    closers.push(() => database.close());
    // The privacy officer's console lists the versions the hub ran with (policyVersions, policyDiff).
    await recordPolicyVersion(database.prisma, policyText);
    if (config.databaseUrl && !process.env.HUB_DATA_KEY) {
      // Without it, the BSN look-up keys in PostgreSQL depend on a demo key file in the data folder.
      logger.warn({ dataDir: config.dataDir }, 'HUB_DATA_KEY is not set: using a DEMO data key from the data folder');
    }
    const protector = createSubjectProtector(await loadHubDataKey(config.dataDir));
    if (options.seedDemoData) await seedDemoData(database.prisma, protector);
    const hubKey = await loadHubSigningKey(config.dataDir);
    const demoIssuer = options.demoIssuer ? await loadDemoIssuer(config.dataDir, config.auth.issuer, config.auth.audience) : undefined;

    const partners: Partial<Record<Domain, RunningSimulator>> = {};
    const adapters: Partial<Record<Domain, RunningGraphQLService>> = {};
    let gatewayConfig = config;
    if (options.embeddedPartners) {
      // The debt partner authenticates its adapter; in one process both get the same (random) key.
      const apiKey = process.env.DEBT_PARTNER_API_KEY || randomBytes(32).toString('base64url');
      for (const domain of DOMAINS) {
        const partner = await SIMULATORS[domain]({ host: config.host, port: options.partnerPorts?.[domain], pageSize: EMBEDDED_PAGE_SIZE, apiKey });
        partners[domain] = partner;
        closers.push(() => partner.close());
        const adapter = await ADAPTERS[domain]({
          host: config.host,
          port: options.adapterPorts?.[domain],
          partnerUrl: `${partner.url}${PARTNER_BASE_PATH[domain]}`,
          timeBudgetMs: config.adapters[domain].timeBudgetMs,
          apiKey: domain === 'debt' ? apiKey : undefined,
          // Only the gateway in this process may ask: its tokens are checked against its own key set.
          hubKeys: { jwks: hubKey.jwks },
          dataDir: config.dataDir,
        });
        adapters[domain] = adapter;
        closers.push(() => adapter.close());
      }
      gatewayConfig = {
        ...config,
        adapters: Object.fromEntries(DOMAINS.map((d) => [d, { ...config.adapters[d], url: adapters[d]!.url }])) as GatewayConfig['adapters'],
      };
    }

    const gateway = await startGateway({ config: gatewayConfig, prisma: database.prisma, sql: database.runner, protector, policies, demoIssuer, hubKey, withoutAuditForBenchmark: options.withoutAuditForBenchmark, withoutEdgeLimitsForBenchmark: options.withoutEdgeLimitsForBenchmark });
    closers.push(() => gateway.close());
    if (database.folderLock) {
      // PGlite: the privacy officer's commands cannot open the folder while the hub runs; they ask the hub.
      const control = await startControlServer({ prisma: database.prisma, hubKey, policySchema: publicSchemaForPolicyCheck });
      closers.push(() => control.close());
      await database.folderLock.announce({ graphqlUrl: gateway.graphqlUrl, controlUrl: control.url, controlSecret: control.secret, demoIssuer: Boolean(demoIssuer) });
    }
    return { gateway, database, demoIssuer, hubKey, partners, adapters, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The public schema without executors: enough to check the policy file against. */
export function publicSchemaForPolicyCheck() {
  const noExecutor = async () => ({ errors: [] });
  return buildStitchedSchema({ housing: noExecutor, debt: noExecutor, care: noExecutor });
}

export function printPublicSchema(): string {
  return printSchema(publicSchemaForPolicyCheck());
}
