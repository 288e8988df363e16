import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { Prisma } from '../db/generated/client.ts';
import type { SqlRunner } from '../db/migrate.ts';
import { logger } from '../observability/logger.ts';
import { decideForSubject } from '../request/field-decision.ts';
import type { RequestContext } from '../request/request-context.ts';
import { AccessLog, type ProtectedSubject, type Subject } from './access-log.ts';
import type { AuditChain } from './audit-chain.ts';
import { buildLdvRecords } from './audit-writer.ts';
import type { ForeignOperation, LdvRecord } from './record-hash.ts';

/** What the access-log plugin hands a request for changes that must be logged in their own transaction. */
export interface AuditScope {
  chain: AuditChain;
  startTime: Date;
  foreignOperation: ForeignOperation | null;
}

export interface AuditedAccess {
  /** The root field, e.g. `Mutation.withdrawConsent`: its policy decision is the record's basis. */
  coordinate: string;
  /**
   * Whose data the change is about: a person of the case registration, a household (a record for each
   * member), or, when the registration no longer knows them (a consent outlives its person), the subject
   * as the consent row protects it. Never nobody.
   */
  subject: { personId: string } | { householdId: string } | { protectedSubject: ProtectedSubject };
  /** The operation name (or type) for the record's LDV `name`. */
  operationName: string;
  /** The break-the-glass grant the change was made under, if any: the record names it. */
  breakGlassGrantId?: string;
}

/** Prisma's bounds for the transaction: it holds the access-log chain, so it must stay short. */
const TRANSACTION_LIMITS = { maxWait: 2_000, timeout: 5_000 };
/**
 * Each statement's bound inside the transaction. Prisma's timeout does not interrupt a statement that is
 * waiting (on a lock held by a maintenance job, say); PostgreSQL's statement_timeout does, so a stuck
 * access log answers AUDIT_UNAVAILABLE within this budget instead of hanging the request.
 */
const STATEMENT_TIMEOUT = '2s';

/** The LDV `name` of a change's record: the operation's name, or its type for an anonymous operation. */
export function operationNameOf(info: GraphQLResolveInfo): string {
  return info.operation.name?.value ?? info.operation.operation;
}

export function auditUnavailable(): GraphQLError {
  return new GraphQLError('The access log cannot be written; nothing was changed', { extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 } } });
}

/**
 * Makes a change (`change`, on the transaction client) and writes its access record in ONE database
 * transaction: either both are stored or neither is. Any failure other than the change's own
 * GraphQLError (bad input found inside the transaction) is AUDIT_UNAVAILABLE (503): nothing changed.
 * The record is written here, not by the end-of-request plugin, so it is not in the request's AccessLog.
 */
export async function changeWithAccessRecord<T>(context: RequestContext, access: AuditedAccess, change: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  const scope = context.auditScope;
  if (!scope) throw auditUnavailable(); // a gateway without access log may not change anything
  try {
    // Built before the transaction: it reads people through the request's loaders, outside the
    // transaction, which on PGlite (one session) could not run while the transaction is open.
    const records = await recordsFor(context, scope, access);
    return await scope.chain.inTransaction((append) =>
      context.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'`);
        const result = await change(tx);
        await append(transactionRunner(tx), records);
        return result;
      }, TRANSACTION_LIMITS),
    );
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    logger.error({ traceId: context.traceId, errorName: (error as Error)?.name }, 'change and access record not written; change rolled back');
    throw auditUnavailable();
  }
}

async function recordsFor(context: RequestContext, scope: AuditScope, access: AuditedAccess): Promise<LdvRecord[]> {
  const accessLog = new AccessLog();
  if ('personId' in access.subject || 'householdId' in access.subject) {
    const subject: Subject = 'personId' in access.subject ? { kind: 'person', id: access.subject.personId } : { kind: 'household', id: access.subject.householdId };
    // The root's own decision (who may make this change), recorded as what was released about the subject.
    accessLog.record(subject, await decideForSubject(context, access.coordinate, undefined));
    if (access.breakGlassGrantId) accessLog.recordLookup(subject, access.coordinate, access.breakGlassGrantId);
  } else {
    const decision = await decideForSubject(context, access.coordinate, undefined);
    accessLog.recordKeyed(access.subject.protectedSubject, access.coordinate, decision.allowed ? { coordinate: access.coordinate, basis: decision.basis } : undefined);
  }
  return buildLdvRecords({
    ...context,
    foreignOperation: scope.foreignOperation,
    name: access.operationName,
    statusCode: 'OK',
    startTime: scope.startTime,
    endTime: new Date(),
    accessLog,
  });
}

/** Raw SQL on Prisma's transaction connection, so the access-log INSERT is part of the transaction. */
function transactionRunner(tx: Prisma.TransactionClient): SqlRunner {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await tx.$queryRawUnsafe(sql, ...params)) as T[];
    },
    async exec(sql: string) {
      await tx.$executeRawUnsafe(sql);
    },
  };
}
