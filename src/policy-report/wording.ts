import type { PolicySet } from '../policy/policy-types.ts';
import type { Visibility } from './visibility.ts';

/**
 * The words the report and the diff share: roles, purposes, categories and legal bases by their Dutch
 * description from the policy file (the key follows in brackets, for whoever edits the file), and how a
 * field becomes visible.
 */

export function roleText(policies: PolicySet, role: string): string {
  return named(policies.roles.get(role), role);
}

export function purposeText(policies: PolicySet, purpose: string): string {
  return named(policies.purposes.get(purpose), purpose);
}

export function categoryText(policies: PolicySet, category: string | undefined): string {
  if (category === undefined) return 'Geen persoonsgegevens (no category)';
  const found = policies.categories.get(category);
  return `${named(found?.description, category)}${found?.special ? ' (special category, AVG art. 9)' : ''}`;
}

/** A legal basis by the first clause of its description: the full text is in the report's table of bases. */
export function basisText(policies: PolicySet, basis: string): string {
  if (basis === 'none') return 'no personal data';
  if (basis === 'consent') return "the person's consent";
  const description = policies.legalBases.get(basis)?.description;
  return `legal basis ${named(description ? firstClause(description) : undefined, basis)}`;
}

export function visibilityText(policies: PolicySet, visibility: Visibility): string {
  switch (visibility.kind) {
    case 'always':
      return visibility.basis === 'none' ? 'always (no personal data)' : `always, on ${basisText(policies, visibility.basis)}`;
    case 'involvement':
      return `with involvement, on ${basisText(policies, visibility.basis)}${visibility.breakGlass ? '; or under break-the-glass' : ''}`;
    case 'consent':
      return `only with the person's consent${visibility.involvement ? ' and involvement' : ''}${visibility.breakGlass ? '; or with consent under break-the-glass' : ''}`;
    case 'never':
      return visibility.why === 'PURPOSE_NOT_COVERED' ? 'never: purpose not covered' : 'never: role not covered';
  }
}

function named(description: string | undefined, key: string): string {
  return description ? `${description} [${key}]` : key;
}

/** Up to the first colon or full stop outside brackets: "Publieke taak van de gemeente (AVG art. 6 lid 1 sub e)". */
function firstClause(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (char === ':' || (char === '.' && /\s|$/.test(text[i + 1] ?? '')))) return text.slice(0, i).trim();
  }
  return text.trim();
}
