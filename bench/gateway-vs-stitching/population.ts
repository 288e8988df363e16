/**
 * A generated population for the 700-people scenario of bench/gateway-vs-stitching.ts: 7 households of
 * 100 people each, all fictional and deterministic (the same on every run and in every process), known
 * to the hub (seeded with src/db/seed.ts) and to the partner simulators
 * (bench/gateway-vs-stitching/partner-simulator.ts). Wijkteam Oost is involved with every household, so
 * the demo wijkcoach's token sees them; some people are unknown to a partner, some are in GGZ care with
 * and some without consent, so that ontschot withholds part of the answer as it would in practice.
 */
import { isValidBsn } from '../../src/domain/bsn.ts';
import type { DemoConsent, DemoHousehold, DemoPerson, DebtCaseStatus, EvictionStage, CareTrajectoryKind } from '../../src/demo/population.ts';
import { allDemoPeople } from '../../src/demo/population.ts';

export const BENCH_HOUSEHOLD_COUNT = 7;
export const BENCH_PEOPLE_PER_HOUSEHOLD = 100;

const EVICTION: EvictionStage[] = ['NONE', 'NONE', 'SUMMONED', 'NONE', 'JUDGMENT'];
const DEBT_STATUS: DebtCaseStatus[] = ['INTAKE', 'STABILISATION', 'DEBT_SETTLEMENT', 'WSNP', 'AFTERCARE'];
const TRAJECTORY: CareTrajectoryKind[] = ['BASIC_GGZ', 'SPECIALIST_GGZ', 'FACT'];
const GIVEN = ['Anna', 'Bram', 'Celine', 'Daan', 'Esra', 'Finn', 'Gizem', 'Hugo', 'Iris', 'Jesse'];
const FAMILY = ['Jansen', 'de Graaf', 'Ouali', 'Smit', 'Peters', 'Dekker', 'Kaya', 'Bos'];

/** Fictional BSNs in the test range 9997xxxxx that pass the elfproef and are not demo BSNs. */
function fictionalBsns(count: number): string[] {
  const taken = new Set(allDemoPeople().map((person) => person.bsn));
  const bsns: string[] = [];
  for (let candidate = 999_700_000; bsns.length < count; candidate++) {
    const bsn = String(candidate);
    if (isValidBsn(bsn) && !taken.has(bsn)) bsns.push(bsn);
  }
  return bsns;
}

function person(index: number, bsn: string): DemoPerson {
  const id = `p-bench-${String(index).padStart(4, '0')}`;
  const base: DemoPerson = {
    id,
    bsn,
    givenName: GIVEN[index % GIVEN.length],
    familyName: FAMILY[index % FAMILY.length],
    birthDate: `19${50 + (index % 50)}-0${1 + (index % 9)}-1${index % 10}`,
  };
  // Known to housing 4 in 5, to debt relief 1 in 2, to GGZ 1 in 4.
  if (index % 5 !== 4) {
    const months = index % 4;
    base.housing = {
      contractNumber: `HC-B${index}`, tenancyStartDate: '2015-04-01', monthlyRent: 600 + (index % 200), arrearsAmount: months * 650, arrearsMonths: months,
      nuisanceReports: index % 3, eviction: EVICTION[index % EVICTION.length],
    };
  }
  if (index % 2 === 0) {
    base.debt = {
      caseNumber: `SHV-B-${index}`, status: DEBT_STATUS[index % DEBT_STATUS.length], totalDebt: 1000 + index * 13.5, creditorCount: 1 + (index % 9),
      paymentArrangement: index % 3 === 0, budgetManagement: index % 4 === 0, registeredOn: '2026-01-15',
    };
  }
  if (index % 4 === 1) {
    base.care = {
      patientNumber: `GGZ-B${index}`, trajectory: TRAJECTORY[index % TRAJECTORY.length], active: true, startDate: '2026-02-01',
      responsiblePractitioner: { initials: 'E.', family: 'Hendriks', discipline: 'verpleegkundig specialist GGZ' }, crisisPlan: index % 8 === 1,
    };
  }
  return base;
}

function generate(): { households: DemoHousehold[]; consents: DemoConsent[] } {
  const bsns = fictionalBsns(BENCH_HOUSEHOLD_COUNT * BENCH_PEOPLE_PER_HOUSEHOLD);
  const households: DemoHousehold[] = [];
  for (let h = 0; h < BENCH_HOUSEHOLD_COUNT; h++) {
    const members = Array.from({ length: BENCH_PEOPLE_PER_HOUSEHOLD }, (_, m) => {
      const index = h * BENCH_PEOPLE_PER_HOUSEHOLD + m;
      return person(index, bsns[index]);
    });
    households.push({
      id: `hh-5${String(h + 1).padStart(3, '0')}`,
      address: { street: 'Benchstraat', houseNumber: h + 1, postcode: '3500BB', city: 'Utrecht' },
      regisseur: { name: 'Sanne de Boer', phone: '030-0000101', organisationId: 'wijkteam-oost' },
      involvement: [
        { organisationId: 'wijkteam-oost', since: '2026-01-05' },
        { organisationId: 'woonstichting-de-linde', since: '2015-04-01' },
        { organisationId: 'schuldhulp-gemeente', since: '2026-01-15' },
      ],
      members,
    });
  }
  // Half of the people in GGZ care consented: ontschot answers `care` for them and withholds it for the others.
  const consents: DemoConsent[] = households
    .flatMap((household) => household.members)
    .filter((member) => member.care)
    .filter((_member, i) => i % 2 === 1)
    .map((member) => ({
      subjectBsn: member.bsn, category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning', validFrom: '2026-01-05',
      evidence: { method: 'WRITTEN', reference: 'bench-consent' }, recordedBy: 'sanne.deboer', recordedByOrganisationId: 'wijkteam-oost',
    }));
  return { households, consents };
}

export const BENCH_POPULATION = generate();
export const BENCH_HOUSEHOLD_IDS = BENCH_POPULATION.households.map((household) => household.id);
