/**
 * The local control endpoint of a hub on PGlite: how the privacy officer's commands `audit:verify` and
 * `audit:purge` work while the hub holds the data folder (PGlite allows one process per folder, so the
 * command asks the hub instead of opening the database itself). `audit:report` goes through GraphQL
 * (`subjectAccessReport`), so that its read is logged like any officer's read.
 *
 * It listens on the loopback interface only, on a free port, and answers only a bearer secret that is
 * new on every start and kept in the folder's owner file (mode 0600): whoever can read it could open the
 * database files anyway. Neither endpoint returns personal data.
 *
 *   POST /audit/verify { externalSeals? }       → the chain verifier's result
 *   POST /audit/purge  {"retentionDays": 1825}  → what was purged
 *   POST /policy/whatif { candidate: { label, text }, period: { from, to } }
 *                                               → the dry run's aggregate report (src/policy-whatif)
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { PrismaClient } from '../db/generated/client.ts';
import type { HubSigningKey } from '../auth/hub-signing-key.ts';
import { verifyAuditChain } from '../audit/chain-verifier.ts';
import { purgeExpiredRecords, retentionCutoff } from '../audit/audit-purge.ts';
import { closeServer, listen, readBody } from '../net/http-server.ts';
import type { GraphQLSchema } from 'graphql';
import { MAX_CANDIDATE_BYTES, parseCandidate } from '../policy-whatif/candidate.ts';
import { periodFromJson, WhatIfInputError } from '../policy-whatif/period.ts';
import { replayAccessLog } from '../policy-whatif/replay.ts';
import { logger } from '../observability/logger.ts';

export interface RunningControlServer {
  url: string;
  secret: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024;
/** A dry run sends a whole candidate policy file (the demo's is 26 kB). */
const MAX_WHATIF_BODY_BYTES = MAX_CANDIDATE_BYTES + 4096;

export interface ControlServerDeps {
  prisma: PrismaClient;
  hubKey: HubSigningKey;
  /** The public schema a candidate policy is checked against, as at start-up. */
  policySchema: () => GraphQLSchema;
}

export async function startControlServer(deps: ControlServerDeps): Promise<RunningControlServer> {
  const secret = randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${secret}`);
  const log = logger.child({ component: 'control' });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      log.warn({ path: req.url }, 'control request refused: wrong or missing secret');
      return send(res, 401, { error: 'UNAUTHENTICATED', message: 'The control secret of this hub is required' });
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'METHOD_NOT_ALLOWED', message: 'Use POST' });
    const body = await readBody(req, req.url === '/policy/whatif' ? MAX_WHATIF_BODY_BYTES : MAX_BODY_BYTES);
    if (body === undefined) return send(res, 413, { error: 'BAD_REQUEST', message: 'Request body too large' });

    if (req.url === '/audit/verify') {
      // The command may send the seals it read outside the database (the seal file), as JWS strings.
      let externalSeals: unknown;
      try {
        externalSeals = (JSON.parse(body || '{}') as { externalSeals?: unknown }).externalSeals ?? [];
      } catch {
        return send(res, 400, { error: 'BAD_REQUEST', message: 'body must be JSON' });
      }
      if (!Array.isArray(externalSeals) || !externalSeals.every((seal) => typeof seal === 'string')) {
        return send(res, 400, { error: 'BAD_REQUEST', message: 'externalSeals must be a list of signed seals' });
      }
      const result = await verifyAuditChain(deps.prisma, deps.hubKey.jwks, { externalSeals });
      log.info({ intact: result.intact, checked: result.checked }, 'access log verified on request of a local command');
      return send(res, 200, result);
    }
    if (req.url === '/audit/purge') {
      let days: unknown;
      try {
        days = (JSON.parse(body || '{}') as { retentionDays?: unknown }).retentionDays;
      } catch {
        return send(res, 400, { error: 'BAD_REQUEST', message: 'body must be JSON' });
      }
      if (!Number.isInteger(days) || (days as number) < 0) return send(res, 400, { error: 'BAD_REQUEST', message: 'retentionDays must be a non-negative integer' });
      const cutoff = retentionCutoff(days as number);
      const result = await purgeExpiredRecords(deps.prisma, deps.hubKey, cutoff);
      log.info({ purged: result.purged, checkpoints: result.checkpoints }, 'access log purged on request of a local command');
      return send(res, 200, { ...result, cutoff: cutoff.toISOString() });
    }
    if (req.url === '/policy/whatif') {
      let request: { candidate?: { label?: unknown; text?: unknown }; period?: unknown };
      try {
        request = JSON.parse(body || '{}') as typeof request;
      } catch {
        return send(res, 400, { error: 'BAD_REQUEST', message: 'body must be JSON' });
      }
      const { label, text } = request.candidate ?? {};
      if (typeof label !== 'string' || typeof text !== 'string') return send(res, 400, { error: 'BAD_REQUEST', message: 'candidate must be { label, text }' });
      try {
        const candidate = parseCandidate({ label, text }, deps.policySchema());
        const period = periodFromJson(request.period);
        // No transaction: PGlite has one session, and a long one would stall the gateway; the replay only reads.
        const report = await replayAccessLog(deps.prisma, candidate, label, period);
        log.info({ recordsReplayed: report.recordsReplayed }, 'policy dry run on request of a local command');
        return send(res, 200, report);
      } catch (error) {
        if (error instanceof WhatIfInputError) return send(res, 400, { error: 'BAD_REQUEST', message: error.message, problems: error.problems });
        throw error;
      }
    }
    return send(res, 404, { error: 'NOT_FOUND', message: 'Unknown control endpoint' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ errorName: error instanceof Error ? error.name : typeof error }, 'control request failed');
      if (!res.headersSent) send(res, 500, { error: 'INTERNAL', message: 'The hub could not do this; see its log' });
    });
  });
  const url = await listen(server, '127.0.0.1', 0);
  return { url, secret, close: () => closeServer(server) };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
