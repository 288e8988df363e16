import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import type { EdgeConfig } from './edge-config.ts';
import { EDGE_ERROR_CODES, type EdgeErrorCode } from './edge-errors.ts';

/**
 * Depth, aliases, cost and directives (graphql-armor's validation rules) and tokens (graphql-js's own
 * parser limit, which stops parsing at the limit instead of parsing the document twice as armor's
 * Apollo token plugin does). Each refusal carries its own code; field suggestions ("Did you mean ...")
 * are masked when introspection is off, since they describe the schema too.
 */
export interface QueryLimits {
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  plugins: ApolloServerPlugin[];
}

export function createQueryLimits(config: EdgeConfig): QueryLimits {
  const reject = (code: EdgeErrorCode, what: string) => (context: ValidationContext | null, error: GraphQLError) => {
    // armor's message is "Syntax Error: Aliases limit of 100 exceeded, found 1000."; ours names the limit.
    const detail = error.message.replace(/^Syntax Error: /, '');
    context?.reportError(new GraphQLError(`The query has ${what}: ${detail}`, { extensions: { code } }));
  };
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxDepth, onReject: [reject(EDGE_ERROR_CODES.queryTooDeep, 'too deep a selection')], propagateOnRejection: false },
    maxAliases: { n: config.maxAliases, onReject: [reject(EDGE_ERROR_CODES.tooManyAliases, 'too many aliases')], propagateOnRejection: false },
    costLimit: { maxCost: config.maxCost, onReject: [reject(EDGE_ERROR_CODES.queryTooCostly, 'too high a cost')], propagateOnRejection: false },
    maxDirectives: { n: config.maxDirectives, onReject: [reject(EDGE_ERROR_CODES.tooManyDirectives, 'too many directives')], propagateOnRejection: false },
    maxTokens: { enabled: false },
    // armor's mask leaves a stray "?" behind; Apollo's own plugin removes the whole suggestion.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: config.maxTokens },
    plugins: [...armor.plugins, limitCodesPlugin(config.maxTokens), ...(config.introspection ? [] : [ApolloServerPluginDisableSuggestions()])],
  };
}

const LIMIT_CODES = new Set<string>(Object.values(EDGE_ERROR_CODES));

/**
 * Apollo files every validation error under GRAPHQL_VALIDATION_FAILED and every parse error under
 * GRAPHQL_PARSE_FAILED; this restores the limit's own code (kept on the original error) before the
 * response is formatted, so a front end can tell "too many aliases" from a typo.
 */
function limitCodesPlugin(maxTokens: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const extensions = error.extensions as Record<string, unknown>;
            const original = error.originalError instanceof GraphQLError ? error.originalError.extensions?.code : undefined;
            if (typeof original === 'string' && LIMIT_CODES.has(original)) extensions.code = original;
            if (extensions.code === 'GRAPHQL_PARSE_FAILED' && /Document contains more tha[nt] \d+ tokens/.test(error.message)) {
              extensions.code = EDGE_ERROR_CODES.tooManyTokens;
              error.message = `The query has too many tokens: the limit is ${maxTokens}.`;
            }
          }
        },
      };
    },
  };
}
