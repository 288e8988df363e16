import type { GraphQLSchema } from 'graphql';
import { createExplainAccessSubschema } from './explain-access.ts';
import { createConsentSubschema } from '../consent/consent-subschema.ts';
import { createAccessLogSubschema } from '../audit/access-log-subschema.ts';
import { createBreakGlassSubschema } from '../break-glass/break-glass-subschema.ts';
import { createPolicyReportSubschema } from '../policy-report/policy-report-subschema.ts';

/**
 * The hub's own GraphQL subschemas besides the case registration (src/households/hub-subschema.ts),
 * each served from the hub database: one entry per concern (consent lifecycle, access log, ...). They are
 * stitched into the public schema next to the adapters; their resolvers get the gateway's RequestContext.
 */
export const LOCAL_SUBSCHEMAS: readonly (() => GraphQLSchema)[] = [
  createExplainAccessSubschema,
  createConsentSubschema,
  createAccessLogSubschema,
  createBreakGlassSubschema,
  createPolicyReportSubschema,
];
