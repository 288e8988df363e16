import type { SqlRunner } from '../db/migrate.ts';
import type { Domain } from '../domain/partner-domains.ts';
import type { HubSigningKey } from '../auth/hub-signing-key.ts';

export type CheckStatus = 'up' | 'down';

export interface CheckResult {
  status: CheckStatus;
  /** Whether this check failing takes the gateway out of rotation. */
  required: boolean;
  ms: number;
  /** A short reason when down (never a URL with credentials, never personal data). */
  reason?: string;
}

export interface ReadinessReport {
  /** `ready`: all required checks up; `degraded`: ready, but an adapter is down; `not ready`: 503. */
  status: 'ready' | 'degraded' | 'not ready';
  checks: Record<string, CheckResult>;
}

export interface ReadinessDependencies {
  sql: SqlRunner;
  adapterUrls: Record<Domain, string>;
  /** The identity provider's JWKS URL; a function because the demo issuer's is known only after listen. */
  identityProviderJwksUrl: () => string | undefined;
  hubKey: HubSigningKey;
  /** Each check gets at most this long. */
  timeoutMs: number;
}

/**
 * What an orchestrator asks before routing requests here (/readyz). Required: the database (nothing can
 * be served or logged without it), the identity provider's key set (no token can be verified without
 * it) and the hub's own key (no adapter can be asked without it). The adapters are reported but not
 * required: without one the gateway still answers, with that source withheld as SOURCE_UNAVAILABLE, and
 * a partner outage hits every replica alike, so taking replicas out would turn a partial outage into a
 * full one.
 */
export function createReadiness(deps: ReadinessDependencies): () => Promise<ReadinessReport> {
  const timed = async (required: boolean, probe: (signal: AbortSignal) => Promise<void>): Promise<CheckResult> => {
    const started = performance.now();
    const signal = AbortSignal.timeout(deps.timeoutMs);
    try {
      await Promise.race([probe(signal), new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new ProbeFailure(`no answer within ${deps.timeoutMs} ms`)), { once: true }))]);
      return { status: 'up', required, ms: Math.round(performance.now() - started) };
    } catch (error) {
      const reason = error instanceof ProbeFailure ? error.message : 'unreachable';
      return { status: 'down', required, ms: Math.round(performance.now() - started), reason };
    }
  };

  return async () => {
    const adapterChecks = Object.entries(deps.adapterUrls).map(async ([domain, url]) => [`adapter:${domain}`, await timed(false, (signal) => expectOk(new URL('/healthz', url), signal))] as const);
    const entries = await Promise.all([
      (async () => ['database', await timed(true, async () => void (await deps.sql.query('SELECT 1')))] as const)(),
      (async () => ['identityProviderKeys', await timed(true, (signal) => expectKeySet(deps.identityProviderJwksUrl(), signal))] as const)(),
      (async () => ['hubKey', await timed(true, async () => { if (!deps.hubKey.jwks.keys.length) throw new ProbeFailure('no public key'); })] as const)(),
      ...adapterChecks,
    ]);
    const checks = Object.fromEntries(entries);
    const all = Object.values(checks);
    const status = all.some((check) => check.required && check.status === 'down') ? 'not ready' : all.some((check) => check.status === 'down') ? 'degraded' : 'ready';
    return { status, checks };
  };
}

class ProbeFailure extends Error {}

async function expectOk(url: URL, signal: AbortSignal): Promise<void> {
  const response = await fetch(url, { signal });
  await response.body?.cancel();
  if (!response.ok) throw new ProbeFailure(`HTTP ${response.status}`);
}

async function expectKeySet(url: string | undefined, signal: AbortSignal): Promise<void> {
  if (!url) throw new ProbeFailure('not configured yet');
  const response = await fetch(url, { signal });
  if (!response.ok) {
    await response.body?.cancel();
    throw new ProbeFailure(`HTTP ${response.status}`);
  }
  const body = (await response.json().catch(() => null)) as { keys?: unknown } | null;
  if (!Array.isArray(body?.keys) || body.keys.length === 0) throw new ProbeFailure('no keys in the key set');
}
