import type { GraphQLSchema } from 'graphql';
import { parseDocument } from 'yaml';
import { parsePolicies, PolicyFileError } from '../policy/policy-file.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { PolicySource } from '../policy/policy-source.ts';
import { publicSchemaForPolicyCheck } from '../hub/start-hub.ts';

/** A policy version that cannot be reported on or compared; the message says why, in words for an officer. */
export class PolicyInputError extends Error {
  override name = 'PolicyInputError';
}

let schema: GraphQLSchema | undefined;

/** The public schema the policy is checked against, built once per process (it is the same for every version). */
function currentPublicSchema(): GraphQLSchema {
  return (schema ??= publicSchemaForPolicyCheck());
}

/** One version of the policy, parsed and checked exactly as the hub does at start-up, against the current public schema. */
export function parsePolicySource(source: PolicySource): PolicySet {
  try {
    return parsePolicies(source.text, source.label, currentPublicSchema());
  } catch (error) {
    throw asInputError(source, error);
  }
}

/** A version to compare, as it fits the current public schema. */
export interface ComparablePolicy {
  policies: PolicySet;
  /** Fields of the current schema this version has no policy for: denied under it (a field without a policy is). */
  absentFields: ReadonlySet<string>;
  /** Fields and types this version names that the current schema no longer has: left out of the comparison. */
  droppedFields: readonly string[];
}

const ABSENT = /no policy for '([^']+)'/;
const DROPPED = /unknown (?:field '([^']+)': not in the public schema|type '([^']+)': not an object type)/;

/**
 * One version to compare with another. An older version written for an earlier public schema lacks the
 * fields added since (the usual merge request adds a field and its policy) or names fields since removed:
 * those differences alone are taken as the hub takes them (no policy: denied; not in the schema: gone),
 * and said; any other problem is refused as for the report.
 */
export function parsePolicyForComparison(source: PolicySource): ComparablePolicy {
  try {
    return { policies: parsePolicies(source.text, source.label, currentPublicSchema()), absentFields: new Set(), droppedFields: [] };
  } catch (error) {
    if (!(error instanceof PolicyFileError) || !error.problems.every((problem) => ABSENT.test(problem) || DROPPED.test(problem))) throw asInputError(source, error);
    const absent = error.problems.flatMap((problem) => ABSENT.exec(problem)?.[1] ?? []);
    const dropped = error.problems.flatMap((problem) => { const match = DROPPED.exec(problem); return match ? [match[1] ?? match[2]] : []; });
    const document = parseDocument(source.text);
    for (const name of dropped) document.deleteIn(['fields', ...name.split('.')]);
    // Denied for everyone: what the hub does with a field that has no policy.
    for (const coordinate of absent) document.setIn(['fields', ...coordinate.split('.')], document.createNode({ basis: 'none', roles: [] }, { flow: true }));
    try {
      return { policies: parsePolicies(document.toString(), source.label, currentPublicSchema()), absentFields: new Set(absent), droppedFields: dropped };
    } catch {
      throw asInputError(source, error);
    }
  }
}

function asInputError(source: PolicySource, error: unknown): Error {
  if (!(error instanceof PolicyFileError)) return error as Error;
  const schemaMismatch = error.problems.some((problem) => ABSENT.test(problem) || DROPPED.test(problem));
  const hint = schemaMismatch
    ? `${source.label} does not fit the current public schema: it names fields the schema no longer has, or lacks fields it has now.`
    : `${source.label} is not a valid policy file.`;
  return new PolicyInputError(`${hint}\n${error.problems.map((problem) => `  ${problem}`).join('\n')}`);
}
