import type { DemoHousehold, DemoPerson } from '../../src/demo/population.ts';
import { isValidBsn } from '../../src/domain/bsn.ts';

/**
 * A population larger than one partner page, for paging tests: `count` single-person households, each
 * person a tenant, a debt-relief client and a GGZ patient. BSNs are fictional (99980xxxx, elfproef).
 * The demo population stays as it is: the gateway's tests count partner requests against it.
 */
export function largePopulation(count: number): DemoHousehold[] {
  const bsns = fictionalBsns(count);
  return bsns.map((bsn, index) => ({
    id: `hh-large-${index}`,
    address: { street: 'Teststraat', houseNumber: index + 1, postcode: '3511AA', city: 'Utrecht' },
    regisseur: { name: 'Test Regisseur', phone: '030-0000000', organisationId: 'wijkteam-oost' },
    involvement: [],
    members: [person(bsn, index)],
  }));
}

export function fictionalBsns(count: number): string[] {
  const bsns: string[] = [];
  for (let candidate = 999800000; bsns.length < count; candidate += 1) {
    if (isValidBsn(String(candidate))) bsns.push(String(candidate));
  }
  return bsns;
}

function person(bsn: string, index: number): DemoPerson {
  return {
    id: `p-large-${index}`, bsn, givenName: `Persoon${index}`, familyName: 'Test', birthDate: '1980-01-01',
    housing: { contractNumber: `HC-9${String(index).padStart(4, '0')}`, tenancyStartDate: '2020-01-01', monthlyRent: 700, arrearsAmount: index * 100, arrearsMonths: index % 4, nuisanceReports: 0, eviction: 'NONE' },
    debt: { caseNumber: `SHV-9${String(index).padStart(4, '0')}`, status: 'INTAKE', totalDebt: 1000 + index, creditorCount: 1, paymentArrangement: false, budgetManagement: false, registeredOn: '2026-01-01' },
    care: {
      patientNumber: `GGZ-9${String(index).padStart(4, '0')}`, trajectory: 'BASIC_GGZ', active: index % 2 === 0, startDate: '2025-01-01', crisisPlan: index % 3 === 0,
      responsiblePractitioner: index % 2 === 0 ? { prefix: 'drs.', initials: 'A.', family: 'Even', discipline: 'GZ-psycholoog' } : { initials: 'B.', family: 'Oneven', discipline: 'psychiater' },
    },
  };
}
