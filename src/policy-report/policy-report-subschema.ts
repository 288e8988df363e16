import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { PolicySet } from '../policy/policy-types.ts';
import type { RequestContext } from '../request/request-context.ts';
import { badUserInput } from '../request/user-input.ts';
import { requireRole, rolesOfPolicy } from '../break-glass/break-glass-roles.ts';
import { type Block, type DocumentFormat, render } from './document.ts';
import { type ComparedVersion, diffPolicies, policyDiffBlocks } from './policy-diff.ts';
import { comparedVersion } from './compared-version.ts';
import { policyReportBlocks } from './policy-report.ts';
import { findPolicyVersion, listPolicyVersions, type PolicyVersionRow, runningPolicySha256 } from './policy-versions.ts';
import { PolicyInputError } from './read-policy.ts';
import { buildVisibilityModel } from './visibility.ts';

const SDL = readFileSync(new URL('../../schema/policy-report.graphql', import.meta.url), 'utf8');

/** The longest id accepted: ids are UUIDs; anything longer is refused before the database is asked. */
const MAX_ID_LENGTH = 64;

/**
 * The policy report, the versions and the diff as a local subschema (registered in
 * src/gateway/local-subschemas.ts). Who may ask is the field policy's (officers, for supervision); the
 * resolvers check the role again, so a policy entry loosened by mistake does not open them to everyone.
 * They hold no personal data, so they write no access record.
 */
export function createPolicyReportSubschema() {
  return makeExecutableSchema<RequestContext>({
    typeDefs: SDL,
    resolvers: {
      Query: {
        policyReport: (_root, { format }: { format: DocumentFormat }, ctx) => {
          requireRole(ctx.caller, rolesOfPolicy(ctx.policies, 'Query.policyReport'), 'Query.policyReport');
          return { format, body: render(reportOf(ctx.policies), format) };
        },
        policyVersions: async (_root, _args, ctx) => {
          requireRole(ctx.caller, rolesOfPolicy(ctx.policies, 'Query.policyVersions'), 'Query.policyVersions');
          const running = runningPolicySha256(ctx.policies);
          return (await listPolicyVersions(ctx.prisma)).map((row) => ({
            id: row.id,
            sha256: row.sha256,
            firstRunAt: row.firstRunAt.toISOString(),
            lastRunAt: row.lastRunAt.toISOString(),
            current: row.sha256 === running,
          }));
        },
        policyDiff: async (_root, args: { from: string; to: string; format: DocumentFormat }, ctx) => {
          requireRole(ctx.caller, rolesOfPolicy(ctx.policies, 'Query.policyDiff'), 'Query.policyDiff');
          const before = await versionNamed(ctx, 'from', args.from);
          const after = await versionNamed(ctx, 'to', args.to);
          const diff = diffPolicies(compare('from', before), compare('to', after));
          return { widens: diff.widens, format: args.format, body: render(policyDiffBlocks(diff, versionLabel(before), versionLabel(after)), args.format) };
        },
      },
    },
  });
}

/** The report of a policy set, worked out once per set: the policy does not change while the hub runs. */
const reports = new WeakMap<PolicySet, Block[]>();

function reportOf(policies: PolicySet): Block[] {
  let blocks = reports.get(policies);
  if (!blocks) {
    const sha = runningPolicySha256(policies);
    blocks = policyReportBlocks(buildVisibilityModel(policies), sha ? `the policy this hub runs with (sha256 ${sha.slice(0, 12)})` : 'the policy this hub runs with');
    reports.set(policies, blocks);
  }
  return blocks;
}

async function versionNamed(ctx: RequestContext, argument: 'from' | 'to', id: string): Promise<PolicyVersionRow> {
  const row = id.length <= MAX_ID_LENGTH ? await findPolicyVersion(ctx.prisma, id) : null;
  if (!row) throw badUserInput(argument, 'no policy version with this id (see policyVersions)');
  return row;
}

/** A recorded version that cannot be compared (invalid beyond fitting another schema) is the caller's bad choice of id. */
function compare(argument: 'from' | 'to', row: PolicyVersionRow): ComparedVersion {
  try {
    return comparedVersion({ label: versionLabel(row), text: row.text });
  } catch (error) {
    if (error instanceof PolicyInputError) throw badUserInput(argument, error.message);
    throw error;
  }
}

function versionLabel(row: PolicyVersionRow): string {
  return `version of ${row.firstRunAt.toISOString().slice(0, 16).replace('T', ' ')} (sha256 ${row.sha256.slice(0, 12)})`;
}
