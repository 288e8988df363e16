/**
 * Whether two gateways gave the same case screen, so a broken contestant cannot win the bench: the plain
 * peer answers everything without errors; ontschot answers the same data, except fields it withholds by
 * policy, which are null with an error at exactly that path. Problems name paths (field names and list
 * positions) and error codes only, never a value: the values are personal data.
 */

export interface GraphQLAnswer {
  data?: unknown;
  errors?: { path?: readonly (string | number)[]; extensions?: { code?: unknown } }[];
}

/** Withheld on purpose by ontschot's policy decisions: part of a correct answer. */
export const POLICY_CODES = new Set(['CONSENT_REQUIRED', 'FORBIDDEN', 'PURPOSE_MISMATCH', 'NOT_INVOLVED']);

/** Problems with a plain peer's answer on its own: no data, or any error. */
export function plainAnswerProblems(answer: GraphQLAnswer): string[] {
  const problems = (answer.errors ?? []).map((error) => `plain: error ${String(error.extensions?.code ?? 'without code')} at ${pathText(error.path)}`);
  if (answer.data == null) problems.push('plain: no data');
  return problems;
}

/** Problems with an ontschot answer compared with the plain peer's answer to the same query. */
export function compareWithPlain(plain: GraphQLAnswer, ontschot: GraphQLAnswer): string[] {
  const problems: string[] = [];
  const withheld = new Set<string>();
  for (const error of ontschot.errors ?? []) {
    const code = String(error.extensions?.code ?? 'without code');
    if (POLICY_CODES.has(code) && error.path) withheld.add(pathText(error.path));
    else problems.push(`ontschot: error ${code} at ${pathText(error.path)}`);
  }
  if (ontschot.data == null) return [...problems, 'ontschot: no data'];
  const walk = (expected: unknown, actual: unknown, path: (string | number)[]): void => {
    if (actual === null && expected !== null && withheld.has(pathText(path))) return;
    if (Array.isArray(expected) && Array.isArray(actual)) {
      if (expected.length !== actual.length) problems.push(`${pathText(path)}: ${actual.length} items where plain has ${expected.length}`);
      else expected.forEach((item, i) => walk(item, actual[i], [...path, i]));
      return;
    }
    if (isObject(expected) && isObject(actual)) {
      const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
      for (const key of keys) walk(expected[key], actual[key], [...path, key]);
      return;
    }
    if (!Object.is(expected, actual)) problems.push(`${pathText(path)}: differs from plain${actual === null ? ' (null without a policy error)' : ''}`);
  };
  walk(plain.data, ontschot.data, []);
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathText(path: readonly (string | number)[] | undefined): string {
  return path?.length ? path.join('.') : '(root)';
}
