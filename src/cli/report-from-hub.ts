/**
 * The subject access report asked of a running hub through its public GraphQL endpoint, as a privacy
 * officer: `Query.subjectAccessReport` (BSN as a variable in the POST body, never in a URL). Going through
 * GraphQL means the hub authorises and logs the read like any officer's read. Without --token it asks as
 * the municipality's (hub-wide) officer; an organisation's officer's token gives that organisation's share.
 */
import type { GatewayConfig } from '../config/env.ts';
import { loadDemoIssuer } from '../auth/demo-issuer.ts';
import type { SubjectAccessReport } from '../audit/subject-access-report.ts';
import type { RunningHubOwner } from './audit-cli.ts';
import { DEMO_PROFILES } from './demo-tokens.ts';

const REPORT_QUERY = `query SubjectAccessReportCli($bsn: String!) {
  subjectAccessReport(bsn: $bsn) {
    title generatedAt periodFrom periodTo periodDescription accessCount summary
    officerContact { name email phone postalAddress url }
    accesses {
      when organisationId organisation roles roleDescriptions purpose purposeDescription categories withheldCategories
      bases { kind consentId name description }
      text traceId recordId
    }
    partnerProcessing { when organisation service purposeDescription categories traceId text }
    partnersUnavailable
  }
}`;

export async function reportFromRunningHub(hub: RunningHubOwner, config: GatewayConfig, bsn: string, token?: string): Promise<SubjectAccessReport> {
  const bearer = token ?? (await demoOfficerToken(hub, config));
  let response: Response;
  try {
    response = await fetch(hub.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query: REPORT_QUERY, variables: { bsn }, operationName: 'SubjectAccessReportCli' }),
      signal: AbortSignal.timeout(120_000),
    });
  } catch {
    throw new Error(`the running hub (pid ${hub.pid}) did not answer at ${hub.graphqlUrl}`);
  }
  const body = (await response.json().catch(() => ({}))) as { data?: { subjectAccessReport?: SubjectAccessReport | null }; errors?: { message: string; extensions?: { code?: string } }[] };
  const report = body.data?.subjectAccessReport;
  if (!report || body.errors?.length) {
    const first = body.errors?.[0];
    throw new Error(`the running hub refused the report: ${first ? `${first.extensions?.code ?? 'ERROR'}: ${first.message}` : `HTTP ${response.status}`}`);
  }
  return report;
}

async function demoOfficerToken(hub: RunningHubOwner, config: GatewayConfig): Promise<string> {
  if (!hub.demoIssuer) throw new Error('the running hub uses an external identity provider: give --token <a hub-privacy-officer token>');
  // The municipality's officer: the report covers the whole hub, not one organisation's share of it.
  const profile = DEMO_PROFILES['hub-privacy-officer'];
  const issuer = await loadDemoIssuer(config.dataDir, config.auth.issuer, config.auth.audience);
  return issuer.issueToken({ subject: profile.subject, organisationId: profile.organisationId, roles: ['hub-privacy-officer'], purpose: profile.purpose }, 300);
}
