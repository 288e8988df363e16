import type { RequestHandler } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { EdgeConfig } from './edge-config.ts';
import { createQueryLimits } from './query-limits.ts';
import { createRateLimit, type RateLimit } from './rate-limit.ts';
import { refuseAllButPost } from './refuse-get.ts';
import { loadTrustedDocuments, requireTrustedDocuments } from './trusted-documents.ts';
import { stringInputCheckPlugin } from './string-input-check.ts';
import { echoFreeErrorsPlugin } from './echo-free-errors.ts';
import { EDGE_PUBLIC_CODES } from './edge-errors.ts';

/**
 * Everything the gateway does at its edge, before a query reaches a resolver, put together for
 * src/gateway/server.ts: Apollo options (limits, introspection, input checks, echo-free errors), HTTP
 * middleware (POST only, trusted documents) and the per-professional rate limit.
 */
export interface GatewayEdge {
  apollo: {
    introspection: boolean;
    validationRules: ValidationRule[];
    parseOptions: ParseOptions;
    plugins: ApolloServerPlugin[];
  };
  /** Before the body parser. */
  refuseAllButPost: RequestHandler;
  /** After the body parser. */
  trustedDocuments: RequestHandler;
  /** After the token is verified. */
  rateLimit: RateLimit;
  /** Codes the gateway must let through to the caller. */
  publicCodes: readonly string[];
}

export interface GatewayEdgeOptions {
  /** ONLY for benchmarks: depth, alias, cost, token, directive and rate limits off. Input checks stay. */
  withoutLimits?: boolean;
}

export function createGatewayEdge(config: EdgeConfig, { withoutLimits = false }: GatewayEdgeOptions = {}): GatewayEdge {
  const limits = withoutLimits ? { validationRules: [], parseOptions: {}, plugins: [] } : createQueryLimits(config);
  const passThrough: RequestHandler = (_req, _res, next) => next();
  return {
    apollo: {
      introspection: config.introspection,
      validationRules: limits.validationRules,
      parseOptions: limits.parseOptions,
      plugins: [...limits.plugins, stringInputCheckPlugin(), echoFreeErrorsPlugin()],
    },
    refuseAllButPost: refuseAllButPost(),
    trustedDocuments: config.trustedDocumentsFile ? requireTrustedDocuments(loadTrustedDocuments(config.trustedDocumentsFile)) : passThrough,
    rateLimit: createRateLimit(withoutLimits ? 0 : config.rateLimitPerMinute),
    publicCodes: EDGE_PUBLIC_CODES,
  };
}
