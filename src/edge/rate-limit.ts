import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Caller } from '../auth/caller.ts';
import { EDGE_ERROR_CODES } from './edge-errors.ts';

/**
 * A rate limit per professional (the token's `sub`, within its organisation), in a fixed one-minute
 * window, in this process's memory (rate-limiter-flexible). Several gateway replicas would each count
 * on their own, so a professional gets up to N x the limit: to share it, replace RateLimiterMemory by
 * the same library's RateLimiterPostgres (on the hub's database) or RateLimiterRedis; `consume` stays.
 */
export type RateLimit = (caller: Caller) => Promise<void>;

export function createRateLimit(requestsPerMinute: number): RateLimit {
  if (requestsPerMinute === 0) return async () => undefined;
  const limiter = new RateLimiterMemory({ points: requestsPerMinute, duration: 60 });
  return async (caller) => {
    try {
      // Organisation and subject together: two identity providers may use the same `sub`.
      await limiter.consume(`${caller.organisationId}\u0000${caller.subject}`);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new GraphQLError(`Too many requests: at most ${requestsPerMinute} a minute per professional. Retry after ${retryAfterSeconds} s.`, {
        extensions: {
          code: EDGE_ERROR_CODES.rateLimited,
          retryAfterSeconds,
          http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
        },
      });
    }
  };
}
