/** What the console's tests and screenshots start from: demo activity in the log, and signing in. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestHub } from '../support/hub.ts';

export const DEMO_BSN = '999906318'; // Mohammed El Amrani, hh-1001 (fictional demo data)
export const EMERGENCY_JUSTIFICATION = 'Melding crisisdienst: dreigende uitzetting morgenochtend, regisseur van oost is onbereikbaar.';

/** Oost's wijkcoach reads household hh-1001; West's wijkcoach, not involved, declares an emergency for it. */
export async function makeDemoActivity(hub: TestHub): Promise<void> {
  const coach = await hub.token({ role: 'wijkcoach' });
  expect((await hub.query(coach, '{ household(id: "hh-1001") { address { street } members { housing { rentArrearsMonths } } } }')).status).toBe(200);
  const westCoach = await hub.token({ role: 'wijkcoach', organisationId: 'wijkteam-west', subject: 'lotte.west' });
  const declared = await hub.query(westCoach, 'mutation($i: DeclareEmergencyAccessInput!) { declareEmergencyAccess(input: $i) { id } }', {
    i: { householdId: 'hh-1001', reasonCode: 'dreigende-dakloosheid', justification: EMERGENCY_JUSTIFICATION },
  });
  expect(declared.body.errors).toBeUndefined();
}

/** Opens the console fresh (no token in memory) and pastes a token, as an officer would. */
export async function signIn(page: Page, hub: TestHub, token: string): Promise<void> {
  await page.goto(`${hub.gateway.url}/console/`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
}
