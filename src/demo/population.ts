/**
 * The demo population: fictional households in Utrecht, shared by the hub's seed and the three partner
 * simulators so that every part of the embedded default tells the same story. BSNs are fictional
 * numbers in the 9999xxxxx test range that pass the elfproef.
 *
 * The situations are chosen to exercise the hub: arrears + debts + GGZ care together, debts only,
 * people unknown to GGZ, an eviction in progress, and GGZ consent present, absent, withdrawn and expired.
 */

export type EvictionStage = 'NONE' | 'SUMMONED' | 'JUDGMENT' | 'EVICTION_SCHEDULED' | 'EVICTED';
export type DebtCaseStatus = 'INTAKE' | 'STABILISATION' | 'DEBT_SETTLEMENT' | 'WSNP' | 'AFTERCARE' | 'CLOSED';
export type CareTrajectoryKind = 'BASIC_GGZ' | 'SPECIALIST_GGZ' | 'FACT' | 'CLINICAL';

/** What the housing corporation knows about a tenant (huurder). */
export interface HousingFacts {
  contractNumber: string;
  tenancyStartDate: string;
  monthlyRent: number;
  arrearsAmount: number;
  arrearsMonths: number;
  nuisanceReports: number;
  eviction: EvictionStage;
}

/** What debt relief (schuldhulpverlening) knows about a client. */
export interface DebtFacts {
  caseNumber: string;
  status: DebtCaseStatus;
  totalDebt: number;
  creditorCount: number;
  paymentArrangement: boolean;
  budgetManagement: boolean;
  registeredOn: string;
}

/** A practitioner of the GGZ provider, as its HR and BIG-register records have them. */
export interface DemoPractitioner {
  /** Academic title, e.g. drs. */
  prefix?: string;
  initials: string;
  family: string;
  /** The profession (discipline), e.g. GZ-psycholoog. */
  discipline: string;
}

/** What the GGZ provider knows about a patient. */
export interface CareFacts {
  patientNumber: string;
  trajectory: CareTrajectoryKind;
  active: boolean;
  startDate: string;
  /** The regiebehandelaar. */
  responsiblePractitioner: DemoPractitioner;
  crisisPlan: boolean;
}

const VERHOEVEN: DemoPractitioner = { prefix: 'drs.', initials: 'M.', family: 'Verhoeven', discipline: 'GZ-psycholoog' };
const HENDRIKS: DemoPractitioner = { initials: 'E.', family: 'Hendriks', discipline: 'verpleegkundig specialist GGZ' };
const KRAMER: DemoPractitioner = { prefix: 'dr.', initials: 'J.', family: 'Kramer', discipline: 'psychiater' };

export interface DemoPerson {
  id: string;
  bsn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  housing?: HousingFacts;
  debt?: DebtFacts;
  care?: CareFacts;
}

export interface DemoHousehold {
  id: string;
  address: { street: string; houseNumber: number; houseNumberSuffix?: string; postcode: string; city: string };
  regisseur: { name: string; phone: string; organisationId: string };
  involvement: DemoInvolvement[];
  members: DemoPerson[];
}

/**
 * An organisation's involvement with a household. The purpose defaults to the usual one of the
 * organisation's kind (src/db/seed.ts): wijkteam-ondersteuning for a wijkteam,
 * vroegsignalering-schulden for the housing corporation and debt relief in this demo.
 */
export interface DemoInvolvement {
  organisationId: string;
  since: string;
  purpose?: string;
  /** ISO date-time at which it ended; absent: still active. */
  endsAt?: string;
}

export interface DemoConsent {
  subjectBsn: string;
  category: string;
  granteeOrganisationId: string;
  purpose: string;
  validFrom: string;
  validUntil?: string;
  withdrawnAt?: string;
  evidence: { method: 'WRITTEN' | 'VERBAL' | 'DIGITAL'; reference: string };
  recordedBy: string;
  recordedByOrganisationId: string;
}

export const DEMO_HOUSEHOLDS: readonly DemoHousehold[] = [
  {
    id: 'hh-1001',
    address: { street: 'Kanaalstraat', houseNumber: 112, houseNumberSuffix: 'bis', postcode: '3531CJ', city: 'Utrecht' },
    regisseur: { name: 'Sanne de Boer', phone: '030-0000101', organisationId: 'wijkteam-oost' },
    involvement: [
      { organisationId: 'wijkteam-oost', since: '2025-09-15' },
      { organisationId: 'woonstichting-de-linde', since: '2011-05-01' },
      { organisationId: 'schuldhulp-gemeente', since: '2025-11-03' },
    ],
    members: [
      {
        id: 'p-2001', bsn: '999906318', givenName: 'Mohammed', familyName: 'El Amrani', birthDate: '1979-04-12',
        housing: { contractNumber: 'HC-40112', tenancyStartDate: '2011-05-01', monthlyRent: 715.4, arrearsAmount: 2146.2, arrearsMonths: 3, nuisanceReports: 1, eviction: 'SUMMONED' },
        debt: { caseNumber: 'SHV-2025-0412', status: 'DEBT_SETTLEMENT', totalDebt: 23410.55, creditorCount: 13, paymentArrangement: true, budgetManagement: true, registeredOn: '2025-11-03' },
        care: { patientNumber: 'GGZ-77801', trajectory: 'SPECIALIST_GGZ', active: true, startDate: '2026-02-10', responsiblePractitioner: VERHOEVEN, crisisPlan: true },
      },
      {
        id: 'p-2002', bsn: '999914455', givenName: 'Fatima', familyName: 'El Amrani-Bakkali', birthDate: '1982-09-30',
        housing: { contractNumber: 'HC-40112', tenancyStartDate: '2011-05-01', monthlyRent: 715.4, arrearsAmount: 2146.2, arrearsMonths: 3, nuisanceReports: 1, eviction: 'SUMMONED' },
        debt: { caseNumber: 'SHV-2025-0413', status: 'DEBT_SETTLEMENT', totalDebt: 4120.0, creditorCount: 4, paymentArrangement: true, budgetManagement: true, registeredOn: '2025-11-03' },
      },
      { id: 'p-2003', bsn: '999915460', givenName: 'Yasmina', familyName: 'El Amrani', birthDate: '2008-01-22' },
    ],
  },
  {
    id: 'hh-1002',
    address: { street: 'Biltstraat', houseNumber: 201, postcode: '3572AS', city: 'Utrecht' },
    regisseur: { name: 'Sanne de Boer', phone: '030-0000101', organisationId: 'wijkteam-oost' },
    involvement: [
      { organisationId: 'wijkteam-oost', since: '2026-03-02' },
      { organisationId: 'woonstichting-de-linde', since: '2019-08-01' },
      { organisationId: 'schuldhulp-gemeente', since: '2026-02-20' },
    ],
    members: [
      {
        id: 'p-2004', bsn: '999915927', givenName: 'Peter', familyName: 'de Vries', birthDate: '1965-06-03',
        housing: { contractNumber: 'HC-51020', tenancyStartDate: '2019-08-01', monthlyRent: 642.0, arrearsAmount: 0, arrearsMonths: 0, nuisanceReports: 0, eviction: 'NONE' },
        debt: { caseNumber: 'SHV-2026-0077', status: 'INTAKE', totalDebt: 8915.0, creditorCount: 5, paymentArrangement: false, budgetManagement: false, registeredOn: '2026-02-20' },
      },
    ],
  },
  {
    id: 'hh-1003',
    address: { street: 'Columbuslaan', houseNumber: 44, postcode: '3526EP', city: 'Utrecht' },
    regisseur: { name: 'Ilse Jacobs', phone: '030-0000102', organisationId: 'wijkteam-oost' },
    involvement: [
      { organisationId: 'wijkteam-oost', since: '2025-04-11' },
      { organisationId: 'woonstichting-de-linde', since: '2016-02-01' },
      { organisationId: 'schuldhulp-gemeente', since: '2025-06-18' },
    ],
    members: [
      {
        id: 'p-2005', bsn: '999918369', givenName: 'Linda', familyName: 'Bakker', birthDate: '1990-11-17',
        housing: { contractNumber: 'HC-33044', tenancyStartDate: '2016-02-01', monthlyRent: 688.75, arrearsAmount: 3951.3, arrearsMonths: 5, nuisanceReports: 4, eviction: 'EVICTION_SCHEDULED' },
        debt: { caseNumber: 'SHV-2025-0233', status: 'STABILISATION', totalDebt: 15230.8, creditorCount: 9, paymentArrangement: false, budgetManagement: true, registeredOn: '2025-06-18' },
        care: { patientNumber: 'GGZ-77915', trajectory: 'BASIC_GGZ', active: true, startDate: '2025-10-01', responsiblePractitioner: HENDRIKS, crisisPlan: false },
      },
      { id: 'p-2006', bsn: '999918710', givenName: 'Sem', familyName: 'Bakker', birthDate: '2015-03-08' },
      { id: 'p-2007', bsn: '999919544', givenName: 'Noa', familyName: 'Bakker', birthDate: '2018-07-29' },
    ],
  },
  {
    id: 'hh-1004',
    address: { street: 'Marnixlaan', houseNumber: 9, postcode: '3552HA', city: 'Utrecht' },
    regisseur: { name: 'Ilse Jacobs', phone: '030-0000102', organisationId: 'wijkteam-oost' },
    involvement: [
      { organisationId: 'wijkteam-oost', since: '2026-06-01' },
      { organisationId: 'woonstichting-de-linde', since: '1994-09-01' },
    ],
    members: [
      {
        id: 'p-2008', bsn: '999921423', givenName: 'Emre', familyName: 'Yilmaz', birthDate: '1958-02-14',
        housing: { contractNumber: 'HC-12009', tenancyStartDate: '1994-09-01', monthlyRent: 598.2, arrearsAmount: 1196.4, arrearsMonths: 2, nuisanceReports: 0, eviction: 'NONE' },
      },
      {
        id: 'p-2009', bsn: '999925982', givenName: 'Ayşe', familyName: 'Yilmaz', birthDate: '1961-12-05',
        housing: { contractNumber: 'HC-12009', tenancyStartDate: '1994-09-01', monthlyRent: 598.2, arrearsAmount: 1196.4, arrearsMonths: 2, nuisanceReports: 0, eviction: 'NONE' },
        care: { patientNumber: 'GGZ-70233', trajectory: 'FACT', active: true, startDate: '2023-05-15', responsiblePractitioner: KRAMER, crisisPlan: true },
      },
    ],
  },
  {
    id: 'hh-1005',
    address: { street: 'Vleutenseweg', houseNumber: 350, houseNumberSuffix: 'A', postcode: '3532HW', city: 'Utrecht' },
    regisseur: { name: 'Sanne de Boer', phone: '030-0000101', organisationId: 'wijkteam-oost' },
    involvement: [
      { organisationId: 'wijkteam-oost', since: '2024-12-01' },
      { organisationId: 'woonstichting-de-linde', since: '2020-01-01' },
      { organisationId: 'schuldhulp-gemeente', since: '2023-03-09' },
    ],
    members: [
      {
        id: 'p-2010', bsn: '999930163', givenName: 'Johan', familyName: 'Visser', birthDate: '1987-08-21',
        housing: { contractNumber: 'HC-60350', tenancyStartDate: '2020-01-01', monthlyRent: 720.0, arrearsAmount: 720.0, arrearsMonths: 1, nuisanceReports: 2, eviction: 'NONE' },
        debt: { caseNumber: 'SHV-2023-0109', status: 'WSNP', totalDebt: 41022.0, creditorCount: 21, paymentArrangement: true, budgetManagement: true, registeredOn: '2023-03-09' },
        care: { patientNumber: 'GGZ-71188', trajectory: 'SPECIALIST_GGZ', active: true, startDate: '2024-01-08', responsiblePractitioner: VERHOEVEN, crisisPlan: false },
      },
    ],
  },
  {
    id: 'hh-1006',
    address: { street: 'Amsterdamsestraatweg', houseNumber: 77, postcode: '3513AB', city: 'Utrecht' },
    regisseur: { name: 'Youssef Amrani', phone: '030-0000103', organisationId: 'wijkteam-oost' },
    involvement: [
      { organisationId: 'wijkteam-oost', since: '2025-01-20' },
      { organisationId: 'woonstichting-de-linde', since: '2021-10-01' },
      { organisationId: 'schuldhulp-gemeente', since: '2024-05-14' },
    ],
    members: [
      {
        id: 'p-2011', bsn: '999939117', givenName: 'Anna', familyName: 'Mulder', birthDate: '1995-05-02',
        housing: { contractNumber: 'HC-70077', tenancyStartDate: '2021-10-01', monthlyRent: 655.0, arrearsAmount: 0, arrearsMonths: 0, nuisanceReports: 0, eviction: 'NONE' },
      },
      {
        id: 'p-2012', bsn: '999949913', givenName: 'Daan', familyName: 'Kok', birthDate: '1993-01-19',
        housing: { contractNumber: 'HC-70077', tenancyStartDate: '2021-10-01', monthlyRent: 655.0, arrearsAmount: 0, arrearsMonths: 0, nuisanceReports: 0, eviction: 'NONE' },
        debt: { caseNumber: 'SHV-2024-0301', status: 'AFTERCARE', totalDebt: 4310.0, creditorCount: 3, paymentArrangement: true, budgetManagement: false, registeredOn: '2024-05-14' },
        care: { patientNumber: 'GGZ-72410', trajectory: 'BASIC_GGZ', active: false, startDate: '2024-09-02', responsiblePractitioner: HENDRIKS, crisisPlan: false },
      },
      { id: 'p-2013', bsn: '999972728', givenName: 'Lieke', familyName: 'Kok', birthDate: '2024-11-30' },
    ],
  },
  {
    id: 'hh-1007',
    address: { street: 'Oudegracht', houseNumber: 301, postcode: '3511PA', city: 'Utrecht' },
    regisseur: { name: 'Youssef Amrani', phone: '030-0000103', organisationId: 'wijkteam-oost' },
    involvement: [
      { organisationId: 'wijkteam-oost', since: '2026-09-07' },
      { organisationId: 'schuldhulp-gemeente', since: '2026-08-25' },
    ],
    members: [
      {
        id: 'p-2014', bsn: '999975201', givenName: 'Gerrit', familyName: 'Smit', birthDate: '1949-10-10',
        debt: { caseNumber: 'SHV-2026-0288', status: 'INTAKE', totalDebt: 2650.0, creditorCount: 2, paymentArrangement: false, budgetManagement: false, registeredOn: '2026-08-25' },
      },
      { id: 'p-2015', bsn: '999975973', givenName: 'Riet', familyName: 'Smit-Peters', birthDate: '1951-03-27' },
    ],
  },
  // Need to know: a household of wijkteam West, which wijkteam Oost may not see (NOT_INVOLVED).
  {
    id: 'hh-1008',
    address: { street: 'Kanaalweg', houseNumber: 18, postcode: '3526KL', city: 'Utrecht' },
    regisseur: { name: 'Noor Visser', phone: '030-0000201', organisationId: 'wijkteam-west' },
    involvement: [
      { organisationId: 'wijkteam-west', since: '2026-05-12' },
      { organisationId: 'woonstichting-de-linde', since: '2018-03-01' },
    ],
    members: [
      {
        id: 'p-2016', bsn: '999980002', givenName: 'Sevda', familyName: 'Yilmaz', birthDate: '1987-12-08',
        housing: { contractNumber: 'HC-80318', tenancyStartDate: '2018-03-01', monthlyRent: 702.15, arrearsAmount: 1404.3, arrearsMonths: 2, nuisanceReports: 0, eviction: 'NONE' },
        care: { patientNumber: 'GGZ-80112', trajectory: 'BASIC_GGZ', active: true, startDate: '2026-04-01', responsiblePractitioner: HENDRIKS, crisisPlan: false },
      },
      { id: 'p-2017', bsn: '999980014', givenName: 'Emre', familyName: 'Yilmaz', birthDate: '2012-07-21' },
    ],
  },
  // Need to know: a household no organisation is involved with any more (wijkteam Oost's ended); the
  // debt worker's early signal (Wgs) still works, nothing else does.
  {
    id: 'hh-1009',
    address: { street: 'Vleutenseweg', houseNumber: 240, postcode: '3532HR', city: 'Utrecht' },
    regisseur: { name: 'Sanne de Boer', phone: '030-0000101', organisationId: 'wijkteam-oost' },
    involvement: [
      { organisationId: 'wijkteam-oost', since: '2024-02-01', endsAt: '2025-08-31T22:00:00Z' },
    ],
    members: [
      {
        id: 'p-2018', bsn: '999980026', givenName: 'Kees', familyName: 'Brouwer', birthDate: '1971-02-14',
        housing: { contractNumber: 'HC-90240', tenancyStartDate: '2009-06-01', monthlyRent: 688.5, arrearsAmount: 2065.5, arrearsMonths: 3, nuisanceReports: 2, eviction: 'NONE' },
        debt: { caseNumber: 'SHV-2024-0112', status: 'CLOSED', totalDebt: 0, creditorCount: 0, paymentArrangement: false, budgetManagement: false, registeredOn: '2024-03-11' },
      },
    ],
  },
];

/** GGZ consents recorded by the wijkteam: present, withdrawn and expired, so each case can be seen. */
export const DEMO_CONSENTS: readonly DemoConsent[] = [
  {
    subjectBsn: '999906318', category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
    validFrom: '2026-03-01', validUntil: '2027-03-01', evidence: { method: 'WRITTEN', reference: 'DMS-2026-000418' }, recordedBy: 'sanne.deboer', recordedByOrganisationId: 'wijkteam-oost',
  },
  {
    subjectBsn: '999925982', category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
    validFrom: '2026-06-10', evidence: { method: 'DIGITAL', reference: 'mijnwijkteam-toestemming-8841' }, recordedBy: 'ilse.jacobs', recordedByOrganisationId: 'wijkteam-oost',
  },
  {
    subjectBsn: '999930163', category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
    validFrom: '2025-01-15', withdrawnAt: '2026-10-01T09:30:00Z', evidence: { method: 'VERBAL', reference: 'gespreksverslag 2025-01-15' }, recordedBy: 'sanne.deboer', recordedByOrganisationId: 'wijkteam-oost',
  },
  {
    subjectBsn: '999949913', category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning',
    validFrom: '2024-09-01', validUntil: '2025-06-30', evidence: { method: 'WRITTEN', reference: 'DMS-2024-001190' }, recordedBy: 'youssef.amrani', recordedByOrganisationId: 'wijkteam-oost',
  },
];

/** The demo households an organisation is actively involved with (need to know: what its professionals may see). */
export function demoHouseholdsOf(organisationId: string): DemoHousehold[] {
  return DEMO_HOUSEHOLDS.filter((household) => household.involvement.some((entry) => entry.organisationId === organisationId && !entry.endsAt));
}

export function allDemoPeople(): DemoPerson[] {
  return DEMO_HOUSEHOLDS.flatMap((household) => household.members);
}
