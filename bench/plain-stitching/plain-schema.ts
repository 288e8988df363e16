import { buildSchema, type GraphQLSchema } from 'graphql';
import { stitchSchemas } from '@graphql-tools/stitch';
import type { SubschemaConfig } from '@graphql-tools/delegate';
import type { Executor } from '@graphql-tools/utils';
import { DOMAINS, type Domain, loadDomainSdl, MAX_KEYS_PER_REQUEST } from '../../src/domain/partner-domains.ts';
import { createHubSubschema } from '../../src/households/hub-subschema.ts';

/**
 * The plain peer's schema: the hub's own subschema (src/households/hub-subschema.ts) and the three
 * adapter contracts, stitched with the same batched merge of `Person` on `peopleByBsn` as ontschot
 * (src/gateway/gateway-schema.ts: executor batching, one DataLoader batch of at most
 * MAX_KEYS_PER_REQUEST BSNs), but with stitching's own merge resolver: no field authorization, no
 * pruning before fetch, no subject keys. Everything a caller selects is asked for and returned.
 */
export function buildPlainStitchedSchema(executors: Record<Domain, Executor>): GraphQLSchema {
  const adapterSubschemas: SubschemaConfig[] = DOMAINS.map((domain) => ({
    schema: buildSchema(loadDomainSdl(domain)),
    executor: executors[domain],
    batch: true,
    merge: {
      Person: {
        selectionSet: '{ bsn }',
        fieldName: 'peopleByBsn',
        key: (person: { bsn: string }) => person.bsn,
        argsFromKeys: (bsns: readonly string[]) => ({ bsns }),
        dataLoaderOptions: { maxBatchSize: MAX_KEYS_PER_REQUEST },
      },
    },
  }));
  return stitchSchemas({ subschemas: [{ schema: createHubSubschema(), merge: { Person: { canonical: true } } }, ...adapterSubschemas] });
}
