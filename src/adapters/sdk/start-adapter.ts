import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { isObjectType, type DocumentNode, type GraphQLSchema } from 'graphql';
import { logger } from '../../observability/logger.ts';
import { DEFAULT_TIME_BUDGET_MS } from '../adapter-config.ts';
import type { AdapterDefinition } from './define-adapter.ts';
import { RequestRefusal, startGraphQLService, type RunningGraphQLService } from './graphql-service.ts';
import { createHubTokenVerifier, HubTokenRefused, hubTokenRefusal, type HubKeys } from './hub-token-verifier.ts';
import { loadAdapterLogKey } from './log-key.ts';
import { peopleByBsnResolver } from './people-by-bsn.ts';
import { PostgresReplayGuard } from './postgres-replay-guard.ts';
import { ProcessingLog } from './processing-log.ts';
import { createProcessingLogQueryHandler, PROCESSING_LOG_QUERY_PATH } from './processing-log-query.ts';
import { InMemoryReplayGuard, ReplayGuardUnavailable, type ReplayGuard } from './replay-guard.ts';
import type { AdapterRequestContext } from './request-context.ts';
import { selectedCoordinates } from '../../selection/selected-fields.ts';
import { traceFrom } from './trace-context.ts';

export interface AdapterServerOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The hub's public keys: only requests with a token signed by the hub are answered. */
  hubKeys: HubKeys;
  /** Folder for the DEMO log key (when ADAPTER_LOG_KEY is unset) and the default processing log. */
  dataDir: string;
  /** The append-only processing log; default <dataDir>/ldv/<adapter name>.jsonl. */
  processingLogFile?: string;
  /** The whole partner call must fit in this many milliseconds (default 2000). */
  timeBudgetMs?: number;
  /**
   * Replicas of one adapter share a replay guard in PostgreSQL at this URL (default: env
   * REPLAY_GUARD_DATABASE_URL); without one, each process remembers token ids in memory.
   */
  replayGuardDatabaseUrl?: string;
  /** A replay guard of the caller's own (it stays the caller's to close); overrides the above. */
  replayGuard?: ReplayGuard;
}

/** Options of an adapter in front of one partner system (the built-in adapters, the scaffold's). */
export interface PartnerAdapterOptions extends AdapterServerOptions {
  /** Base URL of the partner system. */
  partnerUrl: string;
}

/** The executable schema of an adapter: its contract with the SDK's `peopleByBsn` resolver. */
export function createAdapterSchema(definition: AdapterDefinition<unknown>): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs: definition.contractSdl,
    resolvers: { Query: { peopleByBsn: peopleByBsnResolver(definition) } },
  });
  const person = schema.getType('Person');
  if (!isObjectType(person) || !person.getFields()[definition.personField]) {
    throw new Error(`The contract of ${definition.name} has no field Person.${definition.personField}`);
  }
  return schema;
}

/** Serves an adapter over HTTP: POST /graphql and POST /processing-log/query for the hub (hub token required), GET /healthz. */
export async function startAdapter(definition: AdapterDefinition<unknown>, options: AdapterServerOptions): Promise<RunningGraphQLService> {
  const schema = createAdapterSchema(definition);
  const log = logger.child({ adapter: definition.name });
  const logKey = await loadAdapterLogKey(options.dataDir);
  const processingLog = new ProcessingLog(options.processingLogFile ?? path.join(options.dataDir, 'ldv', `${definition.name}.jsonl`), definition.name, logKey);
  const ownGuard = options.replayGuard ? undefined : replayGuardFor(options);
  const verify = createHubTokenVerifier(definition.domain, options.hubKeys, options.replayGuard ?? ownGuard);
  const timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;

  async function contextFor(req: IncomingMessage, _body: string, bytes: Buffer): Promise<AdapterRequestContext> {
    const trace = traceFrom(req.headers.traceparent);
    let claims;
    try {
      // The raw bytes, before anything is parsed: the token is valid for this body only.
      claims = await verify(req.headers.authorization, bytes);
    } catch (error) {
      if (error instanceof ReplayGuardUnavailable) {
        log.error({ traceId: trace.traceId, reason: error.reason }, 'request refused: replay guard unavailable');
        throw new RequestRefusal(503, 'REPLAY_GUARD_UNAVAILABLE', 'The adapter cannot check hub tokens for replay now; try again later', { 'retry-after': '1' });
      }
      log.warn({ traceId: trace.traceId, reason: error instanceof HubTokenRefused ? error.reason : 'error' }, 'request refused: no valid hub token');
      throw hubTokenRefusal(error);
    }
    return { claims, trace, timeBudgetMs, processingLog, log };
  }

  // The service hands the same document object for the same query text: its coordinates are worked out once.
  const coordinatesOf = new WeakMap<DocumentNode, string[]>();
  /** The fields the query selects (the parsed document the service then executes) must all be in the token. */
  function checkFieldsInToken(document: DocumentNode, context: unknown): void {
    const { claims, trace } = context as AdapterRequestContext;
    let selected = coordinatesOf.get(document);
    if (!selected) coordinatesOf.set(document, (selected = selectedCoordinates(schema, document)));
    const uncovered = selected.filter((coordinate) => !claims.fields.includes(coordinate));
    if (uncovered.length > 0) {
      log.warn({ traceId: trace.traceId, uncovered }, 'request refused: fields outside the hub token');
      throw new RequestRefusal(403, 'FORBIDDEN', 'The hub token does not cover the requested fields');
    }
  }

  // The subject access report asks the adapter what it processed about one person (processing-log-query.ts).
  const postRoutes = { [PROCESSING_LOG_QUERY_PATH]: createProcessingLogQueryHandler({ verify, processingLog, logKey, log }) };
  const service = await startGraphQLService({
    name: definition.name, schema, host: options.host, port: options.port ?? 0, contextFactory: contextFor, checkDocument: checkFieldsInToken, postRoutes,
  });
  return {
    ...service,
    async close() {
      try {
        await service.close();
      } finally {
        // After the last request: its lines are flushed to disk and the file closed.
        const closed = await Promise.allSettled([processingLog.close(), ownGuard?.close()]);
        for (const outcome of closed) {
          if (outcome.status === 'rejected') log.error({ errorName: (outcome.reason as Error)?.name }, 'processing log or replay guard did not close cleanly');
        }
      }
    },
  };
}

/** The shared PostgreSQL guard when a database is configured, else one in this process's memory. */
function replayGuardFor(options: AdapterServerOptions, env: NodeJS.ProcessEnv = process.env): ReplayGuard {
  const databaseUrl = options.replayGuardDatabaseUrl ?? env.REPLAY_GUARD_DATABASE_URL;
  return databaseUrl ? new PostgresReplayGuard({ connectionString: databaseUrl }) : new InMemoryReplayGuard();
}
