import { GraphQLError, type FieldNode, type GraphQLResolveInfo } from 'graphql';
import { isValidBsn } from '../../domain/bsn.ts';
import { MAX_KEYS_PER_REQUEST } from '../../domain/partner-domains.ts';
import type { Logger } from '../../observability/logger.ts';
import type { AdapterDefinition } from './define-adapter.ts';
import type { AdapterRequestContext } from './request-context.ts';
import { partnerFailure, withinTimeBudget } from './partner-failure.ts';
import { coordinatesBelow, domainFieldNames } from '../../selection/selected-fields.ts';

/**
 * `Query.peopleByBsn(bsns)`, the one query every adapter contract has: validated keys, ONE partner call
 * for the distinct keys, the processing log written, and the answer in key order with `null` for
 * people the partner does not know.
 */

export { MAX_KEYS_PER_REQUEST };

export type PersonResult = ({ bsn: string } & Record<string, unknown>) | null;

export function assertValidBsns(bsns: readonly string[]): void {
  if (bsns.length > MAX_KEYS_PER_REQUEST) {
    throw new GraphQLError(`Too many BSNs: at most ${MAX_KEYS_PER_REQUEST} per query`, {
      extensions: { code: 'BAD_USER_INPUT', argument: 'bsns' },
    });
  }
  bsns.forEach((bsn, index) => {
    if (!isValidBsn(bsn)) {
      // The index lets the caller find the bad key; the value itself stays out of errors and logs.
      throw new GraphQLError('Invalid BSN: does not pass the elfproef', {
        extensions: { code: 'BAD_USER_INPUT', argument: 'bsns', index },
      });
    }
  });
}

/** What one `peopleByBsn` field selects: the coordinates (for the log) and the domain's field names (for the partner). */
interface Selection {
  coordinates: readonly string[];
  fields: readonly string[];
  asksDomain: boolean;
}

export function peopleByBsnResolver(definition: AdapterDefinition<unknown>) {
  // The service parses a query text once and hands the same document to every request with that text:
  // a field node's selection is worked out once (directives are not evaluated, so variables change nothing).
  const selections = new WeakMap<FieldNode, Selection>();
  const selectionOf = (info: GraphQLResolveInfo): Selection => {
    const cacheable = info.fieldNodes.length === 1;
    const cached = cacheable ? selections.get(info.fieldNodes[0]) : undefined;
    if (cached) return cached;
    const coordinates = Object.freeze(coordinatesBelow(info.schema, info.schema.getType('Person')!, info.fieldNodes, info.fragments));
    const selection = {
      coordinates,
      fields: Object.freeze(domainFieldNames(info.schema, coordinates, definition.personField)),
      asksDomain: coordinates.includes(`Person.${definition.personField}`),
    };
    if (cacheable) selections.set(info.fieldNodes[0], selection);
    return selection;
  };

  return async (_root: unknown, args: { bsns: string[] }, context: AdapterRequestContext, info: GraphQLResolveInfo): Promise<PersonResult[]> => {
    assertValidBsns(args.bsns);
    const { coordinates, fields, asksDomain } = selectionOf(info);
    // Only the keys asked for: nothing to ask the partner, and nothing processed to log.
    if (args.bsns.length === 0 || !asksDomain) return args.bsns.map((bsn) => ({ bsn }));

    const bsns = [...new Set(args.bsns)];
    // A logger bound to the trace, made only when something is logged (a pino child costs microseconds).
    let traced: Logger | undefined;
    const log = () => (traced ??= context.log.child({ traceId: context.trace.traceId }));
    const startedAt = new Date();
    let found: Map<string, unknown> | undefined;
    let failure: GraphQLError | undefined;
    try {
      found = await withinTimeBudget(context.timeBudgetMs, (signal) =>
        definition.fetch(bsns, fields, {
          signal, timeBudgetMs: context.timeBudgetMs, traceId: context.trace.traceId,
          get log() {
            return log();
          },
        }),
      );
      if (!(found instanceof Map)) throw new TypeError('fetch did not return a Map');
    } catch (error) {
      failure = partnerFailure(definition.domain, error, log());
    }
    const endedAt = new Date();
    try {
      await context.processingLog.append({
        operation: 'peopleByBsn', ok: failure === undefined, startedAt, endedAt, trace: context.trace, claims: context.claims, bsns, fields: coordinates,
      });
    } catch (error) {
      // No record of the processing, no answer: the log is what makes the processing accountable.
      log().error({ errorName: error instanceof Error ? error.name : typeof error }, 'processing log could not be written');
      throw new GraphQLError('Processing log unavailable', { extensions: { code: 'PROCESSING_LOG_UNAVAILABLE' } });
    }
    if (failure) throw failure;
    if (context.log.isLevelEnabled('info')) log().info({ keys: args.bsns.length, distinct: bsns.length, found: found!.size, fields: fields.length, durationMs: endedAt.getTime() - startedAt.getTime() }, 'peopleByBsn answered');
    return args.bsns.map((bsn) => {
      const record = found!.get(bsn);
      return record === undefined || record === null ? null : { bsn, [definition.personField]: record };
    });
  };
}
