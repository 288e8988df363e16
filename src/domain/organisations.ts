/** The organisations the hub knows. Ids appear in tokens (`org` claim), consents and policies. */
export type OrganisationKind = 'WIJKTEAM' | 'HOUSING_CORPORATION' | 'DEBT_RELIEF' | 'MENTAL_HEALTH_CARE';

export interface Organisation {
  id: string;
  name: string;
  kind: OrganisationKind;
}

export const ORGANISATIONS: readonly Organisation[] = [
  { id: 'wijkteam-oost', name: 'Sociaal Wijkteam Oost', kind: 'WIJKTEAM' },
  { id: 'wijkteam-west', name: 'Sociaal Wijkteam West', kind: 'WIJKTEAM' },
  { id: 'woonstichting-de-linde', name: 'Woonstichting De Linde', kind: 'HOUSING_CORPORATION' },
  { id: 'schuldhulp-gemeente', name: 'Schuldhulpverlening Gemeente Utrecht (demo)', kind: 'DEBT_RELIEF' },
  { id: 'ggz-de-horizon', name: 'GGZ De Horizon', kind: 'MENTAL_HEALTH_CARE' },
];

export function findOrganisation(id: string): Organisation | undefined {
  return ORGANISATIONS.find((organisation) => organisation.id === id);
}
