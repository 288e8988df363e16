import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';

/** The partner domains the hub federates; each has an adapter contract in schema/domains/<domain>.graphql. */
export type Domain = 'housing' | 'debt' | 'care';
export const DOMAINS: readonly Domain[] = ['housing', 'debt', 'care'];

/**
 * The organisation (src/domain/organisations.ts) that operates each partner domain and provides its data.
 * Its privacy officer supervises every read of that data, whoever made it (src/supervision/officer-scope.ts).
 */
export const DOMAIN_OPERATORS: Readonly<Record<Domain, string>> = {
  housing: 'woonstichting-de-linde',
  debt: 'schuldhulp-gemeente',
  care: 'ggz-de-horizon',
};

/** The domains whose data an organisation provides (none for a wijkteam or the municipality). */
export function domainsOperatedBy(organisationId: string): Domain[] {
  return DOMAINS.filter((domain) => DOMAIN_OPERATORS[domain] === organisationId);
}

/** The most keys one `peopleByBsn` request may carry: adapters refuse more, the gateway splits batches. */
export const MAX_KEYS_PER_REQUEST = 200;

/** The adapter contract of a domain: an adapter serves exactly this SDL; the gateway stitches it. */
export function loadDomainSdl(domain: Domain): string {
  return readFileSync(new URL(`../../schema/domains/${domain}.graphql`, import.meta.url), 'utf8');
}

const coordinatesByDomain = new Map<Domain, readonly string[]>();

/**
 * The schema coordinates of the data a domain provides, as the access log records them: the field(s) it
 * adds to Person (not the key `bsn`) and every field of the object types they return, e.g. Person.housing,
 * Housing.monthlyRent. Read from the adapter contract, so a new field is covered without a list to keep.
 */
export function domainCoordinates(domain: Domain): readonly string[] {
  let coordinates = coordinatesByDomain.get(domain);
  if (!coordinates) {
    const schema = buildSchema(loadDomainSdl(domain));
    const person = schema.getType('Person') as GraphQLObjectType;
    const found: string[] = [];
    const visited = new Set<string>(['Person']);
    const visit = (type: GraphQLObjectType) => {
      if (visited.has(type.name)) return;
      visited.add(type.name);
      for (const field of Object.values(type.getFields())) {
        found.push(`${type.name}.${field.name}`);
        const named = getNamedType(field.type);
        if (isObjectType(named)) visit(named);
      }
    };
    for (const field of Object.values(person.getFields())) {
      if (field.name === 'bsn') continue;
      found.push(`Person.${field.name}`);
      const named = getNamedType(field.type);
      if (isObjectType(named)) visit(named);
    }
    coordinates = Object.freeze(found);
    coordinatesByDomain.set(domain, coordinates);
  }
  return coordinates;
}
