/**
 * The hub's organisation register: the organisations it knows and of which kind. Ids appear in tokens
 * (`org` claim), consents, involvements and policies; a token naming another organisation is refused.
 * Which roles each kind may hold is in the policy file (organisationKinds).
 */
export const ORGANISATION_KINDS = ['WIJKTEAM', 'HOUSING_CORPORATION', 'DEBT_RELIEF', 'MENTAL_HEALTH_CARE', 'MUNICIPALITY'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

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
  // The municipality itself: its functionaris gegevensbescherming supervises the hub as a whole.
  { id: 'gemeente-utrecht', name: 'Gemeente Utrecht (demo)', kind: 'MUNICIPALITY' },
];

export function findOrganisation(id: string): Organisation | undefined {
  return ORGANISATIONS.find((organisation) => organisation.id === id);
}
