import type { FieldPolicy, PolicySet } from '../policy/policy-types.ts';
import type { Block } from './document.ts';
import type { Cell, Situation, VisibilityModel } from './visibility.ts';
import { basisText, categoryText, purposeText, roleText, visibilityText } from './wording.ts';

/**
 * What a change to the policy alters, in the report's words: who gains and who loses access to which
 * field (two visibility models compared cell by cell), and which checks the change weakens or
 * strengthens (the policy sets compared section by section). Access widens when any cell is visible in a
 * situation it was not, or any check is weakened: then the privacy officer must approve.
 */
export interface PolicyDiff {
  widens: boolean;
  /** Nothing at all changed: no cell, no check, no description. */
  unchanged: boolean;
  gains: readonly string[];
  losses: readonly string[];
  weakened: readonly string[];
  strengthened: readonly string[];
  other: readonly string[];
}

/** One side of a comparison: its model, and how it fits the current public schema (src/policy-report/read-policy.ts). */
export interface ComparedVersion {
  model: VisibilityModel;
  label: string;
  /** Fields this version has no policy for (denied under it). */
  absentFields?: ReadonlySet<string>;
  /** Fields this version names that the schema no longer has. */
  droppedFields?: readonly string[];
}

export function diffPolicies(beforeVersion: ComparedVersion, afterVersion: ComparedVersion): PolicyDiff {
  const before = beforeVersion.model;
  const after = afterVersion.model;
  const absent = new Set([...(beforeVersion.absentFields ?? []), ...(afterVersion.absentFields ?? [])]);
  const { gains, losses, other } = compareCells(beforeVersion, afterVersion);
  const checks = compareChecks(before.policies, after.policies, absent);
  for (const version of [beforeVersion, afterVersion]) {
    const absentFields = [...(version.absentFields ?? [])];
    if (absentFields.length > 0) checks.other.push(`No policy in ${version.label} (denied there; not in that version of the schema): ${absentFields.join(', ')}.`);
    for (const name of version.droppedFields ?? []) checks.other.push(`${name} is in ${version.label} but no longer in the public schema: left out of the comparison.`);
  }
  const weakened = checks.weakened;
  const strengthened = checks.strengthened;
  other.push(...checks.other);
  const widens = gains.length > 0 || weakened.length > 0;
  const unchanged = !widens && losses.length === 0 && strengthened.length === 0 && other.length === 0;
  return { widens, unchanged, gains, losses, weakened, strengthened, other };
}

export function policyDiffBlocks(diff: PolicyDiff, beforeLabel: string, afterLabel: string): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: `Policy diff: ${beforeLabel} → ${afterLabel}` }];
  if (diff.unchanged) {
    blocks.push({ kind: 'paragraph', text: 'No change: the same roles see the same fields on the same footing, and no check changed.' });
    return blocks;
  }
  blocks.push({
    kind: 'paragraph',
    text: diff.widens
      ? `Access WIDENS: ${diff.gains.length} gain(s) of access and ${diff.weakened.length} weakened check(s). The privacy officer must approve this change.`
      : 'Access does not widen: nobody gains access and no check is weakened.',
  });
  if (diff.widens) {
    const widens: Block[] = [];
    if (diff.gains.length > 0) widens.push({ kind: 'heading', level: 2, text: 'Who gains access' }, { kind: 'list', items: diff.gains });
    if (diff.weakened.length > 0) widens.push({ kind: 'heading', level: 2, text: 'Checks this change weakens' }, { kind: 'list', items: diff.weakened });
    blocks.push({ kind: 'section', className: 'widens', blocks: widens });
  }
  if (diff.losses.length > 0 || diff.strengthened.length > 0) {
    const narrows: Block[] = [];
    if (diff.losses.length > 0) narrows.push({ kind: 'heading', level: 2, text: 'Who loses access' }, { kind: 'list', items: diff.losses });
    if (diff.strengthened.length > 0) narrows.push({ kind: 'heading', level: 2, text: 'Checks this change strengthens' }, { kind: 'list', items: diff.strengthened });
    blocks.push({ kind: 'section', className: 'narrows', blocks: narrows });
  }
  if (diff.other.length > 0) blocks.push({ kind: 'section', className: 'unchanged', blocks: [{ kind: 'heading', level: 2, text: 'Other changes (access unchanged)' }, { kind: 'list', items: diff.other }] });
  return blocks;
}

/** Cell by cell; changes of one role and purpose with the same before and after are told once, with their fields. */
function compareCells(beforeVersion: ComparedVersion, afterVersion: ComparedVersion): { gains: string[]; losses: string[]; other: string[] } {
  const before = beforeVersion.model;
  const after = afterVersion.model;
  const groups = new Map<string, { direction: 'gains' | 'losses' | 'other'; role: string; purpose: string; was: string; now: string; fields: string[] }>();
  const keys = new Set([...before.cells.keys(), ...after.cells.keys()]);
  const newOpenFields = new Set<string>();
  for (const key of keys) {
    const old = before.cells.get(key);
    const current = after.cells.get(key);
    const cell = (current ?? old)!;
    const gained = difference(current?.visibleIn, old?.visibleIn);
    const lost = difference(old?.visibleIn, current?.visibleIn);
    const was = describeCell(beforeVersion, old, cell);
    const now = describeCell(afterVersion, current, cell);
    const absentOnOneSide = beforeVersion.absentFields?.has(cell.coordinate) || afterVersion.absentFields?.has(cell.coordinate);
    if (gained.length === 0 && lost.length === 0 && (was === now || absentOnOneSide)) continue;
    // A new field without personal data below a root is reached only through its root, whose own cells
    // say who gains; told once, not per role. (An existing field loosened to `none` is a weakened check.)
    if (beforeVersion.absentFields?.has(cell.coordinate) && isOpenWithoutPersonalData(after.policies, cell.coordinate)) {
      newOpenFields.add(cell.coordinate);
      continue;
    }
    // A cell can gain in one situation and lose in another: then it counts as a gain (it needs approval).
    const direction = gained.length > 0 ? 'gains' : lost.length > 0 ? 'losses' : 'other';
    const policies = current ? after.policies : before.policies;
    const groupKey = [direction, cell.role, cell.purpose, was, now].join('\u0000');
    const group = groups.get(groupKey) ?? { direction, role: roleText(policies, cell.role), purpose: purposeText(policies, cell.purpose), was, now, fields: [] };
    group.fields.push(cell.coordinate);
    groups.set(groupKey, group);
  }
  const result = { gains: [] as string[], losses: [] as string[], other: [] as string[] };
  if (newOpenFields.size > 0) result.other.push(`New fields without personal data, seen by whoever may use the field above them: ${[...newOpenFields].join(', ')}.`);
  for (const group of groups.values()) {
    const fields = `${group.fields.length === 1 ? 'field' : `${group.fields.length} fields`} ${group.fields.join(', ')}`;
    const verb = group.direction === 'gains' ? 'gains' : group.direction === 'losses' ? 'loses' : 'keeps';
    const how = group.direction === 'other' ? ', on another footing' : ' access to';
    result[group.direction].push(`${group.role}, for ${group.purpose}, ${verb}${how} ${fields}: before ${group.was}; now ${group.now}.`);
  }
  return result;
}

function isOpenWithoutPersonalData(policies: PolicySet, coordinate: string): boolean {
  const field = policies.fields.get(coordinate);
  const root = coordinate.startsWith('Query.') || coordinate.startsWith('Mutation.');
  return field !== undefined && !root && field.category === undefined && field.bases.every((basis) => basis.kind === 'none') && !field.roles && !field.purposes;
}

function describeCell(version: ComparedVersion, cell: Cell | undefined, either: Cell): string {
  const { policies } = version.model;
  if (!cell) return policies.roles.has(either.role) ? 'no organisation kind could hold the role' : 'the role did not exist';
  if (version.absentFields?.has(cell.coordinate)) return 'never: no policy for the field in this version';
  return visibilityText(policies, cell.visibility);
}

function difference(a: readonly Situation[] | undefined, b: readonly Situation[] | undefined): Situation[] {
  return (a ?? []).filter((situation) => !(b ?? []).includes(situation));
}

interface CheckChanges {
  weakened: string[];
  strengthened: string[];
  other: string[];
}

/** The checks themselves, section by section: what a change loosens even where no cell shows it yet. */
function compareChecks(before: PolicySet, after: PolicySet, absent: ReadonlySet<string>): CheckChanges {
  const changes: CheckChanges = { weakened: [], strengthened: [], other: [] };
  compareFields(before, after, absent, changes);

  for (const [name, legal] of after.legalBases) {
    const old = before.legalBases.get(name);
    if (!old) {
      changes.other.push(`New legal basis ${basisText(after, name)} (roles ${legal.roles.join(', ')}; purposes ${legal.purposes.join(', ')}).`);
      continue;
    }
    listChange(changes, `Legal basis ${name}`, 'role', old.roles, legal.roles, (role) => roleText(after, role));
    listChange(changes, `Legal basis ${name}`, 'purpose', old.purposes, legal.purposes, (purpose) => purposeText(after, purpose));
    if (old.description !== legal.description) changes.other.push(`Legal basis ${name}: description changed to "${legal.description}".`);
  }
  for (const name of before.legalBases.keys()) if (!after.legalBases.has(name)) changes.other.push(`Legal basis ${name} removed.`);

  const involvementBefore = [...before.needToKnow.involvementRequiredFor];
  const involvementAfter = [...after.needToKnow.involvementRequiredFor];
  for (const basis of involvementBefore) if (!involvementAfter.includes(basis)) changes.weakened.push(`Need to know: data on ${basisText(before, basis)} no longer needs involvement with the household (removed from needToKnow.involvementRequiredFor).`);
  for (const basis of involvementAfter) if (!involvementBefore.includes(basis)) changes.strengthened.push(`Need to know: data on ${basisText(after, basis)} now needs involvement with the household.`);

  const glassBefore = before.breakGlass;
  const glassAfter = after.breakGlass;
  listChange(changes, 'Break-the-glass', 'role', glassBefore.roles, glassAfter.roles, (role) => roleText(after, role));
  if (glassAfter.durationMinutes > glassBefore.durationMinutes) changes.weakened.push(`Break-the-glass lasts longer: ${glassBefore.durationMinutes} → ${glassAfter.durationMinutes} minutes.`);
  if (glassAfter.durationMinutes < glassBefore.durationMinutes) changes.strengthened.push(`Break-the-glass lasts shorter: ${glassBefore.durationMinutes} → ${glassAfter.durationMinutes} minutes.`);
  if (glassAfter.minimumJustificationLength < glassBefore.minimumJustificationLength) changes.weakened.push(`Break-the-glass needs a shorter justification: ${glassBefore.minimumJustificationLength} → ${glassAfter.minimumJustificationLength} characters.`);
  if (glassAfter.minimumJustificationLength > glassBefore.minimumJustificationLength) changes.strengthened.push(`Break-the-glass needs a longer justification: ${glassBefore.minimumJustificationLength} → ${glassAfter.minimumJustificationLength} characters.`);
  listChange(changes, 'Break-the-glass', 'reason', [...glassBefore.reasons.keys()], [...glassAfter.reasons.keys()], (code) => `${glassAfter.reasons.get(code) ?? glassBefore.reasons.get(code)} [${code}]`);

  for (const [name, category] of after.categories) {
    const old = before.categories.get(name);
    if (old?.special && !category.special) changes.weakened.push(`Category ${name} is no longer a special category (AVG art. 9): its data may be shared on a legal basis.`);
    if (old && !old.special && category.special) changes.strengthened.push(`Category ${categoryText(after, name)} is now a special category (consent only).`);
    if (old && old.description !== category.description) changes.other.push(`Category ${name}: description changed to "${category.description}".`);
  }

  listChange(changes, 'Supervision of the whole hub', 'role', before.supervision.hubWideRoles, after.supervision.hubWideRoles, (role) => roleText(after, role));
  for (const [kind, policy] of after.organisationKinds) {
    listChange(changes, `Organisation kind ${policy.description} [${kind}]`, 'role', before.organisationKinds.get(kind)?.roles ?? [], policy.roles, (role) => roleText(after, role));
  }
  for (const [what, map] of [['Role', 'roles'], ['Purpose', 'purposes']] as const) {
    for (const [name, description] of after[map]) {
      const old = before[map].get(name);
      if (old === undefined) changes.other.push(`${what} ${name} added: "${description}".`);
      else if (old !== description) changes.other.push(`${what} ${name}: description changed to "${description}".`);
    }
    for (const name of before[map].keys()) if (!after[map].has(name)) changes.other.push(`${what} ${name} removed.`);
  }
  return changes;
}

function compareFields(before: PolicySet, after: PolicySet, absent: ReadonlySet<string>, changes: CheckChanges): void {
  for (const [coordinate, field] of after.fields) {
    const old = before.fields.get(coordinate);
    // A field one version has no policy for is told once (diffPolicies); what it gains shows in the cells.
    if (!old || absent.has(coordinate)) continue;
    const basesBefore = old.bases.map(basisName);
    const basesAfter = field.bases.map(basisName);
    const added = basesAfter.filter((basis) => !basesBefore.includes(basis));
    const removed = basesBefore.filter((basis) => !basesAfter.includes(basis));
    const fromConsent = basesBefore.includes('consent') && added.some((basis) => basis !== 'consent');
    for (const basis of added) {
      if (fromConsent && basis !== 'consent') changes.weakened.push(`${coordinate} moves from consent to ${basisText(after, basis)}: it no longer needs the person's consent.`);
      else changes.weakened.push(`${coordinate}: basis ${basisText(after, basis)} added.`);
    }
    // Consent replaced by a legal basis is one weakening (above), not also a strengthening.
    for (const basis of removed) if (!(fromConsent && basis === 'consent')) changes.strengthened.push(`${coordinate}: basis ${basisText(before, basis)} removed.`);
    narrowingChange(changes, coordinate, 'role', old.roles, field.roles, (role) => roleText(after, role));
    narrowingChange(changes, coordinate, 'purpose', old.purposes, field.purposes, (purpose) => purposeText(after, purpose));
    if (old.category !== field.category) {
      const wasSpecial = old.category !== undefined && before.categories.get(old.category)?.special === true;
      const isSpecial = field.category !== undefined && after.categories.get(field.category)?.special === true;
      const text = `${coordinate}: category ${old.category ?? '(none)'} → ${field.category ?? '(none)'}.`;
      (wasSpecial && !isSpecial ? changes.weakened : isSpecial && !wasSpecial ? changes.strengthened : changes.other).push(text);
    }
  }
}

/** A field's own roles or purposes: absent means "as the basis says" (or, with basis none, anyone). */
function narrowingChange(changes: CheckChanges, coordinate: string, what: string, before: readonly string[] | undefined, after: readonly string[] | undefined, name: (key: string) => string): void {
  if (before && !after) changes.weakened.push(`${coordinate}: no longer limited to the ${what}s ${before.join(', ')}.`);
  else if (!before && after) changes.strengthened.push(`${coordinate}: now limited to the ${what}s ${after.join(', ')}.`);
  else if (before && after) listChange(changes, coordinate, what, before, after, name);
}

function listChange(changes: CheckChanges, subject: string, what: string, before: readonly string[], after: readonly string[], name: (key: string) => string): void {
  for (const item of after) if (!before.includes(item)) changes.weakened.push(`${subject}: ${what} ${name(item)} added.`);
  for (const item of before) if (!after.includes(item)) changes.strengthened.push(`${subject}: ${what} ${name(item)} removed.`);
}

function basisName(basis: FieldPolicy['bases'][number]): string {
  return basis.kind === 'legal' ? basis.name : basis.kind;
}
