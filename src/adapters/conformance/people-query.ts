import { parse, type DocumentNode } from 'graphql';
import type { DomainContract } from './contract.ts';
import { selectedCoordinates } from '../../selection/selected-fields.ts';

/** A `peopleByBsn` query for chosen fields of the domain object, with the coordinates its token needs. */
export interface PeopleQuery {
  text: string;
  document: DocumentNode;
  coordinates: string[];
}

export interface PeopleSelection {
  /** Leaf fields of the domain object (default: all of them). */
  leafFields?: readonly string[];
  /** Ask for `bsn` too (default true): the kit checks key order by it. */
  withBsn?: boolean;
}

export function peopleQuery(contract: DomainContract, selection: PeopleSelection = {}): PeopleQuery {
  const leaves = selection.leafFields ?? contract.leafFields;
  const bsn = selection.withBsn === false ? '' : 'bsn ';
  const text = `query ConformancePeople($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { ${bsn}${contract.personField} { ${leaves.join(' ')} } } }`;
  const document = parse(text);
  return { text, document, coordinates: selectedCoordinates(contract.schema, document) };
}
