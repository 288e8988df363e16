import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printPublicSchema } from '../../src/hub/start-hub.ts';

describe('the public contract', () => {
  it('is what schema/public.graphql says (regenerate with npm run schema:print)', () => {
    expect(`${printPublicSchema()}\n`).toBe(readFileSync('schema/public.graphql', 'utf8'));
  });

  it('keeps the adapters\' merge plumbing out of it', () => {
    const printed = printPublicSchema();
    expect(printed).not.toContain('peopleByBsn');
    expect(printed).toMatch(/type Person \{[^}]*\bhousing: Housing[^}]*\bdebt: Debt[^}]*\bcare: Care/s);
  });
});
