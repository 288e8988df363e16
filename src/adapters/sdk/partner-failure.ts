import { GraphQLError } from 'graphql';
import type { Logger } from '../../observability/logger.ts';

/**
 * Partner calls within a time budget, and their failures as one opaque GraphQL error: callers learn
 * *that* the source is unavailable (code SOURCE_UNAVAILABLE, `source` = the domain) but never the
 * partner's URL, status texts, messages or a BSN. Operators get the reason class in the log.
 */

export class TimeBudgetExceeded extends Error {
  override name = 'TimeBudgetExceeded';
}

/** Runs `call` with a signal that aborts when the budget is spent, and stops waiting at that moment. */
export function withinTimeBudget<T>(timeBudgetMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    // A timer cleared as soon as the call settles: AbortSignal.timeout() would fire (and build its
    // DOMException) after every call, finished or not, which costs CPU on every request.
    const timer = setTimeout(() => {
      controller.abort(new DOMException('The time budget is spent', 'TimeoutError'));
      reject(new TimeBudgetExceeded());
    }, timeBudgetMs);
    Promise.resolve()
      .then(() => call(controller.signal))
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

export function sourceUnavailable(domain: string): GraphQLError {
  const label = `${domain.charAt(0).toUpperCase()}${domain.slice(1)}`;
  return new GraphQLError(`${label} source unavailable`, { extensions: { code: 'SOURCE_UNAVAILABLE', source: domain } });
}

/** Whatever the batch function threw, as SOURCE_UNAVAILABLE; the log gets the reason class only. */
export function partnerFailure(domain: string, error: unknown, log: Logger): GraphQLError {
  const reason =
    error instanceof TimeBudgetExceeded ? 'timeout'
    : error instanceof GraphQLError && error.extensions.code === 'SOURCE_UNAVAILABLE' ? 'partner_unavailable'
    : 'partner_error';
  log.warn({ reason, errorName: error instanceof Error ? error.name : typeof error }, 'partner call failed');
  return sourceUnavailable(domain);
}
