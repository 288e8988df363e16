import { buildSchema, isObjectType } from 'graphql';
import { loadDomainSdl, type Domain } from '../../src/domain/partner-domains.ts';

/** The field names of a domain's object in its adapter contract (e.g. `Housing`), read from the SDL. */
export function contractFields(domain: Domain, typeName: string): string[] {
  const type = buildSchema(loadDomainSdl(domain)).getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type of the ${domain} contract`);
  return Object.keys(type.getFields());
}
