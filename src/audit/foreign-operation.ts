import type { ForeignOperation } from './record-hash.ts';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** The LDV entity URI of a calling organisation. */
export function organisationEntity(organisationId: string): string {
  return `urn:ontschot:organisatie:${encodeURIComponent(organisationId)}`;
}

/**
 * LDV `foreign_operation`: the calling party's trace and span from an incoming W3C traceparent, and the
 * calling organisation (from the verified token) as entity. Null when the request carried no valid
 * traceparent or the gateway started its own trace (`traceId` differs).
 */
export function foreignOperationFrom(traceparent: string | undefined | null, traceId: string, organisationId: string): ForeignOperation | null {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!match || match[1] !== traceId || /^0+$/.test(match[2])) return null;
  return { trace_id: match[1], span_id: match[2], entity: organisationEntity(organisationId) };
}
