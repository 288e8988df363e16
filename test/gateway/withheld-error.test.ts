import { describe, expect, it } from 'vitest';
import { buildSchema, execute, GraphQLError, type GraphQLResolveInfo, locatedError, parse } from 'graphql';
import { pathToArray } from '@graphql-tools/utils';
import type { Decision } from '../../src/policy/decide.ts';
import { withheldError } from '../../src/gateway/withheld-error.ts';

/**
 * Withheld errors share one GraphQLError per decision and field of the document, each person's error
 * inheriting from it with a path of its own. The answer must be what one GraphQLError per field gives.
 */
const schema = buildSchema(`type Query { people: [Person] } type Person { name: String care: Care } type Care { inCare: Boolean }`);
const document = parse(`query Screen {
  people {
    name
    care { inCare }
  }
}`);
const decision: Extract<Decision, { allowed: false }> = {
  allowed: false, coordinate: 'Person.care', code: 'CONSENT_REQUIRED', category: 'ggz', reason: "Consent of this person is required for category 'ggz'",
  requiredConsent: { category: 'ggz', granteeOrganisationId: 'wijkteam-oost', purpose: 'wijkteam-ondersteuning' },
  options: [{ basis: 'consent', kind: 'consent', roles: ['wijkcoach'], purposes: ['wijkteam-ondersteuning'], outcome: 'CONSENT_MISSING' }],
};

async function answer(withhold: (info: GraphQLResolveInfo) => GraphQLError, of = document) {
  const result = await execute({
    schema, document: of,
    rootValue: { people: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
    fieldResolver: (source, _args, _context, info) => {
      if (info.fieldName === 'care') throw withhold(info);
      return (source as Record<string, unknown>)[info.fieldName];
    },
  });
  return JSON.stringify(result);
}

/** What each withheld field got before: a GraphQLError of its own. */
function ownError(info: GraphQLResolveInfo): GraphQLError {
  return new GraphQLError(decision.reason, { nodes: info.fieldNodes, path: pathToArray(info.path), extensions: withheldError(decision, info).extensions });
}

describe('withheld errors', () => {
  it('answer byte for byte what one GraphQLError per withheld field answers, each at its own path', async () => {
    const shared = await answer((info) => withheldError(decision, info));
    expect(shared).toBe(await answer(ownError));
    expect(JSON.parse(shared).errors.map((error: { path: unknown[] }) => error.path)).toEqual([['people', 0, 'care'], ['people', 1, 'care'], ['people', 2, 'care']]);
  });

  it('are GraphQLErrors of their own: located, and a change to one is not seen in another', async () => {
    const errors: GraphQLError[] = [];
    await answer((info) => {
      const error = withheldError(decision, info);
      errors.push(error);
      return error;
    });
    const [first, second] = errors;
    expect(first).toBeInstanceOf(GraphQLError);
    // graphql-js passes a located error on as it is.
    expect(locatedError(first, [], ['elsewhere'])).toBe(first);
    (first as { message: string }).message = 'changed by a plugin';
    expect(second.message).toBe(decision.reason);
    expect(first.path).toEqual(['people', 0, 'care']);
    expect(() => (second.locations as unknown as { line: number }[]).push({ line: 1 })).toThrow();
    expect(Object.isFrozen(second.extensions)).toBe(true);
  });

  it('share one template between executions of the same parsed document, and not with another document', async () => {
    const templatesSeen = async (of: typeof document) => {
      const seen = new Set<unknown>();
      await answer((info) => {
        const error = withheldError(decision, info);
        seen.add(Object.getPrototypeOf(error));
        return error;
      }, of);
      return seen;
    };
    const [first, again] = [await templatesSeen(document), await templatesSeen(document)];
    expect(first.size).toBe(1);
    expect(again.size).toBe(1);
    expect([...again][0]).toBe([...first][0]);
    // Another document (the field elsewhere): its own template, with its own locations.
    const other = parse(`query Other { people { care { inCare } name } }`);
    const [otherTemplate] = await templatesSeen(other);
    expect(otherTemplate).not.toBe([...first][0]);
    expect((otherTemplate as GraphQLError).locations).toEqual([{ line: 1, column: 24 }]);
  });
});
