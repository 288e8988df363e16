/**
 * The world a no-leak property case runs in: who calls (a professional of some organisation, with a role
 * the register allows for its kind, or now and then one it does not), and what the hub's tables say about
 * the demo households at that moment: involvements (active, ended, starting later, for the caller's
 * organisation and purpose or another's), break-the-glass grants (the caller's, a colleague's, for another
 * purpose or organisation; active, expired, not yet valid) and consents (confirmed or still pending).
 *
 * A world is generated relative to the caller and to "now" and made concrete only when the case runs, so
 * the same seed gives the same world whenever it runs. It is written straight into the tables with Prisma,
 * not through the hub's mutations, so the property does not depend on them. The oracle
 * (test/support/policy-oracle.ts) reads the same concrete world.
 */
import fc from 'fast-check';
import type { PrismaClient } from '../../src/db/generated/client.ts';
import { allDemoPeople, DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { ORGANISATIONS } from '../../src/domain/organisations.ts';
import type { OracleCaller, OracleConsent, OracleGrant, OracleHousehold, OracleInvolvement, PolicyOracle } from './policy-oracle.ts';

const PEOPLE = allDemoPeople();
const MINUTE = 60_000;
const DAY = 86_400_000;

/** The organisations whose professionals call in most cases (the others only hold officer roles). */
export const PROFESSIONAL_ORGANISATIONS = ['wijkteam-oost', 'wijkteam-west', 'woonstichting-de-linde', 'schuldhulp-gemeente'] as const;
const ORGANISATION_IDS = ORGANISATIONS.map((organisation) => organisation.id);
const HOUSEHOLD_IDS = DEMO_HOUSEHOLDS.map((household) => household.id);
/** The demo people in GGZ care (indexes into the demo people): most consents in a world are theirs. */
export const GGZ_CLIENTS = PEOPLE.flatMap((person, index) => (person.care ? [index] : []));

/** The purpose a professional of each role usually works for (the demo profiles'); others are tried too. */
const USUAL_PURPOSE: Record<string, string> = {
  wijkcoach: 'wijkteam-ondersteuning',
  schuldhulpverlener: 'vroegsignalering-schulden',
  woonconsulent: 'vroegsignalering-schulden',
  'privacy-officer': 'privacy-toezicht',
  'hub-privacy-officer': 'privacy-toezicht',
};

export interface PropertyCaller extends OracleCaller {
  /** The register's organisation kind does not allow this role (policy: organisationKinds). */
  forbiddenPair: boolean;
}

type Relative = 'caller' | string;
export type InvolvementState = 'active' | 'since-today' | 'ending-later' | 'ended' | 'ended-just-now' | 'starts-tomorrow' | 'future';
export type GrantState = 'active' | 'expired' | 'expired-just-now' | 'not-yet';
export type ConsentState = 'active' | 'withdrawn' | 'expired' | 'future';

export interface WorldInvolvement {
  householdId: string;
  organisation: Relative;
  purpose: Relative;
  /** A state relative to now, or fixed dates (the demo population's). */
  state: InvolvementState | { since: string; endsAt?: string };
}

export interface WorldGrant {
  householdId: string;
  /** Whose grant: the caller's own, a colleague's (another sub), or the caller's for another purpose or organisation. */
  holder: 'caller' | 'colleague' | 'other-purpose' | 'other-organisation';
  state: GrantState;
}

export interface WorldConsent {
  /** Index into the demo people. */
  person: number;
  category: string;
  grantee: Relative;
  purpose: Relative;
  state: ConsentState;
  /** False: recorded, waiting for the second professional (four eyes): never active. */
  confirmed: boolean;
}

export interface World {
  involvements: WorldInvolvement[];
  grants: WorldGrant[];
  consents: WorldConsent[];
}

/** A world made concrete for one run: rows for the tables, and the oracle's view of the same rows. */
export interface ConcreteWorld {
  involvements: (OracleInvolvement & { householdId: string })[];
  grants: (OracleGrant & { householdId: string; roles: string[] })[];
  /** `id`: the row's id in the hub's table (so the property can tell which consents a list shows). */
  consents: { person: number; id: string; consent: OracleConsent }[];
  /** What the oracle needs to know about a household (its involvements and grants). */
  household(householdId: string): OracleHousehold;
  /** The consents of a demo person, by id. */
  consentsOf(personId: string): OracleConsent[];
}

export function callerArbitrary(oracle: PolicyOracle): fc.Arbitrary<PropertyCaller> {
  const others = ORGANISATION_IDS.filter((id) => !(PROFESSIONAL_ORGANISATIONS as readonly string[]).includes(id));
  return fc.record({
    organisationId: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PROFESSIONAL_ORGANISATIONS) }, { weight: 1, arbitrary: fc.constantFrom(...others) }),
    pick: fc.nat(),
    // One caller in twenty carries a role the organisation's kind may not hold (an identity provider's mistake).
    forbidden: fc.nat(19).map((n) => n === 0),
    professional: fc.constantFrom('a', 'b'),
    usualPurpose: fc.nat(3).map((n) => n > 0),
    otherPurpose: fc.constantFrom(...oracle.purposes),
  }).map(({ organisationId, pick, forbidden, professional, usualPurpose, otherPurpose }) => {
    const kind = ORGANISATIONS.find((organisation) => organisation.id === organisationId)!.kind;
    const allowed = oracle.rolesOfKind(kind);
    const disallowed = oracle.roles.filter((role) => !allowed.includes(role));
    const forbiddenPair = (forbidden || allowed.length === 0) && disallowed.length > 0;
    // Mostly the kind's first role (its professionals; the officer is listed after them).
    const index = pick % (allowed.length * 2);
    const role = forbiddenPair ? disallowed[pick % disallowed.length] : allowed[index < allowed.length ? index : 0];
    const purpose = usualPurpose && USUAL_PURPOSE[role] ? USUAL_PURPOSE[role] : otherPurpose;
    return { subject: `${professional}.${organisationId}`, role, purpose, organisationId, forbiddenPair };
  });
}

/** How many rows a world has at most: larger worlds make rare combinations (a grant and a GGZ consent) common. */
export interface WorldSizes {
  involvementsPerHousehold: number;
  grants: number;
  consents: number;
}

export function worldArbitrary(oracle: PolicyOracle, sizes: WorldSizes = { involvementsPerHousehold: 3, grants: 4, consents: 12 }): fc.Arbitrary<World> {
  // Most rows are about the caller's own organisation and purpose, so that both sides of the row rule are common.
  const relative = (values: readonly string[]) => fc.oneof({ weight: 4, arbitrary: fc.constant('caller') }, { weight: 1, arbitrary: fc.constantFrom(...values) });
  const involvement = fc.record({
    organisation: relative(ORGANISATION_IDS),
    purpose: relative(oracle.purposes),
    state: fc.constantFrom<InvolvementState>('active', 'active', 'active', 'since-today', 'ending-later', 'ended', 'ended-just-now', 'starts-tomorrow', 'future'),
  });
  const perHousehold = HOUSEHOLD_IDS.map((householdId) =>
    fc.array(involvement, { maxLength: sizes.involvementsPerHousehold }).map((list) => list.map((entry): WorldInvolvement => ({ householdId, ...entry }))),
  );
  const grant = fc.record({
    householdId: fc.constantFrom(...HOUSEHOLD_IDS),
    holder: fc.oneof(
      { weight: 4, arbitrary: fc.constant<WorldGrant['holder']>('caller') },
      { weight: 1, arbitrary: fc.constantFrom<WorldGrant['holder']>('colleague', 'other-purpose', 'other-organisation') },
    ),
    state: fc.constantFrom<GrantState>('active', 'active', 'active', 'expired', 'expired-just-now', 'not-yet'),
  });
  // Consents decide only GGZ data: mostly of the people in GGZ care (their care data exists), anyone's too.
  // `consentsOf` lists them all, so special (ggz) and ordinary ones (wonen, schulden, any other) alike.
  const consent = fc.record({
    person: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...GGZ_CLIENTS) }, { weight: 1, arbitrary: fc.nat(PEOPLE.length - 1) }),
    category: fc.oneof(
      { weight: 2, arbitrary: fc.constant('ggz') },
      { weight: 1, arbitrary: fc.constantFrom(...oracle.categories.filter((category) => ['wonen', 'schulden'].includes(category))) },
      { weight: 1, arbitrary: fc.constantFrom(...oracle.categories) },
    ),
    grantee: relative(ORGANISATION_IDS),
    purpose: relative(oracle.purposes),
    state: fc.constantFrom<ConsentState>('active', 'active', 'withdrawn', 'expired', 'future'),
    confirmed: fc.nat(3).map((n) => n > 0),
  });
  return fc.record({
    involvements: fc.tuple(...perHousehold).map((lists) => lists.flat()),
    grants: fc.array(grant, { maxLength: sizes.grants }),
    consents: fc.array(consent, { maxLength: sizes.consents }),
  });
}

/** The demo population's own involvements (src/demo/population.ts), for the fixed cases. */
export function demoWorld(): World {
  const purposeOf = (organisationId: string) => (organisationId.startsWith('wijkteam-') ? 'wijkteam-ondersteuning' : 'vroegsignalering-schulden');
  return {
    involvements: DEMO_HOUSEHOLDS.flatMap((household) =>
      household.involvement.map((entry): WorldInvolvement => ({
        householdId: household.id,
        organisation: entry.organisationId,
        purpose: entry.purpose ?? purposeOf(entry.organisationId),
        state: { since: entry.since, ...(entry.endsAt ? { endsAt: entry.endsAt } : {}) },
      })),
    ),
    grants: [],
    consents: [],
  };
}

/**
 * The database keeps one open-ended involvement per household, organisation and purpose
 * (migration 20261124200000_one_open_involvement): a world with a second one keeps the first only, so
 * what the oracle sees is what the hub's tables hold.
 */
function onlyOneOpenInvolvement() {
  const open = new Set<string>();
  return (row: { householdId: string; organisationId: string; purpose: string; endsAt: Date | null }) => {
    if (row.endsAt !== null) return true;
    const key = `${row.householdId}|${row.organisationId}|${row.purpose}`;
    if (open.has(key)) return false;
    open.add(key);
    return true;
  };
}

/** Makes a world concrete for a caller at a moment; `idPrefix` keeps grant ids unique across cases. */
export function concreteWorld(world: World, caller: OracleCaller, now: Date, idPrefix: string): ConcreteWorld {
  const today = now.toISOString().slice(0, 10);
  const dateIn = (days: number) => new Date(now.getTime() + days * DAY).toISOString().slice(0, 10);
  const at = (offset: number) => new Date(now.getTime() + offset);
  const resolve = (value: Relative, own: string) => (value === 'caller' ? own : value);
  const involvements = world.involvements.map((entry) => {
    const period = (() => {
      if (typeof entry.state === 'object') return { since: entry.state.since, endsAt: entry.state.endsAt ? new Date(entry.state.endsAt) : null };
      switch (entry.state) {
        case 'active': return { since: dateIn(-200), endsAt: null };
        case 'since-today': return { since: today, endsAt: null };
        case 'ending-later': return { since: dateIn(-200), endsAt: at(30 * DAY) };
        case 'ended': return { since: dateIn(-200), endsAt: at(-10 * DAY) };
        case 'ended-just-now': return { since: dateIn(-200), endsAt: at(-MINUTE) };
        case 'starts-tomorrow': return { since: dateIn(1), endsAt: null };
        case 'future': return { since: dateIn(100), endsAt: null };
      }
    })();
    return { householdId: entry.householdId, organisationId: resolve(entry.organisation, caller.organisationId), purpose: resolve(entry.purpose, caller.purpose), ...period };
  }).filter(onlyOneOpenInvolvement());
  const grants = world.grants.map((entry, index) => {
    const period = {
      active: { grantedAt: at(-30 * MINUTE), expiresAt: at(210 * MINUTE) },
      expired: { grantedAt: at(-5 * 60 * MINUTE), expiresAt: at(-60 * MINUTE) },
      'expired-just-now': { grantedAt: at(-240 * MINUTE), expiresAt: at(-MINUTE) },
      'not-yet': { grantedAt: at(60 * MINUTE), expiresAt: at(300 * MINUTE) },
    }[entry.state];
    const colleague = caller.subject.startsWith('a.') ? `b.${caller.organisationId}` : `a.${caller.organisationId}`;
    return {
      id: `${idPrefix}-grant-${index}`,
      householdId: entry.householdId,
      professional: entry.holder === 'colleague' ? colleague : caller.subject,
      organisationId: entry.holder === 'other-organisation' ? PROFESSIONAL_ORGANISATIONS.find((id) => id !== caller.organisationId)! : caller.organisationId,
      purpose: entry.holder === 'other-purpose' ? ['wijkteam-ondersteuning', 'vroegsignalering-schulden'].find((purpose) => purpose !== caller.purpose)! : caller.purpose,
      roles: [caller.role],
      ...period,
    };
  });
  const consents = world.consents.map(({ person, category, grantee, purpose, state, confirmed }, index) => {
    const past = at(-200 * DAY);
    const period = {
      active: { validFrom: past, validUntil: null, withdrawnAt: null },
      withdrawn: { validFrom: past, validUntil: null, withdrawnAt: at(-10 * DAY) },
      expired: { validFrom: past, validUntil: at(-10 * DAY), withdrawnAt: null },
      future: { validFrom: at(100 * DAY), validUntil: null, withdrawnAt: null },
    }[state];
    return {
      person,
      // Ids sort in the order of the world's list; unique across cases like the grants'.
      id: `${idPrefix}-consent-${String(index).padStart(3, '0')}`,
      consent: { category, granteeOrganisationId: resolve(grantee, caller.organisationId), purpose: resolve(purpose, caller.purpose), ...period, confirmedAt: confirmed ? past : null },
    };
  });
  return {
    involvements,
    grants,
    consents,
    household: (householdId) => ({
      involvements: involvements.filter((row) => row.householdId === householdId),
      grants: grants.filter((row) => row.householdId === householdId),
    }),
    consentsOf: (personId) => {
      const index = PEOPLE.findIndex((person) => person.id === personId);
      return consents.filter((entry) => entry.person === index).map((entry) => entry.consent);
    },
  };
}

/** Replaces the involvements, grants and consents in the hub's tables with this world, in one transaction. */
export async function writeWorld(prisma: PrismaClient, world: ConcreteWorld, subjectKeys: readonly string[]): Promise<void> {
  await prisma.$transaction([
    prisma.consent.deleteMany({}),
    prisma.breakGlassGrant.deleteMany({}),
    prisma.involvement.deleteMany({}),
    prisma.involvement.createMany({
      data: world.involvements.map((row) => ({ ...row, registeredBy: 'property-test', registeredByOrganisationId: row.organisationId })),
    }),
    prisma.breakGlassGrant.createMany({
      data: world.grants.map((row) => ({
        ...row, reasonCode: 'acuut-veiligheidsrisico', justification: 'property test: an emergency declared for this household by the caller',
      })),
    }),
    prisma.consent.createMany({
      data: world.consents.map(({ person, id, consent }) => ({
        id, subjectKey: subjectKeys[person], ...consent, evidenceMethod: 'WRITTEN', evidenceReference: 'property-test', recordedBy: 'property-test',
        recordedByOrganisationId: consent.granteeOrganisationId,
        ...(consent.confirmedAt ? { confirmedBy: 'property-test-second', confirmedByOrganisationId: consent.granteeOrganisationId } : {}),
      })),
    }),
  ]);
}
