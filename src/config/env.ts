import path from 'node:path';
import { DOMAINS, type Domain } from '../domain/partner-domains.ts';
import { type EdgeConfig, loadEdgeConfig } from '../edge/edge-config.ts';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from '../auth/token-verifier.ts';
import type { DatabaseTimeouts } from '../db/connect.ts';
import { loadOfficerContacts, type OfficerContacts } from '../supervision/officer-contact.ts';
import { DEFAULT_ADMISSION, type AdmissionSettings } from '../edge/admission-settings.ts';
import type { ConsoleOptions } from '../console/console-router.ts';
import { CONSOLE_OIDC_VARIABLES, loadConsoleOidcSettings } from '../console/oidc/console-oidc.ts';

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
    /** Longest accepted token lifetime (exp - iat); default DEFAULT_MAX_TOKEN_LIFETIME_SECONDS. */
    maxTokenLifetimeSeconds?: number;
  };
  adapters: Record<Domain, AdapterEndpoint>;
  /** Limits at the gateway's edge (src/edge); absent: the defaults of loadEdgeConfig. */
  edge?: EdgeConfig;
  /** Sealing the access-log chain heads (src/audit/chain-sealer.ts). */
  auditSeal: { intervalMs: number; file: string };
  /** Edge admission control (src/edge/admission.ts); absent: the defaults. */
  admission?: AdmissionSettings;
  /** PostgreSQL time limits (src/db/connect.ts); absent: none. */
  databaseTimeouts?: DatabaseTimeouts;
  /** Who a subject access report names as the privacy officer to contact; absent: the DEMO defaults. */
  officerContacts?: OfficerContacts;
  /** AUDIT_RETENTION_DAYS: how long access records are kept (a report says which period it covers). */
  auditRetentionDays?: number;
  /** The privacy officer's console (src/console); absent: its defaults. */
  console?: ConsoleOptions;
}

export const DEFAULT_AUDIT_RETENTION_DAYS = 1825;

export function auditRetentionDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return integerFromEnv(env, 'AUDIT_RETENTION_DAYS', DEFAULT_AUDIT_RETENTION_DAYS);
}

export const DEFAULT_PORTS = {
  gateway: 4000,
  partners: { housing: 4101, debt: 4102, care: 4103 },
  adapters: { housing: 4201, debt: 4202, care: 4203 },
} as const;

export const DEMO_ISSUER = 'https://demo-issuer.ontschot.local';
export const HUB_AUDIENCE = 'ontschot-hub';

export const ADAPTER_URL_VARIABLES: Record<Domain, string> = { housing: 'HOUSING_ADAPTER_URL', debt: 'DEBT_ADAPTER_URL', care: 'CARE_ADAPTER_URL' };
export const PARTNER_URL_VARIABLES: Record<Domain, string> = { housing: 'HOUSING_PARTNER_URL', debt: 'DEBT_PARTNER_URL', care: 'GGZ_FHIR_URL' };

/**
 * Every environment variable the hub reads, with what it means. README.md and docker-compose.yml are
 * checked against this list by test/config/environment.test.ts.
 */
export const ENVIRONMENT_VARIABLES: Record<string, string> = {
  HOST: 'Interface to listen on (default 127.0.0.1; 0.0.0.0 in containers)',
  PORT: 'Port of the component (gateway default 4000; 0 = any free port, also for the embedded partners)',
  DATABASE_URL: 'PostgreSQL URL; when unset the hub runs on embedded PGlite under ONTSCHOT_DATA_DIR',
  ONTSCHOT_DATA_DIR: 'Folder for PGlite data and the DEMO keys (default ./.ontschot)',
  POLICY_FILE: 'Field policy file (default schema/field-policies.yaml)',
  HUB_DATA_KEY: '32 bytes, base64: protects BSNs at rest; when unset a DEMO key is generated in ONTSCHOT_DATA_DIR',
  HUB_SIGNING_KEY: "The hub's private EC P-256 JWK (JSON): signs adapter tokens and consent receipts; when unset a DEMO key is generated in ONTSCHOT_DATA_DIR",
  AUTH_JWKS_URL: "JWKS URL of the identity provider; when unset the embedded DEMO issuer's JWKS is used",
  AUTH_ISSUER: 'Expected token issuer (default the demo issuer)',
  AUTH_AUDIENCE: 'Expected token audience (default ontschot-hub)',
  HOUSING_ADAPTER_URL: 'GraphQL endpoint of the housing adapter (gateway)',
  DEBT_ADAPTER_URL: 'GraphQL endpoint of the debt adapter (gateway)',
  CARE_ADAPTER_URL: 'GraphQL endpoint of the GGZ (care) adapter (gateway)',
  ADAPTER_TIME_BUDGET_MS: 'How long the gateway waits for an adapter (default 2000)',
  HOUSING_PARTNER_URL: "Base URL of the housing corporation's REST API (housing adapter)",
  DEBT_PARTNER_URL: "Base URL of debt relief's REST API (debt adapter)",
  GGZ_FHIR_URL: "FHIR R4 base URL of the GGZ provider, ending in /fhir (care adapter)",
  PARTNER_TIME_BUDGET_MS: 'How long an adapter waits for its partner system (default 1500)',
  DEBT_PARTNER_API_KEY: "The API key debt relief's system expects in x-api-key (debt adapter and debt simulator); the embedded default generates one at start",
  HUB_JWKS_URL: "The hub's JWKS URL (stand-alone adapter): only requests with a token signed by the hub are answered (default http://127.0.0.1:4000/.well-known/hub-jwks.json)",
  ADAPTER_PROCESSING_LOG: "The adapter's append-only processing log, JSON lines (default ONTSCHOT_DATA_DIR/ldv/<adapter>.jsonl)",
  ADAPTER_LOG_KEY: '32 bytes, base64: pseudonymises data subjects in the processing log; when unset a DEMO key is generated in ONTSCHOT_DATA_DIR',
  REPLAY_GUARD_DATABASE_URL: 'PostgreSQL shared by the replicas of one adapter to refuse replayed hub tokens; unset: in memory per adapter process',
  SEED_DEMO_DATA: 'Set to false to start without the demo households and consents',
  LOG_LEVEL: 'pino log level (default info; silent under tests)',
  EDGE_MAX_CONCURRENT_REQUESTS: 'GraphQL requests the gateway works on at once (default 8); more wait in a queue',
  EDGE_MAX_QUEUED_REQUESTS: 'GraphQL requests that may wait for a slot (default 32); more are answered 503 OVERLOADED with Retry-After',
  EDGE_QUEUE_TIMEOUT_MS: 'How long a request may wait for a slot before it is answered 503 OVERLOADED with Retry-After (default 1000)',
  DATABASE_STATEMENT_TIMEOUT_MS: 'PostgreSQL statement_timeout of the hub\'s pool (default 3000)',
  DATABASE_LOCK_TIMEOUT_MS: 'PostgreSQL lock_timeout of the hub\'s pool: a locked table fails the request in time (default 1000)',
  DATABASE_CONNECT_TIMEOUT_MS: 'How long the hub waits for a PostgreSQL connection, new or from the pool (default 2000)',
  AUDIT_RETENTION_DAYS: 'How long access records are kept before `npm run audit:purge` removes them (default 1825 days)',
  ONTSCHOT_OFFICER_NAME: "The hub's privacy officer (the municipality's functionaris gegevensbescherming) as named in a subject access report (has a DEMO default)",
  ONTSCHOT_OFFICER_EMAIL: "The hub's privacy officer's e-mail address in a subject access report (has a DEMO default)",
  ONTSCHOT_OFFICER_PHONE: "The hub's privacy officer's phone number in a subject access report (has a DEMO default)",
  ONTSCHOT_OFFICER_POSTAL_ADDRESS: "The hub's privacy officer's postal address in a subject access report (has a DEMO default)",
  ONTSCHOT_OFFICER_URL: "A web page on how to reach the hub's privacy officer, in a subject access report (has a DEMO default)",
  ONTSCHOT_OFFICER_CONTACTS: 'JSON { "<organisation id>": { "name", "email", "phone", "postalAddress", "url" } }: an organisation\'s own privacy officer, named in that officer\'s reports (default: none, the hub\'s officer is named)',
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: 'Longest token lifetime (exp - iat) the gateway accepts (default 86400); tokens issued in the future are refused too',
  GRAPHQL_MAX_DEPTH: 'Deepest selection a query may have (default 10)',
  GRAPHQL_MAX_ALIASES: 'Most aliases a query may have (default 100)',
  GRAPHQL_MAX_COST: "Highest static cost of a query, graphql-armor's measure (default 1000)",
  GRAPHQL_MAX_TOKENS: 'Most lexical tokens in a query document (default 2000)',
  GRAPHQL_MAX_DIRECTIVES: 'Most directives in a query (default 20)',
  GRAPHQL_INTROSPECTION: 'true or false: schema introspection and field suggestions (default false when NODE_ENV=production, else true)',
  RATE_LIMIT_PER_MINUTE: 'Requests per professional (token sub) per minute, in memory per gateway process; 0 = off (default 300)',
  TRUSTED_DOCUMENTS_FILE: 'JSON file { "<sha256>": "<document>" }: when set, only these registered operations run (clients send documentId)',
  SHUTDOWN_GRACE_MS: 'On SIGTERM/SIGINT: how long requests in flight may take to finish before connections are cut (default 10000); the process exits at most 5 s later',
  AUDIT_SEAL_INTERVAL_MS: "How often the gateway seals its access-log chain head with the hub key, when it moved (default 60000; 0 = only at shutdown)",
  AUDIT_SEAL_FILE: 'Append-only file outside the database where the gateway also writes each seal; audit:verify reads it (default ONTSCHOT_DATA_DIR/audit-seals.jsonl)',
  ...CONSOLE_OIDC_VARIABLES,
};

/** What a stand-alone adapter needs: where to listen and which partner system to translate. */
export interface AdapterServiceConfig {
  host: string;
  port: number;
  partnerUrl: string;
  timeBudgetMs: number;
  /** Where the hub's public keys are: the adapter answers only requests signed by the hub. */
  hubJwksUrl: string;
  /** For the DEMO log key and the default processing log. */
  dataDir: string;
  processingLogFile?: string;
  /** The credential the partner expects (debt relief only). */
  apiKey?: string;
}

export function loadAdapterServiceConfig(domain: Domain, env: NodeJS.ProcessEnv = process.env): AdapterServiceConfig {
  return {
    host: env.HOST ?? '127.0.0.1',
    port: integerFromEnv(env, 'PORT', DEFAULT_PORTS.adapters[domain]),
    partnerUrl: env[PARTNER_URL_VARIABLES[domain]] ?? `http://127.0.0.1:${DEFAULT_PORTS.partners[domain]}${domain === 'care' ? '/fhir' : ''}`,
    timeBudgetMs: integerFromEnv(env, 'PARTNER_TIME_BUDGET_MS', 1500),
    hubJwksUrl: env.HUB_JWKS_URL || `http://127.0.0.1:${DEFAULT_PORTS.gateway}/.well-known/hub-jwks.json`,
    dataDir: path.resolve(env.ONTSCHOT_DATA_DIR ?? '.ontschot'),
    processingLogFile: env.ADAPTER_PROCESSING_LOG || undefined,
    apiKey: domain === 'debt' ? env.DEBT_PARTNER_API_KEY || undefined : undefined,
  };
}

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
      { url: env[ADAPTER_URL_VARIABLES[domain]] ?? `http://127.0.0.1:${DEFAULT_PORTS.adapters[domain]}/graphql`, timeBudgetMs },
    ]),
  ) as Record<Domain, AdapterEndpoint>;
  const dataDir = path.resolve(env.ONTSCHOT_DATA_DIR ?? '.ontschot');
  return {
    host,
    port: integerFromEnv(env, 'PORT', DEFAULT_PORTS.gateway),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    policyFile: path.resolve(env.POLICY_FILE ?? 'schema/field-policies.yaml'),
    auth: {
      jwksUrl: env.AUTH_JWKS_URL || undefined,
      issuer: env.AUTH_ISSUER ?? DEMO_ISSUER,
      audience: env.AUTH_AUDIENCE ?? HUB_AUDIENCE,
      maxTokenLifetimeSeconds: integerFromEnv(env, 'AUTH_MAX_TOKEN_LIFETIME_SECONDS', DEFAULT_MAX_TOKEN_LIFETIME_SECONDS),
    },
    adapters,
    edge: loadEdgeConfig(env),
    auditSeal: {
      intervalMs: integerFromEnv(env, 'AUDIT_SEAL_INTERVAL_MS', 60_000),
      file: path.resolve(env.AUDIT_SEAL_FILE || path.join(dataDir, 'audit-seals.jsonl')),
    },
    admission: {
      maxConcurrent: positiveIntegerFromEnv(env, 'EDGE_MAX_CONCURRENT_REQUESTS', DEFAULT_ADMISSION.maxConcurrent),
      maxQueued: integerFromEnv(env, 'EDGE_MAX_QUEUED_REQUESTS', DEFAULT_ADMISSION.maxQueued),
      queueTimeoutMs: integerFromEnv(env, 'EDGE_QUEUE_TIMEOUT_MS', DEFAULT_ADMISSION.queueTimeoutMs),
    },
    databaseTimeouts: {
      statementMs: positiveIntegerFromEnv(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 3000),
      lockMs: positiveIntegerFromEnv(env, 'DATABASE_LOCK_TIMEOUT_MS', 1000),
      connectMs: positiveIntegerFromEnv(env, 'DATABASE_CONNECT_TIMEOUT_MS', 2000),
    },
    officerContacts: loadOfficerContacts(env),
    auditRetentionDays: auditRetentionDaysFromEnv(env),
    console: { oidc: loadConsoleOidcSettings(env, Boolean(env.AUTH_JWKS_URL && env.AUTH_ISSUER)) },
  };
}

/** For limits where 0 would mean "refuse everything" or (for PostgreSQL) "no limit at all". */
function positiveIntegerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = integerFromEnv(env, name, fallback);
  if (value === 0) throw new Error(`${name} must be a positive integer`);
  return value;
}
