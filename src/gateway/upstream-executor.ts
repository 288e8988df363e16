import { buildSchema, GraphQLError } from 'graphql';
import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { ConsecutiveBreaker, circuitBreaker, handleAll, BrokenCircuitError } from 'cockatiel';
import type { AdapterEndpoint } from '../config/env.ts';
import { loadDomainSdl, type Domain } from '../domain/partner-domains.ts';
import { logger } from '../observability/logger.ts';
import type { RequestContext } from '../request/request-context.ts';
import { createSigningFetch } from './upstream-signing-fetch.ts';

/**
 * The gateway's HTTP link to one adapter. Every request carries a short-lived hub-signed token (for this
 * adapter, this professional and purpose, exactly the fields asked for, bound to the exact body sent)
 * and a W3C traceparent, so the adapter can tell the hub asked and log under the hub's trace.
 *
 * Every failure (refused, timed out past the time budget, broken response, errors from the adapter)
 * comes back as a GraphQL error with code SOURCE_UNAVAILABLE and the source's name, never the adapter's
 * own message. A circuit breaker (cockatiel) stops asking an adapter that failed five times in a row,
 * for a few seconds, so a dead partner does not slow every request.
 */
export function createUpstreamExecutor(domain: Domain, endpoint: AdapterEndpoint): Executor {
  const contract = buildSchema(loadDomainSdl(domain));
  const http = buildHTTPExecutor({
    endpoint: endpoint.url,
    timeout: endpoint.timeBudgetMs,
    // The token is signed over the final body bytes, so it is made where the body is final: in fetch.
    fetch: createSigningFetch(domain, contract),
    // Each request is signed for its own caller: two callers' identical queries must not share one.
    deduplicateInflightRequests: false,
  });
  const breaker = circuitBreaker(handleAll, { halfOpenAfter: 5_000, breaker: new ConsecutiveBreaker(5) });
  const unavailable = (reason: string): ExecutionResult => {
    logger.warn({ source: domain, reason }, 'adapter unavailable');
    return { errors: [sourceUnavailable(domain)] };
  };

  return (async (request: ExecutionRequest) => {
    const started = Date.now();
    try {
      const context = request.context as RequestContext | undefined;
      if (!context?.caller || !context.hubKey) throw new MissingRequestContext();
      const result = (await breaker.execute(async () => {
        const answer = (await http(request)) as ExecutionResult;
        // Transport failures come back as results without data; count them as failures for the breaker.
        if (answer.data == null && answer.errors?.length) throw new UpstreamFailure();
        return answer;
      })) as ExecutionResult;
      if (!result.errors?.length) return result;
      logger.warn({ source: domain, errors: result.errors.length, ms: Date.now() - started }, 'adapter returned errors');
      return { ...result, errors: result.errors.map((error) => sourceUnavailable(domain, error.path)) };
    } catch (error) {
      if (error instanceof BrokenCircuitError) return unavailable('circuit open');
      if (error instanceof MissingRequestContext) return unavailable('no caller to sign for');
      return unavailable(error instanceof UpstreamFailure ? 'failed' : 'transport error');
    }
  }) as Executor;
}

class UpstreamFailure extends Error {}
class MissingRequestContext extends Error {}

export function sourceUnavailable(domain: Domain, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(`Source '${domain}' is unavailable`, { path, extensions: { code: 'SOURCE_UNAVAILABLE', source: domain } });
}
