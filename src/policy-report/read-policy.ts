import type { GraphQLSchema } from 'graphql';
import { parsePolicies, PolicyFileError } from '../policy/policy-file.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { PolicySource } from '../policy/policy-source.ts';
import { publicSchemaForPolicyCheck } from '../hub/start-hub.ts';

/** A policy version that cannot be compared or reported on; the message says why, in words for an officer. */
export class PolicyInputError extends Error {
  override name = 'PolicyInputError';
}

let schema: GraphQLSchema | undefined;

/** The public schema the policy is checked against, built once per process (it is the same for every version). */
function currentPublicSchema(): GraphQLSchema {
  return (schema ??= publicSchemaForPolicyCheck());
}

/**
 * One version of the policy, parsed and checked exactly as the hub does at start-up, against the
 * current public schema. An older version written for another schema says so, naming the fields.
 */
export function parsePolicySource(source: PolicySource): PolicySet {
  try {
    return parsePolicies(source.text, source.label, currentPublicSchema());
  } catch (error) {
    if (!(error instanceof PolicyFileError)) throw error;
    const schemaMismatch = error.problems.filter((problem) => /unknown (field|type) '|no policy for '/.test(problem));
    const hint = schemaMismatch.length > 0
      ? `${source.label} was written for another version of the public schema: it names fields the current schema no longer has, or lacks fields it has now. Compare versions written for the same schema.`
      : `${source.label} is not a valid policy file.`;
    throw new PolicyInputError(`${hint}\n${error.problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}
