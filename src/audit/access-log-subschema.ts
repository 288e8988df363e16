import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { AuditRecord } from '../db/generated/client.ts';
import { isValidBsn } from '../domain/bsn.ts';
import type { RequestContext } from '../request/request-context.ts';
import { findAccessRecords, MAX_PAGE_SIZE, type AccessRecordFilter } from './access-record-query.ts';
import { assembleSubjectAccessReport, DEFAULT_REPORT_SOURCES } from './report-assembly.ts';
import type { ProtectedSubject, SubjectKind } from './access-log.ts';
import { missedLookupKey } from './missed-lookup.ts';
import { decideForSubject } from '../request/field-decision.ts';
import { officerScope } from '../supervision/officer-scope.ts';
import { checkAccessLogIntegrity } from './access-log-integrity.ts';

const ACCESS_LOG_SDL = readFileSync(new URL('../../schema/access-log.graphql', import.meta.url), 'utf8');

type AccessLogContext = Pick<RequestContext, 'prisma' | 'protector' | 'policies' | 'accessLog' | 'caller' | 'traceId' | 'spanId' | 'processingActivityId' | 'reportSources' | 'hubKey'>;

interface FilterInput {
  bsn?: string | null;
  professional?: string | null;
  organisationId?: string | null;
  from?: string | null;
  to?: string | null;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * The privacy officer's view of the access log, stitched into the public schema. Who may ask is decided
 * by the field policies (schema/field-policies.yaml, legal basis avg-toezicht), like every other field;
 * what an officer sees of the log by their scope (src/supervision/officer-scope.ts): an organisation's
 * officer only the records of and about that organisation, the hub-wide officer all of them.
 */
export function createAccessLogSubschema() {
  return makeExecutableSchema<AccessLogContext>({
    typeDefs: ACCESS_LOG_SDL,
    resolvers: {
      Query: {
        accessRecords: async (_root, args: { filter?: FilterInput | null; limit: number; offset: number }, ctx) => {
          if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > MAX_PAGE_SIZE) throw badInput(`limit must be between 1 and ${MAX_PAGE_SIZE}`);
          if (!Number.isInteger(args.offset) || args.offset < 0) throw badInput('offset must be 0 or more');
          const filter = args.filter ?? {};
          const page = await findAccessRecords(ctx.prisma, officerScope(ctx.policies, ctx.caller), toFilter(filter, ctx), { limit: args.limit, offset: args.offset });
          const handedOut = page.records.map((record) => ({ kind: record.subjectKind as SubjectKind, subjectKey: record.subjectKey, subjectEncrypted: record.subjectEncrypted }));
          await recordOfficerRead(ctx, 'Query.accessRecords', handedOut, () => missedLookupKey(ctx.protector, 'SEARCH', searchTerms(filter, args)));
          return { ...page, limit: args.limit, offset: args.offset };
        },
        subjectAccessReport: async (_root, { bsn }: { bsn: string }, ctx) => {
          if (!isValidBsn(bsn)) throw badInput('Invalid BSN: it must be 9 digits and pass the elfproef');
          const subjectKey = ctx.protector.lookupKey(bsn);
          const known = await ctx.prisma.person.findUnique({ where: { bsnHash: subjectKey }, select: { id: true } });
          // The report is about this BSN whether or not the registration knows it: one record under its key.
          const subject: ProtectedSubject = { kind: known ? 'PERSON' : 'BSN', subjectKey, subjectEncrypted: ctx.protector.encrypt(bsn) };
          await recordOfficerRead(ctx, 'Query.subjectAccessReport', [subject], () => subject);
          const scope = officerScope(ctx.policies, ctx.caller);
          const { caller } = ctx;
          // The partners are asked on the officer's behalf, under this request's trace (their own log records the read).
          const asker = { professional: caller.subject, organisationId: caller.organisationId, roles: caller.roles, processingActivityId: ctx.processingActivityId, traceId: ctx.traceId, spanId: ctx.spanId };
          return assembleSubjectAccessReport(ctx.prisma, ctx.policies, scope, { bsn, subjectKey }, ctx.reportSources ?? DEFAULT_REPORT_SOURCES, asker);
        },
        // Counts and hashes only: nothing about a data subject, so nothing to record per subject.
        accessLogIntegrity: (_root, _args, ctx) => checkAccessLogIntegrity(ctx.prisma, ctx.hubKey.jwks),
      },
      AccessRecord: {
        startTime: (record: AuditRecord) => record.startTime.toISOString(),
        endTime: (record: AuditRecord) => record.endTime.toISOString(),
        foreignOperation: (record: AuditRecord) => {
          const foreign = record.foreignOperation as { trace_id: string; span_id: string; entity: string } | null;
          return foreign ? { traceId: foreign.trace_id, spanId: foreign.span_id, entity: foreign.entity } : null;
        },
        serviceName: (record: AuditRecord) => (record.resource as Record<string, string>)['service.name'] ?? null,
        serviceVersion: (record: AuditRecord) => (record.resource as Record<string, string>)['service.version'] ?? null,
        // A BSN only where the record is about one (a person, or a BSN that was looked up and not found).
        dataSubjectBsn: (record: AuditRecord, _args, ctx) => (BSN_KINDS.has(record.subjectKind) ? ctx.protector.decrypt(record.subjectEncrypted) : null),
        missedLookupKey: (record: AuditRecord, _args, ctx) => (BSN_KINDS.has(record.subjectKind) ? null : ctx.protector.decrypt(record.subjectEncrypted)),
        fieldBases: (record: AuditRecord) =>
          record.fieldBases ? Object.entries(record.fieldBases as Record<string, string>).map(([field, basis]) => ({ field, basis })) : null,
      },
    },
  });
}

const BSN_KINDS = new Set(['PERSON', 'BSN']);

/**
 * The officer's own reads are processing too (AVG art. 5(2)): one record per data subject whose access
 * records were handed out, under the officer's purpose and its processing activity; a search that found
 * nothing is a record of its own, keyed on the search terms.
 */
async function recordOfficerRead(
  ctx: AccessLogContext,
  coordinate: string,
  subjects: readonly ProtectedSubject[],
  nothingFound: () => ProtectedSubject,
): Promise<void> {
  const decision = await decideForSubject(ctx as RequestContext, coordinate, undefined);
  const released = decision.allowed ? { coordinate, basis: decision.basis } : undefined;
  if (subjects.length === 0) ctx.accessLog.recordKeyed(nothingFound(), coordinate);
  for (const subject of subjects) ctx.accessLog.recordKeyed(subject, coordinate, released);
}

/** The search as one string, for the keyed hash of a search that found nothing (the BSN only encrypted). */
function searchTerms(filter: FilterInput, page: { limit: number; offset: number }): string {
  const terms = [
    ['bsn', filter.bsn], ['professional', filter.professional], ['organisationId', filter.organisationId],
    ['from', filter.from], ['to', filter.to], ['limit', page.limit], ['offset', page.offset],
  ];
  return terms.filter(([, value]) => value != null).map(([name, value]) => `${name}=${value}`).join('&');
}

function toFilter(input: FilterInput, ctx: AccessLogContext): AccessRecordFilter {
  if (input.bsn != null && !isValidBsn(input.bsn)) throw badInput('Invalid BSN: it must be 9 digits and pass the elfproef');
  return {
    subjectKey: input.bsn != null ? ctx.protector.lookupKey(input.bsn) : undefined,
    professional: input.professional ?? undefined,
    organisationId: input.organisationId ?? undefined,
    from: input.from != null ? toDate(input.from, 'from') : undefined,
    to: input.to != null ? toDate(input.to, 'to') : undefined,
  };
}

function toDate(value: string, name: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw badInput(`${name} must be an ISO 8601 date-time, such as 2026-11-23T12:00:00Z`);
  return date;
}
