import type { PolicySource } from '../policy/policy-source.ts';
import type { ComparedVersion } from './policy-diff.ts';
import { parsePolicyForComparison } from './read-policy.ts';
import { buildVisibilityModel } from './visibility.ts';

/** One side of a diff, for the CLI and the console alike: parsed to fit the current schema, and its model. */
export function comparedVersion(source: PolicySource, now = new Date()): ComparedVersion {
  const { policies, absentFields, droppedFields } = parsePolicyForComparison(source);
  return { model: buildVisibilityModel(policies, now), label: source.label, absentFields, droppedFields };
}
