import { findOrganisation } from '../domain/organisations.ts';
import type { OfficerScope } from './officer-scope.ts';

/**
 * How a resident reaches the privacy officer (functionaris gegevensbescherming) who answers for a report:
 * the hub's (the municipality's) from ONTSCHOT_OFFICER_NAME, _EMAIL, _PHONE, _POSTAL_ADDRESS and _URL,
 * with DEMO defaults; an organisation's own officer from ONTSCHOT_OFFICER_CONTACTS (JSON, by organisation
 * id). An organisation's officer's report names that organisation's contact if it is configured, else the hub's.
 */
export interface OfficerContact {
  name: string | null;
  email: string | null;
  phone: string | null;
  postalAddress: string | null;
  url: string | null;
}

export interface OfficerContacts {
  hub: OfficerContact;
  organisations: Readonly<Record<string, OfficerContact>>;
}

const DEMO_HUB_OFFICER: OfficerContact = {
  name: 'Functionaris gegevensbescherming, Gemeente Utrecht (demo)',
  email: 'privacy@gemeente-utrecht.example',
  phone: '14 030 (demo)',
  postalAddress: 'Postbus 16200, 3500 CE Utrecht (demo)',
  url: 'https://gemeente-utrecht.example/privacy',
};

const CONTACT_KEYS = ['name', 'email', 'phone', 'postalAddress', 'url'] as const;

export function loadOfficerContacts(env: NodeJS.ProcessEnv = process.env): OfficerContacts {
  const hub: OfficerContact = {
    name: env.ONTSCHOT_OFFICER_NAME || DEMO_HUB_OFFICER.name,
    email: env.ONTSCHOT_OFFICER_EMAIL || DEMO_HUB_OFFICER.email,
    phone: env.ONTSCHOT_OFFICER_PHONE || DEMO_HUB_OFFICER.phone,
    postalAddress: env.ONTSCHOT_OFFICER_POSTAL_ADDRESS || DEMO_HUB_OFFICER.postalAddress,
    url: env.ONTSCHOT_OFFICER_URL || DEMO_HUB_OFFICER.url,
  };
  return { hub, organisations: organisationContacts(env.ONTSCHOT_OFFICER_CONTACTS) };
}

/** The contact a report by an officer of this scope names. */
export function officerContactFor(contacts: OfficerContacts, scope: OfficerScope): OfficerContact {
  return (scope.kind === 'organisation' ? contacts.organisations[scope.organisationId] : undefined) ?? contacts.hub;
}

/** `{ "<organisation id>": { "name": "...", "email": "...", ... } }`; a mistake stops start-up, naming the variable only. */
function organisationContacts(json: string | undefined): Record<string, OfficerContact> {
  if (!json) return {};
  const fail = (why: string) => new Error(`ONTSCHOT_OFFICER_CONTACTS: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw fail('must be a JSON object keyed by organisation id');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fail('must be a JSON object keyed by organisation id');
  const contacts: Record<string, OfficerContact> = {};
  for (const [organisationId, value] of Object.entries(parsed)) {
    if (!findOrganisation(organisationId)) throw fail(`an organisation that is not in the register is named`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('each contact must be an object');
    const entry = value as Record<string, unknown>;
    if (Object.keys(entry).some((key) => !(CONTACT_KEYS as readonly string[]).includes(key))) throw fail(`a contact may hold only ${CONTACT_KEYS.join(', ')}`);
    if (Object.values(entry).some((field) => typeof field !== 'string')) throw fail('each contact field must be a string');
    contacts[organisationId] = Object.fromEntries(CONTACT_KEYS.map((key) => [key, (entry[key] as string | undefined) || null])) as unknown as OfficerContact;
  }
  return contacts;
}
