// The policy page's GraphQL, in one place (the server side is the policy engineer's: Query.policyReport,
// policyVersions and policyDiff). A hub without those fields answers GRAPHQL_VALIDATION_FAILED; the
// page then says the report is not available, so no switch is needed once the hub has them.
import { graphql, HubError } from './hub.js';

const REPORT_AND_VERSIONS = `query ConsolePolicyReport {
  policyReport(format: HTML) { format body }
  policyVersions { id sha256 firstRunAt lastRunAt current }
}`;
const DIFF = `query ConsolePolicyDiff($from: ID!, $to: ID!) {
  policyDiff(from: $from, to: $to, format: HTML) { widens format body }
}`;

/** The current report and the versions, or null when this hub has no policy report. */
export async function loadPolicyReport() {
  try {
    return await graphql(REPORT_AND_VERSIONS);
  } catch (error) {
    if (error instanceof HubError && error.code === 'GRAPHQL_VALIDATION_FAILED') return null;
    throw error;
  }
}

export async function loadPolicyDiff(from, to) {
  return (await graphql(DIFF, { from, to })).policyDiff;
}
