import { describe, expect, it } from 'vitest';
import { getOperationAST, parse, type DocumentNode } from 'graphql';
import type { GraphQLRequestContextDidResolveOperation, GraphQLRequestListener } from '@apollo/server';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { createStandingLoader, type StandingReader } from '../../src/involvement/standing-loader.ts';
import { createHouseholdLoaders } from '../../src/households/household-loaders.ts';
import type { PrismaClient } from '../../src/db/generated/client.ts';
import type { Caller } from '../../src/auth/caller.ts';
import type { RequestContext } from '../../src/request/request-context.ts';
import { callerDecisions } from '../../src/request/static-decisions.ts';
import { readAheadPlugin } from '../../src/gateway/read-ahead-plugin.ts';

/**
 * Before execution the plugin starts the standing read for households asked by id, when a selected
 * field's decision depends on involvement for this kind of caller, and reads the households and their
 * members in the same statement (src/households/household-read-ahead.ts); otherwise it reads nothing ahead.
 */
const schema = publicSchemaForPolicyCheck();
const policies = loadPolicyFile('schema/field-policies.yaml', schema);
const WIJKCOACH: Caller = { subject: 'wijkcoach-1', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
/** A role no basis covers: every field is decided without the standing. */
const NOBODY: Caller = { subject: 'someone', organisationId: 'wijkteam-oost', roles: ['no-such-role'], purpose: 'wijkteam-ondersteuning' };
const CASE_SCREEN = parse(`query($id: ID!) { household(id: $id) { address { street } members { givenName housing { rentArrearsMonths } care { inCare } } } }`);

/** A standing row as the statement answers it: the household and its members alongside, or null when there is no such household. */
interface Row {
  household_id: string;
  involved: boolean;
  grant_id: null;
  members: null;
  alongside: { household: { id: string }; members: { id: string; householdId: string }[] } | null;
}

/** A hub household with one member, where the caller is involved. */
const found = (id: string): Row => ({ household_id: id, involved: true, grant_id: null, members: null, alongside: { household: { id }, members: [{ id: `${id}-p1`, householdId: id }] } });

/** The request's real standing and household loaders, over a stand-in for the database that answers `read`. */
function contextFor(caller: Caller, read: (ids: readonly string[]) => Promise<Row[]>) {
  const reads: string[] = [];
  const reader: StandingReader = {
    async query<T>(_text: string, values?: unknown[]) {
      // The ids go to PostgreSQL as one JSON array (src/involvement/standing-loader.ts).
      const ids = JSON.parse(values!.find((value): value is string => typeof value === 'string' && value.startsWith('['))!) as string[];
      reads.push(...ids);
      return (await read(ids)) as T[];
    },
  };
  const standing = createStandingLoader(reader, caller);
  // No batch of these loaders may run: what the plugin reads ahead primes them.
  const households = createHouseholdLoaders(new Proxy({}, { get: () => { throw new Error('the household loaders read on their own'); } }) as PrismaClient);
  const context = { policies, caller, callerDecisions: callerDecisions(policies, caller), standing, households } as unknown as RequestContext;
  return { context, reads, standing, households };
}

const involved = async (ids: readonly string[]) => ids.map(found);

async function resolveOperation(context: RequestContext, document: DocumentNode, variables: Record<string, unknown>): Promise<void> {
  const listener = (await readAheadPlugin().requestDidStart!({} as never)) as GraphQLRequestListener<RequestContext>;
  await listener.didResolveOperation!({ document, schema, contextValue: context, operation: getOperationAST(document)!, request: { variables } } as unknown as GraphQLRequestContextDidResolveOperation<RequestContext>);
  // DataLoader sends its batch after the current tick.
  await new Promise((resolve) => setImmediate(resolve));
}

describe('the standing read ahead of execution', () => {
  it('starts for the household asked by id when a selected field depends on involvement, and primes household, members and standing', async () => {
    const { context, reads, standing, households } = contextFor(WIJKCOACH, involved);
    await resolveOperation(context, CASE_SCREEN, { id: 'hh-1001' });
    expect(reads).toEqual(['hh-1001']);
    expect(await standing.load('hh-1001')).toEqual({ involved: true });
    expect(await households.household.load('hh-1001')).toEqual({ id: 'hh-1001' });
    expect(await households.membersOf.load('hh-1001')).toEqual([{ id: 'hh-1001-p1', householdId: 'hh-1001' }]);
    expect(await households.person.load('hh-1001-p1')).toEqual({ id: 'hh-1001-p1', householdId: 'hh-1001' });
    expect(reads).toEqual(['hh-1001']);
  });

  it('answers a household that does not exist as the household loader would: null, without members, not involved', async () => {
    const { context, standing, households } = contextFor(WIJKCOACH, async (ids) => ids.map((id) => ({ ...found(id), involved: false, alongside: null })));
    await resolveOperation(context, parse(`query($ids: [ID!]!) { households(ids: $ids) { members { care { inCare } } } }`), { ids: ['hh-nope'] });
    expect(await households.household.load('hh-nope')).toBeNull();
    expect(await households.membersOf.load('hh-nope')).toEqual([]);
    expect(await standing.load('hh-nope')).toEqual({ involved: false });
  });

  it('reads nothing ahead for a kind of caller whose decisions need no standing, even after another kind asked the same document', async () => {
    // First a wijkcoach (reads ahead), then a caller no basis covers with the very same parsed document:
    // what a document needs is kept per kind of caller, not per document alone.
    await resolveOperation(contextFor(WIJKCOACH, involved).context, CASE_SCREEN, { id: 'hh-1001' });
    const { context, reads } = contextFor(NOBODY, involved);
    await resolveOperation(context, CASE_SCREEN, { id: 'hh-1001' });
    expect(reads).toEqual([]);
  });

  it('keeps a failed read for the first decision that needs it (fail closed), without an unhandled rejection', async () => {
    const { context, standing, households } = contextFor(WIJKCOACH, async () => {
      throw new Error('database down');
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await resolveOperation(context, CASE_SCREEN, { id: 'hh-1001' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      await expect(standing.load('hh-1001')).rejects.toThrow('database down');
      // The household's resolver fails on it too (DATABASE_UNAVAILABLE where the error says so).
      await expect(households.household.load('hh-1001')).rejects.toThrow('database down');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
