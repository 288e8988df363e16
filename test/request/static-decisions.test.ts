import { describe, expect, it } from 'vitest';
import { type ConsentLookup, decideField } from '../../src/policy/decide.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { NOT_ABOUT_A_HOUSEHOLD, type Standing } from '../../src/policy/need-to-know.ts';
import { staticDecision } from '../../src/request/static-decisions.ts';
import type { Caller } from '../../src/auth/caller.ts';
import type { ConsentRecord } from '../../src/consent/consent-record.ts';

/**
 * A decision made once per kind of caller must be the decision for every subject: whatever the person's
 * consents and wherever the caller stands with the household. Checked for every field of the policy file
 * and every role × purpose × organisation, against the per-subject decision (decideField) in each world.
 */
const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const now = new Date();

const organisations = ['wijkteam-oost', 'schuldhulp-gemeente'];
const callers: Caller[] = [...policies.roles.keys()].flatMap((role) =>
  [...policies.purposes.keys()].flatMap((purpose) => organisations.map((organisationId) => ({ subject: 'p', organisationId, roles: [role], purpose }))));

function activeConsents(caller: Caller): ConsentRecord[] {
  return [...policies.categories.keys()].map((category, index) => ({
    id: `c-${index}`, subjectKey: 'k', category, granteeOrganisationId: caller.organisationId, purpose: caller.purpose,
    validFrom: new Date('2026-01-01'), validUntil: null, withdrawnAt: null, confirmedAt: new Date('2026-01-01'),
  }));
}

const standings: (Standing | typeof NOT_ABOUT_A_HOUSEHOLD)[] = [
  NOT_ABOUT_A_HOUSEHOLD, { involved: true }, { involved: false }, { involved: false, breakGlassGrantId: 'g-1' }, { involved: true, breakGlassGrantId: 'g-1' },
];

describe('decisions made once per kind of caller', () => {
  it('are the per-subject decision in every world, for every field and caller', () => {
    let decidedOnce = 0;
    let perSubject = 0;
    for (const caller of callers) {
      const consentWorlds: ConsentLookup[] = [[], 'unavailable', activeConsents(caller)];
      for (const [coordinate, policy] of policies.fields) {
        const decision = staticDecision(policies, caller, coordinate);
        if (!decision) {
          perSubject += 1;
          continue;
        }
        decidedOnce += 1;
        for (const standing of standings) {
          for (const consents of consentWorlds) {
            expect(decideField(policies, policy, caller, consents, now, standing), `${coordinate} for ${caller.roles[0]}/${caller.purpose}/${caller.organisationId}`).toEqual(decision);
          }
        }
      }
    }
    // Both kinds occur: most fields are decided once, the consent and involvement fields per subject.
    expect(decidedOnce).toBeGreaterThan(perSubject);
    expect(perSubject).toBeGreaterThan(0);
  });

  it('are kept apart per organisation, roles and purpose', () => {
    // A wijkcoach working for another purpose: GGZ care is withheld whatever the consents (PURPOSE_MISMATCH).
    const oost: Caller = { subject: 'a', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'vroegsignalering-schulden' };
    const west: Caller = { ...oost, organisationId: 'wijkteam-west' };
    // Withheld for both, but what would make it visible names each one's own organisation.
    const forOost = staticDecision(policies, oost, 'Person.care');
    const forWest = staticDecision(policies, west, 'Person.care');
    expect(forOost?.allowed).toBe(false);
    expect(forOost).not.toEqual(forWest);
    expect(JSON.stringify(forWest)).toContain('wijkteam-west');
    expect(JSON.stringify(forWest)).not.toContain('wijkteam-oost');
  });

  it('deny a field without a policy', () => {
    const caller = callers[0];
    expect(staticDecision(policies, caller, 'Person.noSuchField')).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
  });
});
