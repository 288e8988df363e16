import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, getNamedType, isLeafType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { domainNameProblem } from '../scaffold/names.ts';

/**
 * The hub's contract for one partner domain (schema/domains/<domain>.graphql), as the conformance kit
 * needs it: the schema, the Person field the domain adds, and that field's leaf fields to ask for.
 */
export interface DomainContract {
  domain: string;
  schema: GraphQLSchema;
  /** The field the domain adds to Person, e.g. `housing`. */
  personField: string;
  /** The object type behind `personField`, e.g. `Housing`. */
  domainType: GraphQLObjectType;
  /** The scalar and enum fields of `domainType`, in contract order. */
  leafFields: string[];
}

/** The repository root this module lives in: contracts are read from its schema/domains. */
export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export class ContractError extends Error {}

const CONTRACT_DIRECTORY = path.join(REPOSITORY_ROOT, 'schema', 'domains');

/** The domains that have a contract file, e.g. ['care', 'debt', 'housing']. */
export function contractDomains(): string[] {
  return readdirSync(CONTRACT_DIRECTORY)
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => file.slice(0, -'.graphql'.length))
    .sort();
}

export function loadContract(domain: string): DomainContract {
  // The name becomes a file path: only plain kebab-case names, so it can never climb out of schema/domains.
  const problem = domainNameProblem(domain);
  if (problem) throw new ContractError(problem);
  const file = path.join(CONTRACT_DIRECTORY, `${domain}.graphql`);
  if (!existsSync(file)) throw new ContractError(`no contract for domain '${domain}' (schema/domains/${domain}.graphql)`);
  return contractFromSdl(domain, readFileSync(file, 'utf8'));
}

function contractFromSdl(domain: string, sdl: string): DomainContract {
  const schema = buildSchema(sdl);
  const person = schema.getType('Person');
  if (!isObjectType(person) || !person.getFields().bsn) throw new ContractError(`contract '${domain}' has no type Person with a bsn`);
  const domainFields = Object.keys(person.getFields()).filter((name) => name !== 'bsn');
  if (domainFields.length !== 1) throw new ContractError(`contract '${domain}' must add exactly one field to Person`);
  const [personField] = domainFields;
  const domainType = getNamedType(person.getFields()[personField].type);
  if (!isObjectType(domainType)) throw new ContractError(`Person.${personField} must be an object type`);
  const leafFields = Object.values(domainType.getFields())
    .filter((field) => isLeafType(getNamedType(field.type)))
    .map((field) => field.name);
  if (leafFields.length === 0) throw new ContractError(`${domainType.name} has no scalar or enum fields`);
  return { domain, schema, personField, domainType, leafFields };
}
