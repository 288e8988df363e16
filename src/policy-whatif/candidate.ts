import type { GraphQLSchema } from 'graphql';
import { parsePolicies, PolicyFileError } from '../policy/policy-file.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import { WhatIfInputError } from './period.ts';

/** A candidate policy to replay the log against: its text, and how the report names it. */
export interface CandidateText {
  label: string;
  text: string;
}

export const MAX_CANDIDATE_BYTES = 1024 * 1024;

/**
 * The candidate parsed and checked exactly as the hub checks its policy file at start-up, against the
 * current public schema. A candidate the hub would refuse is refused here too, with every problem.
 */
export function parseCandidate(candidate: CandidateText, schema: GraphQLSchema): PolicySet {
  if (Buffer.byteLength(candidate.text) > MAX_CANDIDATE_BYTES) throw new WhatIfInputError(`${candidate.label}: the candidate is larger than ${MAX_CANDIDATE_BYTES} bytes`);
  try {
    return parsePolicies(candidate.text, candidate.label, schema);
  } catch (error) {
    if (error instanceof PolicyFileError) throw new WhatIfInputError(`the candidate policy ${candidate.label} is not valid`, error.problems);
    throw error;
  }
}
