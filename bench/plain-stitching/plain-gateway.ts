import http from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { GraphQLError } from 'graphql';
import type { Executor } from '@graphql-tools/utils';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { GatewayConfig } from '../../src/config/env.ts';
import { DOMAINS, type Domain } from '../../src/domain/partner-domains.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { loadHubDataKey } from '../../src/crypto/hub-data-key.ts';
import { createSubjectProtector } from '../../src/crypto/subject-protection.ts';
import { HUB_JWKS_PATH, loadHubSigningKey } from '../../src/auth/hub-signing-key.ts';
import { loadDemoIssuer } from '../../src/auth/demo-issuer.ts';
import { budgetedHttpExecutor } from '../../src/gateway/upstream-executor.ts';
import { createHouseholdLoaders } from '../../src/households/household-loaders.ts';
import { AccessLog } from '../../src/audit/access-log.ts';
import type { RequestContext } from '../../src/request/request-context.ts';
import { listen } from '../../src/net/http-server.ts';
import { buildPlainStitchedSchema } from './plain-schema.ts';

/**
 * A plain stitching gateway, the peer ontschot is measured against (bench/gateway-vs-stitching.ts):
 * Apollo Server 5 on Express with the same dependencies, the same PostgreSQL case registration (demo data
 * seeded), and the schema of ./plain-schema.ts. What it keeps, because any gateway in front of these
 * adapters must: it authenticates the bearer token (jose, the demo issuer's key), and it signs every
 * adapter call with the hub key, bound to the caller and the body, within the same time budget
 * (budgetedHttpExecutor in src/gateway/upstream-executor.ts), because the adapters answer nothing else; so
 * that cost is paid by both. What it leaves out: field
 * authorization, consent, need to know, pruning, the access log (the hub subschema's resolvers note their
 * reads in an AccessLog that is never written), the edge's limits and admission control, the circuit
 * breaker.
 */
export interface RunningPlainGateway {
  url: string;
  graphqlUrl: string;
  close(): Promise<void>;
}

export async function startPlainGateway(config: GatewayConfig): Promise<RunningPlainGateway> {
  if (!config.databaseUrl) throw new Error('The plain gateway needs DATABASE_URL (PostgreSQL)');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, timeouts: config.databaseTimeouts });
  const protector = createSubjectProtector(await loadHubDataKey(config.dataDir));
  await seedDemoData(database.prisma, protector);
  const hubKey = await loadHubSigningKey(config.dataDir);
  const issuer = await loadDemoIssuer(config.dataDir, config.auth.issuer, config.auth.audience);
  const issuerKeys = createLocalJWKSet(issuer.jwks);

  const executors = Object.fromEntries(
    DOMAINS.map((domain) => [
      domain,
      // The same signed HTTP call within the same time budget as ontschot's (without its circuit breaker
      // and error mapping), so neither side pays for how executor-http's own timeout is armed.
      budgetedHttpExecutor(domain, config.adapters[domain]),
    ]),
  ) as Record<Domain, Executor>;

  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<RequestContext>({ schema: buildPlainStitchedSchema(executors), stopOnTerminationSignals: false });
  await apollo.start();
  app.get(HUB_JWKS_PATH, (_req, res) => res.json(hubKey.jwks));
  app.use(
    '/graphql',
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
        let claims;
        try {
          ({ payload: claims } = await jwtVerify(token ?? '', issuerKeys, { issuer: config.auth.issuer, audience: config.auth.audience }));
        } catch {
          throw new GraphQLError('A valid bearer token is required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        const caller = { subject: String(claims.sub), organisationId: String(claims.org), roles: claims.roles as string[], purpose: String(claims.purpose) };
        // Only what the hub subschema's resolvers and the signing fetch read.
        const context: Partial<RequestContext> = {
          caller, hubKey, prisma: database.prisma, protector, households: createHouseholdLoaders(database.prisma), accessLog: new AccessLog(),
          traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'),
        };
        return context as RequestContext;
      },
    }),
  );
  const url = await listen(httpServer, config.host, config.port);
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    close: async () => {
      await apollo.stop();
      await new Promise((resolve) => httpServer.close(resolve));
      await database.close();
    },
  };
}
