import { randomBytes } from 'node:crypto';
import type DataLoader from 'dataloader';
import type { PrismaClient } from '../db/generated/client.ts';
import type { Caller } from '../auth/caller.ts';
import type { SubjectProtector } from '../crypto/subject-protection.ts';
import { createHouseholdLoaders, type HouseholdLoaders } from '../households/household-loaders.ts';
import { type ConsentLoader, createConsentLoader } from '../consent/consent-loader.ts';
import { AccessLog } from '../audit/access-log.ts';
import type { HubSigningKey } from '../auth/hub-signing-key.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { AuditScope } from '../audit/audited-change.ts';
import type { Standing } from '../policy/need-to-know.ts';
import { createStandingLoader } from '../involvement/standing-loader.ts';
import type { ReportSources } from '../audit/report-assembly.ts';
import type { SqlRunner } from '../db/migrate.ts';
import { callerDecisions, type CallerDecisions } from './static-decisions.ts';
import { RequestDecisions, type SubjectFacts } from './field-decision.ts';

/**
 * An object's data subject (as this request's facts about it, which name it); or accounted for by the
 * root field that returned it; or not known (fail closed).
 */
export const ACCOUNTED_BY_ROOT = 'accounted-by-root';
export const UNKNOWN = 'unknown';
export type Owner = SubjectFacts | typeof ACCOUNTED_BY_ROOT | typeof UNKNOWN;

/** Everything one GraphQL request carries through the gateway and its local subschema. */
export interface RequestContext {
  caller: Caller;
  traceId: string;
  /** This request's span in the gateway (8 bytes, hex): the parent of every upstream adapter call. */
  spanId: string;
  /** URI of the processing activity (register entry for the caller's purpose), set by the access log. */
  processingActivityId?: string;
  prisma: PrismaClient;
  protector: SubjectProtector;
  policies: PolicySet;
  hubKey: HubSigningKey;
  households: HouseholdLoaders;
  /** Consent records per person's look-up key; those the standing statement brought along are at hand at once (`primed`). */
  consents: ConsentLoader;
  /** Where the caller stands with a household (involvement, break-the-glass), per household id. */
  standing: DataLoader<string, Standing>;
  accessLog: AccessLog;
  /** The caller's decisions that no subject can change, shared with requests of the same kind of caller. */
  callerDecisions: CallerDecisions;
  /** What this request read about its subjects for its decisions, and the decisions they share (src/request/field-decision.ts). */
  decisions: RequestDecisions;
  /** Whose data an object in the result is (objects below Person and Household, and below root fields). */
  subjects: WeakMap<object, Owner>;
  /** Set by the access-log plugin: lets a mutation write its record in its own transaction (src/audit/audited-change.ts). */
  auditScope?: AuditScope;
  /** The adapters, officers' contacts and retention a subject access report needs (src/audit/report-assembly.ts). */
  reportSources?: ReportSources;
}

export interface RequestContextDependencies {
  prisma: PrismaClient;
  /** The same database without Prisma: the standing's one statement per request (src/involvement/standing-loader.ts). */
  sql: SqlRunner;
  protector: SubjectProtector;
  policies: PolicySet;
  hubKey: HubSigningKey;
  reportSources?: ReportSources;
}

export function createRequestContext(deps: RequestContextDependencies, caller: Caller, traceparent?: string): RequestContext {
  const consents = createConsentLoader(deps.prisma);
  const decisionsOfCaller = callerDecisions(deps.policies, caller);
  return {
    reportSources: deps.reportSources,
    caller,
    traceId: traceIdFrom(traceparent),
    spanId: randomBytes(8).toString('hex'),
    prisma: deps.prisma,
    protector: deps.protector,
    policies: deps.policies,
    hubKey: deps.hubKey,
    households: createHouseholdLoaders(deps.prisma),
    consents,
    // The standing's statement can bring the consents along (src/involvement/standing-loader.ts).
    standing: createStandingLoader(deps.sql, caller, undefined, consents),
    accessLog: new AccessLog(),
    callerDecisions: decisionsOfCaller,
    decisions: new RequestDecisions(decisionsOfCaller),
    subjects: new WeakMap(),
  };
}

/** The trace id of an incoming W3C `traceparent` header, or a new random one (16 bytes, hex). */
export function traceIdFrom(traceparent: string | undefined): string {
  const match = traceparent ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(traceparent.trim()) : null;
  if (match && !/^0+$/.test(match[1]) && !/^0+$/.test(match[2])) return match[1];
  return randomBytes(16).toString('hex');
}
