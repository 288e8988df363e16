import http from 'node:http';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createRemoteJWKSet } from 'jose';
import type { PrismaClient } from '../db/generated/client.ts';
import type { SqlRunner } from '../db/migrate.ts';
import type { GatewayConfig } from '../config/env.ts';
import { DOMAINS, type Domain } from '../domain/partner-domains.ts';
import type { SubjectProtector } from '../crypto/subject-protection.ts';
import type { DemoIssuer } from '../auth/demo-issuer.ts';
import { HUB_JWKS_PATH, type HubSigningKey } from '../auth/hub-signing-key.ts';
import { AuthenticationError, createTokenVerifier, type TokenVerifier } from '../auth/token-verifier.ts';
import type { Caller } from '../auth/caller.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import { auditPlugin } from '../audit/audit-plugin.ts';
import { DEFAULT_REPORT_SOURCES, type ReportSources } from '../audit/report-assembly.ts';
import { AuditChain } from '../audit/audit-chain.ts';
import { ChainSealer, chainSealPlugin } from '../audit/chain-sealer.ts';
import { requestLog } from '../observability/request-log.ts';
import { logger } from '../observability/logger.ts';
import { listen, shutdownGrace } from '../net/http-server.ts';
import { buildStitchedSchema } from './gateway-schema.ts';
import { applyFieldAuthorization } from './field-authorization.ts';
import { createRequestContext, type RequestContext, type RequestContextDependencies } from '../request/request-context.ts';
import { createUpstreamExecutor } from './upstream-executor.ts';
import { readAheadPlugin } from './read-ahead-plugin.ts';
import { ReservedResponseKeysRule } from './subject-keys.ts';
import { createGatewayEdge } from '../edge/gateway-edge.ts';
import { EDGE_PUBLIC_CODES } from '../edge/edge-errors.ts';
import { loadEdgeConfig } from '../edge/edge-config.ts';
import { createAdmissionControl } from '../edge/admission.ts';
import { DEFAULT_ADMISSION } from '../edge/admission-settings.ts';
import { healthRoutes } from '../health/health-routes.ts';
import { createReadiness } from '../health/readiness.ts';
import { databaseUnavailablePlugin } from '../health/database-unavailable-plugin.ts';
import { CONSOLE_PATH, consoleRouter } from '../console/console-router.ts';

export interface GatewayDependencies {
  config: GatewayConfig;
  prisma: PrismaClient;
  /** The same database without Prisma, for the access log's one INSERT per request. */
  sql: SqlRunner;
  protector: SubjectProtector;
  policies: PolicySet;
  /** The embedded default's demo issuer; its JWKS is then served at /.well-known/jwks.json. */
  demoIssuer?: DemoIssuer;
  /** The hub's own key: signs upstream tokens and consent receipts; served at /.well-known/hub-jwks.json. */
  hubKey: HubSigningKey;
  /** ONLY for bench/audit-overhead.ts, to measure what the access log costs; never set by the hub itself. */
  withoutAuditForBenchmark?: true;
  /** ONLY for bench/: the edge's limits off (depth, alias, cost, token and rate limits; admission control), to compare before and after. */
  withoutEdgeLimitsForBenchmark?: true;
}

export interface RunningGateway {
  url: string;
  graphqlUrl: string;
  close(): Promise<void>;
}

const JWKS_PATH = '/.well-known/jwks.json';

/** Codes whose messages are ours and safe to show; anything else is reported as an internal error. */
const PUBLIC_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'PURPOSE_MISMATCH', 'NOT_INVOLVED', 'CONSENT_REQUIRED', 'CONSENT_UNAVAILABLE', 'SOURCE_UNAVAILABLE', 'AUDIT_UNAVAILABLE', 'DATABASE_UNAVAILABLE',
  'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', ...EDGE_PUBLIC_CODES,
]);

export async function startGateway(deps: GatewayDependencies): Promise<RunningGateway> {
  const { config, prisma, protector, policies, demoIssuer, hubKey } = deps;
  const executors = Object.fromEntries(DOMAINS.map((domain) => [domain, createUpstreamExecutor(domain, config.adapters[domain])])) as Record<Domain, ReturnType<typeof createUpstreamExecutor>>;
  const schema = applyFieldAuthorization(buildStitchedSchema(executors), policies);

  // A subject access report asks the adapters for their processing logs (src/audit/partner-processing.ts).
  const reportSources: ReportSources = {
    partnerLogs: { adapters: config.adapters, hubKey },
    officerContacts: config.officerContacts ?? DEFAULT_REPORT_SOURCES.officerContacts,
    retentionDays: config.auditRetentionDays ?? DEFAULT_REPORT_SOURCES.retentionDays,
  };
  const edge = createGatewayEdge(config.edge ?? loadEdgeConfig({}), { withoutLimits: deps.withoutEdgeLimitsForBenchmark });
  // One chain per gateway process: the access-log plugin appends to it, the sealer signs its head.
  const auditChain = new AuditChain(deps.sql);
  const auditPlugins = [auditPlugin(prisma, policies.purposes, auditChain), chainSealPlugin(new ChainSealer(auditChain, hubKey, prisma, config.auditSeal))];

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog());
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: edge.apollo.introspection,
    validationRules: [ReservedResponseKeysRule, ...edge.apollo.validationRules],
    parseOptions: edge.apollo.parseOptions,
    // Shutdown is ours (src/cli/serve.ts closes database, adapters and simulators too).
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: formatPublicError,
    // No cache hints: every answer is about people and is never cached (no-store on /graphql below), so
    // Apollo's cache-control plugin would only work out a policy per field to say the same.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: shutdownGrace() }), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), databaseUnavailablePlugin(), readAheadPlugin(), ...edge.apollo.plugins, ...(deps.withoutAuditForBenchmark ? [] : auditPlugins)],
  });
  await apollo.start();

  let verifyToken: TokenVerifier | undefined;
  app.get('/healthz', (_req, res) => {
    res.status(verifyToken ? 200 : 503).json({ status: verifyToken ? 'ok' : 'starting' });
  });
  let identityProviderJwksUrl: string | undefined;
  app.use(healthRoutes(createReadiness({ sql: deps.sql, adapterUrls: Object.fromEntries(DOMAINS.map((d) => [d, config.adapters[d].url])) as Record<Domain, string>, identityProviderJwksUrl: () => identityProviderJwksUrl, hubKey, timeoutMs: 1500 })));
  const admission = createAdmissionControl(config.admission ?? DEFAULT_ADMISSION);
  const contextDependencies: RequestContextDependencies = { prisma, sql: deps.sql, protector, policies, hubKey, reportSources };
  if (demoIssuer) app.get(JWKS_PATH, (_req, res) => res.json(demoIssuer.jwks));
  app.get(HUB_JWKS_PATH, (_req, res) => res.json(hubKey.jwks));
  app.use(
    '/graphql',
    noStore,
    edge.refuseAllButPost,
    ...(deps.withoutEdgeLimitsForBenchmark ? [] : [admission.middleware]),
    express.json({ limit: '100kb' }),
    edge.trustedDocuments,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        if (!verifyToken) throw unauthenticated('The hub is starting');
        let caller: Caller;
        try {
          caller = await verifyToken(req.headers.authorization);
        } catch (error) {
          throw unauthenticated(error instanceof AuthenticationError ? error.message : 'The token could not be verified');
        }
        await edge.rateLimit(caller);
        const context = createRequestContext(contextDependencies, caller, req.headers.traceparent as string | undefined);
        res.locals.traceId = context.traceId;
        return context;
      },
    }),
  );

  // The privacy officer's console: static pages that talk to /graphql like any other front end.
  app.use(CONSOLE_PATH, consoleRouter(config.console));

  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  // Body parser errors (bad JSON, too large) as JSON, without Express's HTML page or stack trace.
  app.use(((error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ errorName: error?.name }, 'unhandled gateway error');
    const message = status === 413 ? 'Request body too large' : status === 500 ? 'Internal error' : 'Malformed request body';
    res.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  }) as express.ErrorRequestHandler);

  const url = await listen(httpServer, config.host, config.port);
  const jwksUrl = config.auth.jwksUrl ?? `${url}${JWKS_PATH}`;
  identityProviderJwksUrl = jwksUrl;
  // A slow identity provider must not hold requests for jose's default 5 s.
  verifyToken = createTokenVerifier({
    keys: createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 2_000 }),
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    maxLifetimeSeconds: config.auth.maxTokenLifetimeSeconds,
    register: policies,
  });
  logger.info({ url: `${url}/graphql` }, 'gateway listening');

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    close: async () => {
      await apollo.stop();
    },
  };
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** No stack traces, no internal messages: only errors the hub itself phrased reach the front end. */
export function formatPublicError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, message: withoutEchoedValues(formatted.message.replace(/^Context creation failed: /, '')), extensions };
  }
  return { message: 'Internal error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** graphql-js repeats a bad variable's value in its message; that value may be a BSN. */
function withoutEchoedValues(message: string): string {
  return message.replace(/^(Variable "\$[^"]+") got invalid value[\s\S]*$/, '$1 got an invalid value');
}

/** Answers of /graphql hold personal data, or say why not: no browser or proxy may keep them. */
function noStore(_req: express.Request, res: express.Response, next: express.NextFunction): void {
  res.setHeader('cache-control', 'no-store');
  next();
}
