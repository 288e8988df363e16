import type { Block, TableRow } from './document.ts';
import { type Cell, cellKey, type VisibilityModel } from './visibility.ts';
import { categoryText, purposeText, roleText, visibilityText } from './wording.ts';

/**
 * The policy report for privacy officers: a summary (roles, purposes, how many fields each may see on
 * which footing), the legal bases and categories with their descriptions, then per role × purpose every
 * category and field with how it becomes visible. Written as blocks (src/policy-report/document.ts).
 */
export function policyReportBlocks(model: VisibilityModel, source: string): Block[] {
  const { policies } = model;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: 'Policy report: who may see what' },
    { kind: 'paragraph', text: `Policy file: ${source}. Worked out with the hub's own decision (src/policy/decide.ts) for every role that an organisation kind may hold, every purpose and every field, in each situation: not involved, involved, under a break-the-glass grant, each with and without the person's consent.` },
  ];

  const summary: Block[] = [{ kind: 'heading', level: 2, text: 'Summary' }];
  summary.push({
    kind: 'table',
    head: ['Role', 'Held by', 'May declare break-the-glass, for'],
    rows: model.roles.map((role) => ({
      cells: [roleText(policies, role), [...policies.organisationKinds].filter(([, kind]) => kind.roles.includes(role)).map(([name, kind]) => `${kind.description} [${name}]`).join(', '), model.breakGlassPurposes.get(role)!.map((purpose) => purposeText(policies, purpose)).join('; ') || 'no'],
    })),
  });
  if (model.unheldRoles.length > 0) {
    summary.push({ kind: 'paragraph', text: `Roles no organisation kind may hold (no token can carry them): ${model.unheldRoles.map((role) => roleText(policies, role)).join('; ')}.` });
  }
  summary.push({ kind: 'table', head: ['Purpose'], rows: model.purposes.map((purpose) => ({ cells: [purposeText(policies, purpose)] })) });
  summary.push({ kind: 'paragraph', text: 'How many fields with personal data each role may see per purpose, and on what footing (fields without personal data are left out of the counts).' });
  summary.push({
    kind: 'table',
    head: ['Role', 'Purpose', 'Always', 'With involvement', 'With consent', 'Also under break-the-glass', 'Never'],
    rows: combinations(model).map(([role, purpose]) => {
      const cells = personalCells(model, role, purpose);
      const count = (test: (cell: Cell) => boolean) => String(cells.filter(test).length);
      return {
        cells: [
          roleText(policies, role),
          purposeText(policies, purpose),
          count((cell) => cell.visibility.kind === 'always'),
          count((cell) => cell.visibility.kind === 'involvement'),
          count((cell) => cell.visibility.kind === 'consent'),
          count((cell) => (cell.visibility.kind === 'involvement' || cell.visibility.kind === 'consent') && cell.visibility.breakGlass),
          count((cell) => cell.visibility.kind === 'never'),
        ],
      };
    }),
  });
  blocks.push({ kind: 'section', className: 'summary', blocks: summary });

  blocks.push({ kind: 'heading', level: 2, text: 'Legal bases' });
  blocks.push({
    kind: 'table',
    head: ['Legal basis', 'Description', 'Roles', 'Purposes', 'Needs involvement'],
    rows: [...policies.legalBases].map(([name, legal]) => ({
      cells: [name, legal.description, legal.roles.map((role) => roleText(policies, role)).join('; '), legal.purposes.map((purpose) => purposeText(policies, purpose)).join('; '), policies.needToKnow.involvementRequiredFor.has(name) ? 'yes' : 'no'],
    })),
  });
  blocks.push({ kind: 'paragraph', text: `Consent ${policies.needToKnow.involvementRequiredFor.has('consent') ? 'also needs' : 'does not need'} involvement. Break-the-glass: ${policies.breakGlass.durationMinutes} minutes, a justification of at least ${policies.breakGlass.minimumJustificationLength} characters, never for a special category.` });
  blocks.push({ kind: 'heading', level: 2, text: 'Categories' });
  blocks.push({ kind: 'table', head: ['Category', 'Fields'], rows: categoriesOf(model).map((category) => ({ cells: [categoryText(policies, category), String(fieldsIn(model, category).length)] })) });

  for (const [role, purpose] of combinations(model)) {
    blocks.push({ kind: 'heading', level: 2, text: `${roleText(policies, role)}, for ${purposeText(policies, purpose)}` });
    const rows: TableRow[] = [];
    for (const category of categoriesOf(model)) {
      // One row per way of visibility within the category, naming its fields.
      const groups = new Map<string, { cell: Cell; fields: string[] }>();
      for (const coordinate of fieldsIn(model, category)) {
        const cell = model.cells.get(cellKey(role, purpose, coordinate))!;
        const text = visibilityText(policies, cell.visibility);
        const group = groups.get(text) ?? { cell, fields: [] };
        group.fields.push(coordinate);
        groups.set(text, group);
      }
      for (const [text, { cell, fields }] of groups) {
        rows.push({ cells: [categoryText(policies, category), text, fields.join(', ')], className: `visibility-${cell.visibility.kind}` });
      }
    }
    blocks.push({ kind: 'table', head: ['Category', 'How visible', 'Fields'], rows });
  }
  return blocks;
}

/** Every role × purpose pair of the model, roles first. */
export function combinations(model: VisibilityModel): [string, string][] {
  return model.roles.flatMap((role) => model.purposes.map((purpose): [string, string] => [role, purpose]));
}

function personalCells(model: VisibilityModel, role: string, purpose: string): Cell[] {
  return [...model.policies.fields.values()].filter((field) => field.category !== undefined).map((field) => model.cells.get(cellKey(role, purpose, field.coordinate))!);
}

/** The file's categories in its order, then "no category" last. */
function categoriesOf(model: VisibilityModel): (string | undefined)[] {
  return [...model.policies.categories.keys(), undefined].filter((category) => fieldsIn(model, category).length > 0);
}

function fieldsIn(model: VisibilityModel, category: string | undefined): string[] {
  return [...model.policies.fields.values()].filter((field) => field.category === category).map((field) => field.coordinate);
}
