import { buildSchema, type GraphQLCompositeType, GraphQLList, type GraphQLResolveInfo, type GraphQLSchema, isObjectType, type GraphQLOutputType, type SelectionSetNode } from 'graphql';
import type { Decision } from '../policy/decide.ts';
import { batchDelegateToSchema } from '@graphql-tools/batch-delegate';
import { stitchSchemas } from '@graphql-tools/stitch';
import type { MergedTypeResolver, SubschemaConfig } from '@graphql-tools/delegate';
import { type Executor, filterSchema } from '@graphql-tools/utils';
import { DOMAINS, type Domain, loadDomainSdl, MAX_KEYS_PER_REQUEST } from '../domain/partner-domains.ts';
import { createHubSubschema } from '../households/hub-subschema.ts';
import { LOCAL_SUBSCHEMAS } from './local-subschemas.ts';
import { SharedPruning } from './allowed-selection.ts';
import { decideForFacts, type SubjectFacts } from '../request/field-decision.ts';
import type { RequestContext } from '../request/request-context.ts';
import { SUBJECT_BSN_KEY, SUBJECT_ID_KEY, subjectIdOf } from './subject-keys.ts';

function domainSchema(domain: Domain): GraphQLSchema {
  return buildSchema(loadDomainSdl(domain));
}

/**
 * Stitches the hub's own data and the three adapters into the public schema. `Person` is a merged type:
 * the hub knows who a person is, each adapter adds its domain, keyed by BSN. Batched merging turns N
 * people into one call per adapter and per distinct set of fields the caller may see (see below). The schema is built from the contracts in schema/, so the gateway
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
        selectionSet: `{ ${SUBJECT_BSN_KEY}: bsn }`,
        fieldName: 'peopleByBsn',
        key: (person: Record<string, string>) => person[SUBJECT_BSN_KEY],
        argsFromKeys: (bsns: readonly string[]) => ({ bsns }),
        resolve: minimisedPeopleByBsn,
      },
    },
  }));
  const localSchemas = LOCAL_SUBSCHEMAS.map((create) => create());
  const stitched = stitchSchemas({
    subschemas: [{ schema: hubSchema, merge: { Person: { canonical: true } } }, ...localSchemas.map((schema) => ({ schema })), ...adapterSubschemas],
    // Authorization needs to know whose data a field is: always fetch the id of a Person or Household, under
    // a response key no client alias can take (src/gateway/subject-keys.ts).
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
    resolvers[typeName] = Object.fromEntries(fieldsOf(typeName, extra).map((field) => [field, { selectionSet: `{ ${SUBJECT_ID_KEY}: id }` }]));
  }
  return resolvers;
}

const sharedPrunings = new WeakMap<RequestContext, SharedPruning<SubjectFacts>>();

/**
 * The request's shared pruning: one per operation, whose fragments and variables it prunes with. It asks
 * about a person's fields through the facts the request holds about them (no look-up per field).
 */
function sharedPruningOf(context: RequestContext, info: GraphQLResolveInfo): SharedPruning<SubjectFacts> {
  let pruning = sharedPrunings.get(context);
  if (!pruning?.isFor(info.fragments, info.variableValues)) {
    const isAllowed = (facts: SubjectFacts, coordinate: string) => {
      const decision = decideForFacts(context, coordinate, facts);
      return isPromise(decision) ? decision.then(allowedOf) : decision.allowed;
    };
    pruning = new SharedPruning(info.schema, info.fragments, info.variableValues, isAllowed);
    sharedPrunings.set(context, pruning);
  }
  return pruning;
}

/**
 * Fetches a person's fields from one adapter, asking only for what the caller may see of this person
 * (prune before fetch). Per person only the set of allowed fields is decided; people with the same set
 * share one pruned selection (SharedPruning) and so one batched call, because batch delegation keeps one
 * DataLoader per printed selection set; a person of whom nothing from this adapter may be seen causes no
 * call at all.
 */
const minimisedPeopleByBsn: MergedTypeResolver = (originalResult, untypedContext, info, subschema, selectionSet, key, type) => {
  const context = untypedContext as RequestContext;
  const personId = subjectIdOf(originalResult);
  // Without the hub's id there is nobody to decide for: ask nothing (every Person field selects the id).
  if (!personId || !type) return {};
  const person = info.schema.getType('Person') as GraphQLCompositeType;
  const allowed = sharedPruningOf(context, info).allowedSelection(person, selectionSet, context.decisions.facts('person', personId));
  if (!isPromise(allowed)) return askAdapter(allowed, subschema, type, key, context, info);
  return allowed.then((settled) => askAdapter(settled, subschema, type, key, context, info));
};

/** The person's allowed fields from the adapter, batched with everyone with the same allowed set; nothing when none is allowed. */
function askAdapter(allowed: SelectionSetNode | undefined, subschema: Parameters<MergedTypeResolver>[3], type: GraphQLOutputType, key: string, context: RequestContext, info: GraphQLResolveInfo) {
  if (!allowed) return {};
  return batchDelegateToSchema({
    schema: subschema,
    operation: 'query' as never,
    fieldName: 'peopleByBsn',
    returnType: listOf(type),
    key,
    argsFromKeys: bsnsArgument,
    selectionSet: allowed,
    context,
    info,
    skipTypeMerging: true,
    dataLoaderOptions: { maxBatchSize: MAX_KEYS_PER_REQUEST },
  });
}

const bsnsArgument = (bsns: readonly string[]) => ({ bsns });

const lists = new WeakMap<GraphQLOutputType, GraphQLList<GraphQLOutputType>>();

/** One list type per merged type, not one per person and adapter. */
function listOf(type: GraphQLOutputType): GraphQLList<GraphQLOutputType> {
  let list = lists.get(type);
  if (!list) {
    list = new GraphQLList(type);
    lists.set(type, list);
  }
  return list;
}

function allowedOf(decision: Decision): boolean {
  return decision.allowed;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}
