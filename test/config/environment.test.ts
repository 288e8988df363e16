import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADAPTER_URL_VARIABLES, DEFAULT_PORTS, ENVIRONMENT_VARIABLES, PARTNER_URL_VARIABLES } from '../../src/config/env.ts';
import { DOMAINS, type Domain } from '../../src/domain/partner-domains.ts';

/**
 * No Docker engine runs here, so docker-compose.yml is kept honest by checking it against the code:
 * every variable it sets is one the code reads, ports and URLs line up, commands name real components.
 */
const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
const services: Record<string, { command?: string[]; environment?: Record<string, string>; ports?: string[] }> = compose.services;
const documented = new Set(Object.keys(ENVIRONMENT_VARIABLES));
/** Set by Node tooling, not configuration of ours. */
const RUNTIME_VARIABLES = new Set(['NODE_ENV', 'VITEST']);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    if (name === 'generated') return [];
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

function variablesReadBySource(): Set<string> {
  const names = new Set<string>([...Object.values(ADAPTER_URL_VARIABLES), ...Object.values(PARTNER_URL_VARIABLES)]);
  for (const file of sourceFiles('src')) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/env(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) names.add(match[1]);
    for (const match of text.matchAll(/FromEnv\([^,]+, '([A-Z][A-Z0-9_]+)'/g)) names.add(match[1]);
  }
  for (const name of RUNTIME_VARIABLES) names.delete(name);
  return names;
}

function component(serviceName: string): string[] {
  return services[serviceName].command ?? [];
}

function domainOf(serviceName: string, kind: 'partner' | 'adapter'): Domain | undefined {
  const [what, domain] = component(serviceName);
  return what === kind ? (domain as Domain) : undefined;
}

function serviceFor(kind: 'partner' | 'adapter', domain: Domain): string {
  const name = Object.keys(services).find((service) => domainOf(service, kind) === domain);
  if (!name) throw new Error(`no ${kind} service for ${domain}`);
  return name;
}

describe('configuration', () => {
  it('documents every environment variable the code reads, and nothing it does not', () => {
    const read = variablesReadBySource();
    expect([...read].sort()).toEqual([...documented].sort());
  });

  it('mentions every environment variable in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const name of documented) expect(readme, name).toContain(`\`${name}\``);
  });
});

describe('docker-compose.yml', () => {
  it('sets only variables the hub reads (besides the postgres image)', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'postgres') continue;
      for (const variable of Object.keys(service.environment ?? {})) expect(documented.has(variable), `${name}: ${variable}`).toBe(true);
    }
  });

  it('runs a real component in every hub service, from an image whose entrypoint is the serve CLI', () => {
    expect(readFileSync('Dockerfile', 'utf8')).toContain('ENTRYPOINT ["node", "--import", "tsx", "src/cli/serve.ts"]');
    const commands = Object.entries(services).filter(([name]) => name !== 'postgres').map(([name]) => component(name).join(' '));
    expect(commands.sort()).toEqual(['gateway', ...DOMAINS.map((d) => `adapter ${d}`), ...DOMAINS.map((d) => `partner ${d}`)].sort());
  });

  it('uses the default ports and points every URL at the service that listens there', () => {
    expect(services.gateway.environment!.PORT).toBe(String(DEFAULT_PORTS.gateway));
    for (const domain of DOMAINS) {
      const partner = serviceFor('partner', domain);
      const adapter = serviceFor('adapter', domain);
      expect(services[partner].environment!.PORT).toBe(String(DEFAULT_PORTS.partners[domain]));
      expect(services[adapter].environment!.PORT).toBe(String(DEFAULT_PORTS.adapters[domain]));
      const partnerUrl = new URL(services[adapter].environment![PARTNER_URL_VARIABLES[domain]]);
      expect([partnerUrl.hostname, partnerUrl.port]).toEqual([partner, String(DEFAULT_PORTS.partners[domain])]);
      expect(partnerUrl.pathname).toBe(domain === 'care' ? '/fhir' : '/');
      const adapterUrl = new URL(services.gateway.environment![ADAPTER_URL_VARIABLES[domain]]);
      expect([adapterUrl.hostname, adapterUrl.port, adapterUrl.pathname]).toEqual([adapter, String(DEFAULT_PORTS.adapters[domain]), '/graphql']);
    }
    for (const service of Object.values(services)) expect(service.environment?.HOST ?? '0.0.0.0').toBe('0.0.0.0');
  });

  it('connects the gateway to the postgres service with its own credentials', () => {
    const database = new URL(services.gateway.environment!.DATABASE_URL);
    const postgres = services.postgres.environment!;
    expect(database.hostname).toBe('postgres');
    expect(database.username).toBe(postgres.POSTGRES_USER);
    expect(database.password).toBe(postgres.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${postgres.POSTGRES_DB}`);
  });
});
