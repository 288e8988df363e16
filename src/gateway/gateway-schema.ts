import { buildSchema, type GraphQLSchema, isObjectType } from 'graphql';
import { stitchSchemas } from '@graphql-tools/stitch';
import type { SubschemaConfig } from '@graphql-tools/delegate';
import { type Executor, filterSchema } from '@graphql-tools/utils';
import { DOMAINS, type Domain, loadDomainSdl, MAX_KEYS_PER_REQUEST } from '../domain/partner-domains.ts';
import { createHubSubschema } from '../households/hub-subschema.ts';
import { LOCAL_SUBSCHEMAS } from './local-subschemas.ts';

function domainSchema(domain: Domain): GraphQLSchema {
  return buildSchema(loadDomainSdl(domain));
}

/**
 * Stitches the hub's own data and the three adapters into the public schema. `Person` is a merged type:
 * the hub knows who a person is, each adapter adds its domain, keyed by BSN. Batched merging turns N
 * people into one call per adapter. The schema is built from the contracts in schema/, so the gateway
 * starts even while an adapter is down.
 */
export function buildStitchedSchema(executors: Record<Domain, Executor>): GraphQLSchema {
  const hubSchema = createHubSubschema();
  const adapterSubschemas: SubschemaConfig[] = DOMAINS.map((domain) => ({
    schema: domainSchema(domain),
    executor: executors[domain],
    batch: true,
    merge: {
      Person: {
        selectionSet: '{ bsn }',
        fieldName: 'peopleByBsn',
        key: ({ bsn }: { bsn: string }) => bsn,
        argsFromKeys: (bsns: readonly string[]) => ({ bsns }),
        dataLoaderOptions: { maxBatchSize: MAX_KEYS_PER_REQUEST },
      },
    },
  }));
  const localSchemas = LOCAL_SUBSCHEMAS.map((create) => create());
  const stitched = stitchSchemas({
    subschemas: [{ schema: hubSchema, merge: { Person: { canonical: true } } }, ...localSchemas.map((schema) => ({ schema })), ...adapterSubschemas],
    // Authorization needs to know whose data a field is: always fetch the id of a Person or Household.
    resolvers: subjectIdSelections(hubSchema),
  });
  const publicRootFields = new Set([hubSchema, ...localSchemas].flatMap((schema) => Object.keys(schema.getQueryType()?.getFields() ?? {})));
  // The adapters' `peopleByBsn` is plumbing for merging, not part of the public contract.
  return filterSchema({ schema: stitched, rootFieldFilter: (operation, fieldName) => operation !== 'Query' || publicRootFields.has(fieldName) });
}

function subjectIdSelections(hubSchema: GraphQLSchema) {
  const resolvers: Record<string, Record<string, { selectionSet: string }>> = {};
  const fieldsOf = (typeName: string, extra: GraphQLSchema[]) =>
    [hubSchema, ...extra].flatMap((schema) => {
      const type = schema.getType(typeName);
      return isObjectType(type) ? Object.keys(type.getFields()) : [];
    });
  for (const typeName of ['Person', 'Household']) {
    const extra = typeName === 'Person' ? DOMAINS.map(domainSchema) : [];
    resolvers[typeName] = Object.fromEntries(fieldsOf(typeName, extra).map((field) => [field, { selectionSet: '{ id }' }]));
  }
  return resolvers;
}
