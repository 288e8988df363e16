import { DangerousChangeType, findBreakingChanges, findDangerousChanges, GraphQLSchema } from 'graphql';
import { fail, pass, type ConformanceCheck } from '../check.ts';
import { introspectAdapter } from '../introspection.ts';
import { SPECIAL_CATEGORY_DIRECTIVE } from '../../../policy/special-category-guard.ts';

/**
 * Every type, field and argument of the hub's contract is served with a compatible type. Comparing the
 * contract (old) with the served schema (new) as a schema change: whatever would break a client of the
 * contract fails, and so does an enum value the contract lacks (the gateway could not pass it on).
 */
export const schemaCompatible: ConformanceCheck = {
  name: 'schema-compatible',
  async run(context) {
    const served = await introspectAdapter(context.url, context.contract, context.tokens, context.requestTimeoutMs);
    if (typeof served === 'string') return fail(served);
    const contract = withoutHubMarkers(context.contract.schema);
    const problems = [
      ...findBreakingChanges(contract, served),
      ...findDangerousChanges(contract, served).filter((change) => change.type === DangerousChangeType.VALUE_ADDED_TO_ENUM),
    ].map((change) => change.description);
    if (problems.length === 0) return pass(`serves the ${context.contract.domain} contract`);
    const shown = problems.slice(0, 3).join(' ');
    return fail(`${problems.length} difference(s) from the contract: ${shown}${problems.length > 3 ? ' …' : ''}`);
  },
};

/**
 * The contract without the hub's own markers (@specialCategory): they tell the hub's policy check which
 * data is special, and mean nothing to the gateway as a client of the adapter. An adapter built on
 * another stack need not declare them (introspection shows a directive's declaration, never its uses).
 */
function withoutHubMarkers(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, directives: config.directives.filter((directive) => directive.name !== SPECIAL_CATEGORY_DIRECTIVE) });
}
