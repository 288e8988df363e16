/**
 * `npm run console:screenshots`: one PNG per console page in docs/console/, from the demo data (fictional
 * people), for the issue and the docs. Needs PostgreSQL on 127.0.0.1:5432 and Debian's chromium.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestHub } from '../support/hub.ts';
import { launchChromium } from './browser.ts';
import { DEMO_BSN, makeDemoActivity, signIn } from './console-fixture.ts';

const OUT_DIR = path.resolve('docs/console');

const database = await createTestDatabase();
if (!database) throw new Error('PostgreSQL is not reachable on 127.0.0.1:5432');
const hub = await startTestHub(database);
const browser = await launchChromium();
try {
  await mkdir(OUT_DIR, { recursive: true });
  await makeDemoActivity(hub);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The whole page, except where it runs to metres (the policy report lists every field for every role):
  // there the first three screens show what the page is.
  const shoot = (name: string) => page.screenshot({ path: path.join(OUT_DIR, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 2400 } });

  await page.goto(`${hub.gateway.url}/console/`);
  await shoot('sign-in');

  await signIn(page, hub, await hub.token({ role: 'hub-privacy-officer' }));
  await page.getByLabel('BSN van de betrokkene').fill(DEMO_BSN);
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await page.locator('#log-rows tr').first().waitFor();
  await shoot('log');

  await page.getByRole('link', { name: 'Inzageverslag' }).click();
  await page.getByLabel('BSN van de inwoner').fill(DEMO_BSN);
  await page.getByRole('button', { name: 'Verslag openen' }).click();
  await page.locator('#report-accesses li').first().waitFor();
  await shoot('report');
  await page.emulateMedia({ media: 'print' });
  await shoot('report-print');
  await page.emulateMedia({ media: 'screen' });

  await page.getByRole('link', { name: 'Noodtoegang beoordelen' }).click();
  await page.locator('article.review').first().waitFor();
  await shoot('reviews');

  await page.getByRole('link', { name: 'Beleid' }).click();
  await page.locator('#policy-unavailable:not([hidden]), #policy-report > *').first().waitFor();
  await shoot('policy');

  await page.getByRole('link', { name: 'Ketenstatus' }).click();
  await page.locator('#chain-result:not([hidden])').waitFor();
  await shoot('chain');

  await signIn(page, hub, await hub.token({ role: 'wijkcoach' }));
  await page.locator('#signin-error:not(:empty)').waitFor();
  await shoot('refused-wijkcoach');
  console.log(`Screenshots written to ${path.relative(process.cwd(), OUT_DIR)}/`);
} finally {
  await browser.close();
  await hub.stop();
  await database.drop();
}
