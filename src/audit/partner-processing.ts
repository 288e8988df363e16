import type { AdapterEndpoint } from '../config/env.ts';
import { DOMAINS, domainsOperatedBy, type Domain } from '../domain/partner-domains.ts';
import type { HubSigningKey } from '../auth/hub-signing-key.ts';
import { signUpstreamToken } from '../auth/upstream-token.ts';
import { contentDigest } from '../auth/request-digest.ts';
import {
  MAX_QUERY_TRACE_IDS,
  PROCESSING_LOG_QUERY_PATH,
  PROCESSING_LOG_QUERY_PURPOSE,
  PROCESSING_LOG_QUERY_SCOPE,
  type ProcessingLogAnswer,
  type ProcessingLogAnswerRecord,
} from '../adapters/sdk/processing-log-query.ts';
import { logger } from '../observability/logger.ts';
import type { OfficerScope } from '../supervision/officer-scope.ts';

/**
 * The hub's side of the partners' processing in a subject access report: it asks each adapter
 * (POST /processing-log/query, src/adapters/sdk/processing-log-query.ts) for what it processed about
 * this person in the traces of the report, in parallel and within one time budget. The call is signed
 * like the gateway's GraphQL calls (src/auth/upstream-token.ts): for that adapter, on behalf of the
 * asking officer, purpose privacy-toezicht, bound to the exact body. An adapter that fails, refuses or
 * is late is named as unavailable; it never fails the report.
 */

/** Who asks: the officer, in the hub's request (its trace becomes the adapters' parent trace). */
export interface ProcessingLogAsker {
  professional: string;
  organisationId: string;
  roles: readonly string[];
  processingActivityId?: string;
  traceId: string;
  spanId: string;
}

export interface PartnerProcessingAnswers {
  records: { domain: Domain; record: ProcessingLogAnswerRecord }[];
  /** Domains whose adapter could not be asked (down, late, refused, a broken answer). */
  unavailable: Domain[];
  /** Domains whose adapter had more matching records than it hands out in one answer. */
  truncated: Domain[];
}

/** Everything the hub needs to ask the partners; set by the gateway (RequestContext.partnerLogs). */
export interface PartnerLogSources {
  adapters: Record<Domain, AdapterEndpoint>;
  hubKey: HubSigningKey;
}

/**
 * The adapters an officer's report asks: all of them for the hub-wide officer and a wijkteam's officer (the
 * traces in scope are that team's own requests); an organisation that operates a partner domain only its
 * own adapter (another partner's processing is that partner's to supervise).
 */
export function adaptersInScope(scope: OfficerScope): Domain[] {
  if (scope.kind === 'hub') return [...DOMAINS];
  const operated = domainsOperatedBy(scope.organisationId);
  return operated.length > 0 ? operated : [...DOMAINS];
}

export async function askPartnersForProcessing(
  sources: PartnerLogSources,
  domains: readonly Domain[],
  asker: ProcessingLogAsker,
  bsn: string,
  traceIds: readonly string[],
): Promise<PartnerProcessingAnswers> {
  const answers: PartnerProcessingAnswers = { records: [], unavailable: [], truncated: [] };
  if (traceIds.length === 0) return answers;
  const chunks: string[][] = [];
  for (let start = 0; start < traceIds.length; start += MAX_QUERY_TRACE_IDS) chunks.push(traceIds.slice(start, start + MAX_QUERY_TRACE_IDS));
  await Promise.all(
    domains.map(async (domain) => {
      const endpoint = sources.adapters[domain];
      // One deadline per adapter for all its chunks: the report waits at most one time budget.
      const deadline = AbortSignal.timeout(endpoint.timeBudgetMs);
      try {
        const results = await Promise.all(chunks.map((chunk) => askOne(sources.hubKey, domain, endpoint, asker, { bsn, traceIds: chunk }, deadline)));
        for (const result of results) {
          answers.records.push(...result.records.map((record) => ({ domain, record })));
          if (result.truncated && !answers.truncated.includes(domain)) answers.truncated.push(domain);
        }
      } catch (error) {
        logger.warn({ source: domain, traceId: asker.traceId, reason: error instanceof Error ? error.name : 'error' }, 'processing log could not be asked');
        answers.unavailable.push(domain);
      }
    }),
  );
  answers.unavailable.sort((a, b) => DOMAINS.indexOf(a) - DOMAINS.indexOf(b));
  return answers;
}

class BrokenAnswer extends Error {
  override name = 'BrokenAnswer';
}

async function askOne(hubKey: HubSigningKey, domain: Domain, endpoint: AdapterEndpoint, asker: ProcessingLogAsker, query: { bsn: string; traceIds: string[] }, signal: AbortSignal): Promise<ProcessingLogAnswer> {
  const body = Buffer.from(JSON.stringify(query), 'utf8');
  const token = await signUpstreamToken(hubKey, {
    domain,
    professional: asker.professional,
    organisationId: asker.organisationId,
    roles: asker.roles,
    purpose: PROCESSING_LOG_QUERY_PURPOSE,
    fields: [PROCESSING_LOG_QUERY_SCOPE],
    processingActivityId: asker.processingActivityId,
    contentDigest: contentDigest(body),
  });
  // Beside the configured GraphQL endpoint (relative, so a proxy's path prefix is kept); the BSN goes in the body, never the URL.
  const response = await fetch(new URL(`.${PROCESSING_LOG_QUERY_PATH}`, endpoint.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${asker.traceId}-${asker.spanId}-01` },
    body,
    signal,
  });
  if (response.status !== 200) throw new BrokenAnswer(`HTTP ${response.status}`);
  const answer = (await response.json()) as Partial<ProcessingLogAnswer>;
  if (!Array.isArray(answer.records) || typeof answer.truncated !== 'boolean' || !answer.records.every(isAnswerRecord)) throw new BrokenAnswer('shape');
  // An answer about other traces is not an answer to this question: refuse it whole.
  const asked = new Set(query.traceIds);
  if (!answer.records.every((record) => asked.has(record.trace_id))) throw new BrokenAnswer('other traces');
  return answer as ProcessingLogAnswer;
}

function isAnswerRecord(value: unknown): value is ProcessingLogAnswerRecord {
  const record = value as ProcessingLogAnswerRecord;
  return (
    typeof record === 'object' && record !== null &&
    typeof record.trace_id === 'string' && typeof record.end_time === 'string' && !Number.isNaN(Date.parse(record.end_time)) &&
    typeof record.resource?.['service.name'] === 'string' &&
    typeof record.attributes?.['ontschot.organisation'] === 'string' && typeof record.attributes['ontschot.purpose'] === 'string' &&
    Array.isArray(record.attributes['ontschot.fields']) && record.attributes['ontschot.fields'].every((field) => typeof field === 'string')
  );
}
