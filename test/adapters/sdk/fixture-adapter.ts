import { loadDomainSdl } from '../../../src/domain/partner-domains.ts';
import { defineAdapter, type AdapterCallContext } from '../../../src/adapters/sdk/index.ts';

/**
 * A partner for SDK tests: the housing contract over an in-memory table, recording each batch call.
 * `behaviour` lets a test make the partner slow or failing.
 */
export const KNOWN: Record<string, { rentArrearsMonths: number; evictionStatus: string }> = {
  '999906318': { rentArrearsMonths: 3, evictionStatus: 'SUMMONED' },
  '999918369': { rentArrearsMonths: 5, evictionStatus: 'EVICTION_SCHEDULED' },
};
export const UNKNOWN = ['999915460', '999975201'];

export interface FixturePartner {
  calls: { bsns: string[]; fields: readonly string[]; call: AdapterCallContext }[];
  behaviour: (call: AdapterCallContext) => Promise<void>;
}

export function fixtureAdapter(partner: FixturePartner) {
  return defineAdapter({
    name: 'fixture-adapter',
    domain: 'housing',
    contractSdl: loadDomainSdl('housing'),
    personField: 'housing',
    async fetch(bsns, fields, call) {
      partner.calls.push({ bsns, fields, call });
      await partner.behaviour(call);
      return new Map(bsns.filter((bsn) => Object.hasOwn(KNOWN, bsn)).map((bsn) => [bsn, KNOWN[bsn]]));
    },
  });
}

export function newFixturePartner(): FixturePartner {
  return { calls: [], behaviour: async () => undefined };
}
