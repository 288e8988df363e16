import { describe, expect, it } from 'vitest';
import DataLoader from 'dataloader';
import { getOperationAST, parse, type DocumentNode } from 'graphql';
import type { GraphQLRequestContextDidResolveOperation, GraphQLRequestListener } from '@apollo/server';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import type { Standing } from '../../src/policy/need-to-know.ts';
import type { Caller } from '../../src/auth/caller.ts';
import type { RequestContext } from '../../src/request/request-context.ts';
import { callerDecisions } from '../../src/request/static-decisions.ts';
import { consentsWithStandingPlugin } from '../../src/gateway/consents-with-standing.ts';

/**
 * Before execution the plugin starts the standing read for households asked by id, when a selected
 * field's decision depends on involvement for this kind of caller, so that it runs beside the household
 * read; otherwise it reads nothing ahead.
 */
const schema = publicSchemaForPolicyCheck();
const policies = loadPolicyFile('schema/field-policies.yaml', schema);
const WIJKCOACH: Caller = { subject: 'wijkcoach-1', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' };
/** A role no basis covers: every field is decided without the standing. */
const NOBODY: Caller = { subject: 'someone', organisationId: 'wijkteam-oost', roles: ['no-such-role'], purpose: 'wijkteam-ondersteuning' };
const CASE_SCREEN = parse(`query($id: ID!) { household(id: $id) { address { street } members { givenName housing { rentArrearsMonths } care { inCare } } } }`);

function contextFor(caller: Caller, read: (ids: readonly string[]) => Promise<Standing[]>) {
  const reads: string[] = [];
  const standing = new DataLoader<string, Standing>(async (ids) => {
    reads.push(...ids);
    return read(ids);
  });
  const context = { policies, caller, callerDecisions: callerDecisions(policies, caller), standing } as unknown as RequestContext;
  return { context, reads, standing };
}

const involved = async (ids: readonly string[]) => ids.map(() => ({ involved: true }));

async function resolveOperation(context: RequestContext, document: DocumentNode, variables: Record<string, unknown>): Promise<void> {
  const listener = (await consentsWithStandingPlugin().requestDidStart!({} as never)) as GraphQLRequestListener<RequestContext>;
  await listener.didResolveOperation!({ document, schema, contextValue: context, operation: getOperationAST(document)!, request: { variables } } as unknown as GraphQLRequestContextDidResolveOperation<RequestContext>);
  // DataLoader sends its batch after the current tick.
  await new Promise((resolve) => setImmediate(resolve));
}

describe('the standing read ahead of execution', () => {
  it('starts for the household asked by id when a selected field depends on involvement', async () => {
    const { context, reads } = contextFor(WIJKCOACH, involved);
    await resolveOperation(context, CASE_SCREEN, { id: 'hh-1001' });
    expect(reads).toEqual(['hh-1001']);
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
    const { context, standing } = contextFor(WIJKCOACH, async () => {
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
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
