/**
 * Runs the hub. `npm start` runs everything in one process on the embedded default (PGlite, demo issuer,
 * partner simulators and adapters); single components can run on their own, as in docker-compose.yml.
 *
 *   tsx src/cli/serve.ts [all|gateway|partner <domain>|adapter <domain>] [--fresh] [--no-seed]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS, integerFromEnv, loadAdapterServiceConfig, loadGatewayConfig } from '../config/env.ts';
import { DOMAINS, type Domain } from '../domain/partner-domains.ts';
import { startHub } from '../hub/start-hub.ts';
import { PolicyFileError } from '../policy/policy-file.ts';
import { startHousingSimulator } from '../partners/housing/simulator.ts';
import { startDebtSimulator } from '../partners/debt/simulator.ts';
import { startGgzFhirSimulator } from '../partners/ggz/simulator.ts';
import { startHousingAdapter } from '../adapters/housing/adapter.ts';
import { startDebtAdapter } from '../adapters/debt/adapter.ts';
import { startGgzAdapter } from '../adapters/ggz/adapter.ts';
import { printDemoTokens } from './demo-tokens.ts';
import { DataFolderInUse } from '../db/data-folder-lock.ts';
import { stopGracefullyOnSignal } from '../hub/graceful-stop.ts';
import { setShutdownGrace, DEFAULT_SHUTDOWN_GRACE_MS } from '../net/http-server.ts';

const USAGE = 'usage: serve [all|gateway|partner <housing|debt|care>|adapter <housing|debt|care>] [--fresh] [--no-seed]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { fresh: { type: 'boolean', default: false }, 'no-seed': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [component = 'all', domainArg] = positionals;
  const env = process.env;
  const host = env.HOST ?? '127.0.0.1';
  setShutdownGrace(integerFromEnv(env, 'SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS));

  if (component === 'partner') {
    const domain = parseDomain(domainArg);
    const start = { housing: startHousingSimulator, debt: startDebtSimulator, care: startGgzFhirSimulator }[domain];
    const partner = await start({ host, port: integerFromEnv(env, 'PORT', DEFAULT_PORTS.partners[domain]) });
    stopGracefullyOnSignal(`partner ${domain}`, () => partner.close());
    console.log(`partner simulator ${domain} listening on ${partner.url}`);
    return;
  }
  if (component === 'adapter') {
    const domain = parseDomain(domainArg);
    const start = { housing: startHousingAdapter, debt: startDebtAdapter, care: startGgzAdapter }[domain];
    const config = loadAdapterServiceConfig(domain, env);
    const adapter = await start({ ...config, hubKeys: { jwksUrl: config.hubJwksUrl } });
    stopGracefullyOnSignal(`adapter ${domain}`, () => adapter.close());
    console.log(`adapter ${domain} listening on ${adapter.url}`);
    return;
  }
  if (component !== 'all' && component !== 'gateway') throw new UsageError(`unknown component '${component}'`);

  const config = loadGatewayConfig(env);
  const embedded = component === 'all';
  // PORT=0 (tests, several hubs side by side): every embedded component takes a free port too.
  const anyPort = { housing: 0, debt: 0, care: 0 };
  const hub = await startHub({
    config,
    embeddedPartners: embedded,
    partnerPorts: config.port === 0 ? anyPort : DEFAULT_PORTS.partners,
    adapterPorts: config.port === 0 ? anyPort : DEFAULT_PORTS.adapters,
    fresh: values.fresh,
    seedDemoData: !values['no-seed'] && env.SEED_DEMO_DATA !== 'false',
    demoIssuer: !config.auth.jwksUrl,
  });
  stopGracefullyOnSignal(embedded ? 'hub' : 'gateway', () => hub.close());
  console.log(`ontschot hub ready: ${hub.gateway.graphqlUrl} (database: ${hub.database.kind}${hub.database.kind === 'pglite' ? `, data in ${config.dataDir}` : ''})`);
  if (hub.demoIssuer) await printDemoTokens(hub.demoIssuer, hub.gateway.graphqlUrl);
}

function parseDomain(value: string | undefined): Domain {
  if (!value || !(DOMAINS as readonly string[]).includes(value)) throw new UsageError(`name a domain: ${DOMAINS.join(', ')}`);
  return value as Domain;
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof PolicyFileError || error instanceof UsageError || error instanceof DataFolderInUse) {
    console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : error.message);
  } else {
    console.error(`The hub could not start: ${(error as Error)?.message ?? String(error)}`);
  }
  process.exit(1);
});
