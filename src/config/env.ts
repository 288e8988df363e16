import path from 'node:path';
import { DOMAINS, type Domain } from '../domain/partner-domains.ts';

/**
 * All configuration comes from environment variables (documented in README.md and docker-compose.yml).
 * Defaults describe the embedded default: everything on 127.0.0.1, PGlite under ./.ontschot.
 */

export interface AdapterEndpoint {
  /** The adapter's GraphQL endpoint. */
  url: string;
  /** How long the gateway waits for this adapter before reporting SOURCE_UNAVAILABLE. */
  timeBudgetMs: number;
}

export interface GatewayConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; when absent the hub uses PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  policyFile: string;
  auth: {
    /** JWKS URL of the identity provider. Absent: the embedded demo issuer serves its own. */
    jwksUrl?: string;
    issuer: string;
    audience: string;
  };
  adapters: Record<Domain, AdapterEndpoint>;
}

export const DEFAULT_PORTS = {
  gateway: 4000,
  partners: { housing: 4101, debt: 4102, care: 4103 },
  adapters: { housing: 4201, debt: 4202, care: 4203 },
} as const;

export const DEMO_ISSUER = 'https://demo-issuer.ontschot.local';
export const HUB_AUDIENCE = 'ontschot-hub';

const ADAPTER_ENV: Record<Domain, string> = { housing: 'HOUSING_ADAPTER_URL', debt: 'DEBT_ADAPTER_URL', care: 'CARE_ADAPTER_URL' };

export function integerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const host = env.HOST ?? '127.0.0.1';
  const timeBudgetMs = integerFromEnv(env, 'ADAPTER_TIME_BUDGET_MS', 2000);
  const adapters = Object.fromEntries(
    DOMAINS.map((domain) => [
      domain,
      { url: env[ADAPTER_ENV[domain]] ?? `http://127.0.0.1:${DEFAULT_PORTS.adapters[domain]}/graphql`, timeBudgetMs },
    ]),
  ) as Record<Domain, AdapterEndpoint>;
  return {
    host,
    port: integerFromEnv(env, 'PORT', DEFAULT_PORTS.gateway),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.ONTSCHOT_DATA_DIR ?? '.ontschot'),
    policyFile: path.resolve(env.POLICY_FILE ?? 'schema/field-policies.yaml'),
    auth: {
      jwksUrl: env.AUTH_JWKS_URL || undefined,
      issuer: env.AUTH_ISSUER ?? DEMO_ISSUER,
      audience: env.AUTH_AUDIENCE ?? HUB_AUDIENCE,
    },
    adapters,
  };
}
