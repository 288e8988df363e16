/**
 * Settings of the gateway's edge: the limits every GraphQL request must pass before anything is
 * resolved. All from the environment (README, docker-compose.yml, ENVIRONMENT_VARIABLES in
 * src/config/env.ts), with defaults that let the largest legitimate query of the suite and the README
 * pass (a 100-household `households(ids:)` query, the property test's random queries) and refuse floods.
 */
export interface EdgeConfig {
  /** Deepest selection (fields within fields, through fragments). */
  maxDepth: number;
  /** Aliases per operation: 1,000 aliases of `household` is how one token stalled the hub. */
  maxAliases: number;
  /** graphql-armor's static cost (objects 2, scalars 1, times 1.5 per level). */
  maxCost: number;
  /** Lexical tokens per document, checked while parsing. */
  maxTokens: number;
  maxDirectives: number;
  /** Schema introspection; off by default when NODE_ENV=production. Field suggestions go with it. */
  introspection: boolean;
  /** Requests per professional (the token's `sub`) per minute; 0 switches the limit off. */
  rateLimitPerMinute: number;
  /** A JSON file { "<sha256 hex>": "<operation document>" }: when set, only these operations run. */
  trustedDocumentsFile?: string;
}

export const DEFAULT_EDGE_LIMITS = {
  maxDepth: 10,
  maxAliases: 100,
  maxCost: 1000,
  maxTokens: 2000,
  maxDirectives: 20,
  rateLimitPerMinute: 300,
} as const;

export function loadEdgeConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  const production = env.NODE_ENV === 'production';
  return {
    maxDepth: positiveIntegerFromEnv(env, 'GRAPHQL_MAX_DEPTH', DEFAULT_EDGE_LIMITS.maxDepth),
    maxAliases: positiveIntegerFromEnv(env, 'GRAPHQL_MAX_ALIASES', DEFAULT_EDGE_LIMITS.maxAliases),
    maxCost: positiveIntegerFromEnv(env, 'GRAPHQL_MAX_COST', DEFAULT_EDGE_LIMITS.maxCost),
    maxTokens: positiveIntegerFromEnv(env, 'GRAPHQL_MAX_TOKENS', DEFAULT_EDGE_LIMITS.maxTokens),
    maxDirectives: positiveIntegerFromEnv(env, 'GRAPHQL_MAX_DIRECTIVES', DEFAULT_EDGE_LIMITS.maxDirectives),
    introspection: booleanFromEnv(env, 'GRAPHQL_INTROSPECTION', !production),
    rateLimitPerMinute: positiveIntegerFromEnv(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_EDGE_LIMITS.rateLimitPerMinute, { allowZero: true }),
    trustedDocumentsFile: env.TRUSTED_DOCUMENTS_FILE || undefined,
  };
}

function positiveIntegerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new Error(`${name} must be a whole number${allowZero ? ' (0 or more)' : ' above 0'}`);
  return value;
}

function booleanFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`${name} must be true or false`);
}
