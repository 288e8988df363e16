/**
 * The visibility model says what the run-time decision says: named cells of the demo policy, and every
 * cell cross-checked against decideField on situations built here (a property over random role, purpose,
 * field and situation), which a deliberately broken model fails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.ts';
import type { ConsentRecord } from '../../src/consent/consent-record.ts';
import { decideField } from '../../src/policy/decide.ts';
import type { Standing } from '../../src/policy/need-to-know.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { buildVisibilityModel, type Cell, cellKey, SITUATIONS, type Situation, type VisibilityModel } from '../../src/policy-report/visibility.ts';

const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const now = new Date('2026-11-24T12:00:00Z');
const model = buildVisibilityModel(policies, now);
const cell = (role: string, purpose: string, coordinate: string) => model.cells.get(cellKey(role, purpose, coordinate))!;

describe('the visibility model of the demo policy', () => {
  it('shows the GGZ fields to a wijkcoach for wijkteam support only with consent (and involvement), never under break-the-glass', () => {
    for (const coordinate of ['Person.care', 'Care.inCare', 'Care.trajectoryKind', 'Care.responsiblePractitioner', 'Care.crisisPlanPresent']) {
      expect(cell('wijkcoach', 'wijkteam-ondersteuning', coordinate).visibility).toEqual({ kind: 'consent', involvement: true, breakGlass: false });
      expect(cell('wijkcoach', 'wijkteam-ondersteuning', coordinate).visibleIn).toEqual(['involvedWithConsent']);
    }
  });

  it('shows the early arrears signal to the debt worker without involvement, and not the amount', () => {
    expect(cell('schuldhulpverlener', 'vroegsignalering-schulden', 'Housing.rentArrearsTwoMonthsOrMore').visibility).toEqual({ kind: 'always', basis: 'wgs-vroegsignalering' });
    expect(cell('schuldhulpverlener', 'vroegsignalering-schulden', 'Housing.rentArrearsAmount').visibility).toEqual({ kind: 'never', why: 'ROLE_NOT_COVERED' });
    expect(cell('schuldhulpverlener', 'wijkteam-ondersteuning', 'Housing.rentArrearsTwoMonthsOrMore').visibility).toEqual({ kind: 'never', why: 'PURPOSE_NOT_COVERED' });
  });

  it('shows household data to a wijkcoach with involvement or under break-the-glass; other roles have no grant situation', () => {
    expect(cell('wijkcoach', 'wijkteam-ondersteuning', 'Housing.monthlyRent').visibility).toEqual({ kind: 'involvement', basis: 'wmo-wijkteam', breakGlass: true });
    expect(model.breakGlassPurposes.get('wijkcoach')).toEqual(['wijkteam-ondersteuning']);
    expect(model.breakGlassPurposes.get('schuldhulpverlener')).toEqual([]);
    expect(cell('schuldhulpverlener', 'vroegsignalering-schulden', 'Housing.rentArrearsTwoMonthsOrMore').visibleIn).not.toContain('breakGlass');
  });

  it('takes the roles that some organisation kind may hold, and every purpose', () => {
    expect(model.roles).toEqual(['wijkcoach', 'schuldhulpverlener', 'woonconsulent', 'privacy-officer', 'hub-privacy-officer']);
    expect(model.purposes).toEqual([...policies.purposes.keys()]);
    expect(model.cells.size).toBe(model.roles.length * model.purposes.length * policies.fields.size);
  });
});

/** The situations, built here independently of the model: where the caller stands, and whether the person consented. */
function situation(name: Situation, caller: Caller, category: string | undefined): { standing: Standing; consents: ConsentRecord[] } {
  const grant = name.startsWith('breakGlass') ? { breakGlassGrantId: 'grant-1' } : {};
  const involved = name === 'involved' || name === 'involvedWithConsent';
  const consented = name.endsWith('WithConsent') || name === 'consentOnly';
  const consent: ConsentRecord = {
    id: 'consent-1', subjectKey: 'person-1', category: category ?? 'none', granteeOrganisationId: caller.organisationId, purpose: caller.purpose,
    validFrom: new Date('2026-01-01'), validUntil: new Date('2027-01-01'), withdrawnAt: null, confirmedAt: new Date('2026-01-02'),
  };
  return { standing: { involved, ...grant }, consents: consented ? [consent] : [] };
}

/** Whether one cell of a model agrees with the run-time decision in one situation. */
function agrees(subject: VisibilityModel, role: string, purpose: string, coordinate: string, name: Situation): boolean {
  const field = policies.fields.get(coordinate)!;
  const caller: Caller = { subject: 'sanne', organisationId: 'wijkteam-oost', roles: [role], purpose };
  const { standing, consents } = situation(name, caller, field.category);
  const modelled: Cell = subject.cells.get(cellKey(role, purpose, coordinate))!;
  const mayBreakGlass = subject.breakGlassPurposes.get(role)!.includes(purpose);
  if (name.startsWith('breakGlass') && !mayBreakGlass) return !modelled.visibleIn.includes(name);
  const allowed = decideField(policies, field, caller, consents, now, standing).allowed;
  // The summary must say the same as the situations it was made of.
  const kindFits = {
    always: SITUATIONS.every((s) => (!mayBreakGlass && s.startsWith('breakGlass')) || modelled.visibleIn.includes(s)),
    involvement: !modelled.visibleIn.includes('unrelated') && modelled.visibleIn.includes('involved'),
    consent: !modelled.visibleIn.includes('involved') && modelled.visibleIn.includes('involvedWithConsent'),
    never: modelled.visibleIn.length === 0,
  }[modelled.visibility.kind];
  return kindFits && allowed === modelled.visibleIn.includes(name);
}

const cases = fc.record({
  role: fc.constantFrom(...model.roles),
  purpose: fc.constantFrom(...model.purposes),
  coordinate: fc.constantFrom(...policies.fields.keys()),
  situation: fc.constantFrom(...SITUATIONS),
});

describe('every cell of the model, cross-checked against decideField', () => {
  it('agrees with the run-time decision for random role, purpose, field and situation', () => {
    fc.assert(fc.property(cases, (c) => agrees(model, c.role, c.purpose, c.coordinate, c.situation)), { numRuns: 3000 });
  });

  it('catches a broken model that reads the rules instead of asking the decision (role and purpose only, no involvement, no consent)', () => {
    const broken = new Map<string, Cell>();
    for (const [key, real] of model.cells) {
      const field = policies.fields.get(real.coordinate)!;
      const covered = field.bases.some((basis) => {
        const legal = basis.kind === 'legal' ? policies.legalBases.get(basis.name) : undefined;
        const roles = legal?.roles ?? field.roles;
        const purposes = legal?.purposes ?? field.purposes;
        return (!roles || roles.includes(real.role)) && (!purposes || purposes.includes(real.purpose));
      });
      broken.set(key, covered ? { ...real, visibility: { kind: 'always', basis: 'naive' }, visibleIn: [...SITUATIONS] } : real);
    }
    const result = fc.check(fc.property(cases, (c) => agrees({ ...model, cells: broken }, c.role, c.purpose, c.coordinate, c.situation)), { numRuns: 3000 });
    expect(result.failed).toBe(true);
  });
});
