import { buildSchema, GraphQLError } from 'graphql';
import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { ConsecutiveBreaker, circuitBreaker, handleWhen, BrokenCircuitError } from 'cockatiel';
import type { AdapterEndpoint } from '../config/env.ts';
import { loadDomainSdl, type Domain } from '../domain/partner-domains.ts';
import { logger } from '../observability/logger.ts';
import type { RequestContext } from '../request/request-context.ts';
import { createSigningFetch } from './upstream-signing-fetch.ts';
import { eventLoopLag, type EventLoopLag } from '../health/event-loop-lag.ts';

/**
 * The gateway's HTTP link to one adapter. Every request carries a short-lived hub-signed token (for this
 * adapter, this professional and purpose, exactly the fields asked for, bound to the exact body sent)
 * and a W3C traceparent, so the adapter can tell the hub asked and log under the hub's trace.
 *
 * Every failure (refused, timed out past the time budget, broken response, errors from the adapter)
 * comes back as a GraphQL error with code SOURCE_UNAVAILABLE and the source's name, never the adapter's
 * own message. A circuit breaker (cockatiel) stops asking an adapter that failed five times in a row,
 * for a few seconds, so a dead partner does not slow every request.
 *
 * The time budget starts when the adapter call starts (signing, ~0.2 ms, is inside it; a request's wait in the edge's
 * queue is long over by then). Only failures the adapter caused count for the breaker: a call that ran
 * out of time while the gateway's own event loop lagged (local overload: the answer may well have been
 * there, unread) is still SOURCE_UNAVAILABLE for that request, but does not open the circuit.
 */
export function createUpstreamExecutor(domain: Domain, endpoint: AdapterEndpoint, options: UpstreamExecutorOptions = {}): Executor {
  const http = budgetedHttpExecutor(domain, endpoint);
  const breaker = circuitBreaker(
    handleWhen((error) => !(error instanceof LocalOverload)),
    { halfOpenAfter: 5_000, breaker: new ConsecutiveBreaker(5) },
  );
  const lag = options.lag ?? eventLoopLag();
  // A loop this late for one tick makes a few ticks of answer handling miss the budget.
  const localLagThresholdMs = Math.max(50, endpoint.timeBudgetMs / 10);
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
        const callStarted = performance.now();
        const answer = (await http(request)) as ExecutionResult;
        // Transport failures come back as results without data; count them as failures for the breaker,
        // unless they are timeouts of our own making.
        if (answer.data == null && answer.errors?.length) {
          const ranOutOfTime = performance.now() - callStarted >= endpoint.timeBudgetMs * 0.9;
          if (ranOutOfTime && lag.maxSince(callStarted) >= localLagThresholdMs) throw new LocalOverload();
          throw new UpstreamFailure();
        }
        return answer;
      })) as ExecutionResult;
      if (!result.errors?.length) return result;
      logger.warn({ source: domain, errors: result.errors.length, ms: Date.now() - started }, 'adapter returned errors');
      return { ...result, errors: result.errors.map((error) => sourceUnavailable(domain, error.path)) };
    } catch (error) {
      if (error instanceof BrokenCircuitError) return unavailable('circuit open');
      if (error instanceof MissingRequestContext) return unavailable('no caller to sign for');
      if (error instanceof LocalOverload) return unavailable('timed out while the gateway was overloaded (not counted against the adapter)');
      return unavailable(error instanceof UpstreamFailure ? 'failed' : 'transport error');
    }
  }) as Executor;
}

export interface UpstreamExecutorOptions {
  /**
   * How late the gateway's own event loop has been (default: the process's monitor). Tests that must
   * know whose fault a timeout was give one that reports a quiet loop: on a machine loaded by other
   * work, the real monitor rightly calls such timeouts local overload.
   */
  lag?: Pick<EventLoopLag, 'maxSince'>;
}

/**
 * The signed HTTP call to one adapter within its time budget, without the breaker and the error mapping
 * above: what the gateway and the bench's plain stitching peer (bench/plain-stitching) both send.
 */
export function budgetedHttpExecutor(domain: Domain, endpoint: AdapterEndpoint): Executor {
  const contract = buildSchema(loadDomainSdl(domain));
  const signingFetch = createSigningFetch(domain, contract);
  const http = buildHTTPExecutor({
    endpoint: endpoint.url,
    // No `timeout` and no per-call signal for executor-http. Its timeout is an AbortSignal.timeout that is
    // never disarmed: every finished call's fetch was aborted when its budget ran out (timers, errors, a
    // pooled connection closed). And a per-call signal it combines with its own long-lived one
    // (abortSignalAny), leaving a listener there per call until garbage collection, so each call's
    // addEventListener walked thousands of them. The budget (withinBudget below) reaches fetch through
    // the call's own context instead.
    // The token is signed over the final body bytes, so it is made where the body is final: in fetch.
    fetch: (url, init, context, info) => signingFetch(url, { ...init, signal: budgetSignals.get(context as object) ?? init?.signal }, context, info),
    // Each request is signed for its own caller: two callers' identical queries must not share one.
    deduplicateInflightRequests: false,
  });
  return ((request: ExecutionRequest) => withinBudget(request, endpoint.timeBudgetMs, http)) as Executor;
}

/** The budget signal of each call, by the call's own context object (see withinBudget). */
const budgetSignals = new WeakMap<object, AbortSignal>();

/**
 * Runs one call with a signal that aborts it when the time budget runs out (or when the caller's own
 * signal aborts), and disarms both as soon as the call has ended, answered or not. The signal travels
 * with a copy of the request's context made for this call, which the fetch above looks up.
 */
async function withinBudget(request: ExecutionRequest, budgetMs: number, http: Executor): Promise<unknown> {
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), budgetMs);
  const outer = request.signal ?? request.info?.signal;
  const abort = () => budget.abort(outer?.reason);
  if (outer?.aborted) abort();
  else outer?.addEventListener('abort', abort, { once: true });
  const callContext = { ...(request.context as object) };
  budgetSignals.set(callContext, budget.signal);
  try {
    return await http({ ...request, signal: undefined, context: callContext });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', abort);
  }
}

class UpstreamFailure extends Error {}
/** A timeout while the gateway's event loop lagged: the breaker's policy lets it pass uncounted. */
class LocalOverload extends Error {}
class MissingRequestContext extends Error {}

export function sourceUnavailable(domain: Domain, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(`Source '${domain}' is unavailable`, { path, extensions: { code: 'SOURCE_UNAVAILABLE', source: domain } });
}
