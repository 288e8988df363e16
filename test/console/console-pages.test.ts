import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import pg from 'pg';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { chromiumAvailable, launchChromium, screenshotOnFailure, seriousAccessibilityViolations } from './browser.ts';
import { DEMO_BSN as BSN, EMERGENCY_JUSTIFICATION as JUSTIFICATION, makeDemoActivity, signIn as signInAs } from './console-fixture.ts';

/**
 * The privacy officer's console end to end in Debian's chromium, against a whole hub on a throw-away
 * PostgreSQL: sign-in by pasted token, a refused wijkcoach, the log search, the printed report, closing a
 * break-the-glass review, the policy and chain pages, sign-out; axe-core on every page.
 */

describeWithPostgres('privacy officer console in a real browser', (database) => {
  describe.skipIf(!chromiumAvailable)('with chromium', () => {
    let hub: TestHub;
    let db: pg.Client;
    let browser: Browser;
    let page: Page;
    let officerToken: string;
    let coachToken: string;
    const requestedUrls: string[] = [];

    beforeAll(async () => {
      hub = await startTestHub(database());
      db = new pg.Client({ connectionString: database().url });
      await db.connect();
      officerToken = await hub.token({ role: 'hub-privacy-officer' });
      coachToken = await hub.token({ role: 'wijkcoach' });
      await makeDemoActivity(hub);
      browser = await launchChromium();
      page = await browser.newPage();
      page.on('request', (request) => requestedUrls.push(request.url()));
    });

    afterAll(async () => {
      await browser?.close();
      await db?.end();
      await hub?.stop();
    });

    beforeEach((context) => {
      context.onTestFailed(() => screenshotOnFailure(page, context.task.name));
    });

    async function expectAccessible(pageName: string) {
      const violations = await seriousAccessibilityViolations(page);
      expect(violations, `${pageName}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    }

    const signIn = (token: string) => signInAs(page, hub, token);

    it('refuses a wijkcoach with the hub\'s own reason, and keeps the menu closed', async () => {
      await signIn(coachToken);
      const alert = page.locator('#signin-error');
      await expect.poll(() => alert.textContent()).toContain('Aanmelden geweigerd');
      expect(await alert.textContent()).toMatch(/De hub zegt: .*(purpose|may not)/);
      expect(await page.locator('#main-nav').isHidden()).toBe(true);
      expect(await page.getByLabel('Token').inputValue()).toBe('');
      // Not signed in: a page name in the address leads back to sign-in.
      await page.goto(`${hub.gateway.url}/console/#/log`);
      expect(await page.locator('#page-log').isHidden()).toBe(true);
      expect(await page.locator('#page-signin').isVisible()).toBe(true);
      await expectAccessible('sign-in');
    });

    it('refuses a token the hub cannot verify, and text that is no token at all', async () => {
      const [header, payload] = officerToken.split('.');
      await signIn(`${header}.${payload}.${'A'.repeat(86)}`);
      await expect.poll(() => page.locator('#signin-error').textContent()).toMatch(/Aanmelden geweigerd.*De hub zegt: \S/);
      await signIn('geen token');
      await expect.poll(() => page.locator('#signin-error').textContent()).toContain('Dit is geen token');
      expect(await page.locator('#main-nav').isHidden()).toBe(true);
    });

    it('signs in an officer and searches the log by BSN, which never reaches a URL, storage or cookie', async () => {
      await signIn(officerToken);
      await page.locator('#log-title').waitFor();
      // A BSN the hub refuses: its own message, announced, nothing else.
      await page.getByLabel('BSN van de betrokkene').fill('123456789');
      await page.getByRole('button', { name: 'Zoeken' }).click();
      await expect.poll(() => page.locator('#log-error').textContent()).toBe('Invalid BSN: it must be 9 digits and pass the elfproef');
      expect(await page.locator('#log-error').getAttribute('role')).toBe('alert');
      await page.getByLabel('BSN van de betrokkene').fill(BSN);
      await page.getByRole('button', { name: 'Zoeken' }).click();
      await page.locator('#log-rows tr').first().waitFor();
      const table = await page.locator('#log-rows').textContent();
      expect(table).toContain('sanne.deboer');
      expect(table).toContain(`BSN ${BSN}`);
      expect(await page.locator('#log-count').textContent()).toMatch(/van \d+/);
      // Focus moved to the results.
      expect(await page.evaluate('document.activeElement.id')).toBe('log-results-title');

      const stored = (await page.evaluate('JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])')) as string;
      expect(stored).toBe('[[],[],""]');
      for (const url of [page.url(), ...requestedUrls]) {
        expect(url).not.toContain(BSN);
        expect(url).not.toContain(officerToken.split('.')[1]);
      }
      await expectAccessible('log');
    });

    it('leaves the officer\'s search in the access log', async () => {
      const response = await hub.query(officerToken, 'query($f: AccessRecordFilter) { accessRecords(filter: $f, limit: 100) { records { name lookups dataSubjectBsn professional } } }', {
        f: { professional: 'fg.gemeente', bsn: BSN },
      });
      expect(response.body.errors).toBeUndefined();
      const searches = response.body.data!.accessRecords.records.filter((record: { name: string }) => record.name === 'ConsoleAccessLog');
      expect(searches.length).toBeGreaterThan(0);
      expect(searches[0]).toMatchObject({ lookups: ['Query.accessRecords'], dataSubjectBsn: BSN, professional: 'fg.gemeente' });
    });

    it('opens a subject access report and prints it without the navigation', async () => {
      await page.getByRole('link', { name: 'Inzageverslag' }).click();
      await page.getByLabel('BSN van de inwoner').fill(BSN);
      await page.getByRole('button', { name: 'Verslag openen' }).click();
      await page.locator('#report-accesses li').first().waitFor();
      expect(await page.locator('#report-document-title').textContent()).toBe('Overzicht van inzage in uw gegevens');
      expect(await page.locator('#report-accesses').textContent()).toContain('Sociaal Wijkteam Oost');
      // The whole chain: the housing partner's own processing of the same read, the period, whom to ask.
      await page.locator('#report-partners li').first().waitFor();
      expect(await page.locator('#report-partners').textContent()).toMatch(/Woonstichting De Linde/i);
      expect(await page.locator('#report-period').textContent()).not.toBe('');
      expect(await page.locator('#report-contact').textContent()).toMatch(/functionaris|privacy|@/i);
      expect(page.url()).toMatch(/\/console\/#\/report$/);
      await expectAccessible('report');

      await page.emulateMedia({ media: 'print' });
      const display = (selector: string) => page.locator(selector).evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(element).display);
      expect(await display('nav')).toBe('none');
      expect(await display('.site-header')).toBe('none');
      expect(await display('#report-form')).toBe('none');
      expect(await display('#report-print')).toBe('none');
      expect(await display('#report-document')).not.toBe('none');
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      await page.emulateMedia({ media: 'screen' });
      expect(await display('nav')).not.toBe('none');
    });

    it('closes a break-the-glass review with an outcome and a note, and the queue updates', async () => {
      await page.getByRole('link', { name: 'Noodtoegang beoordelen' }).click();
      const review = page.locator('article.review', { hasText: 'lotte.west' });
      await review.waitFor();
      expect(await review.textContent()).toContain(JUSTIFICATION);
      await expectAccessible('reviews');

      // Without an outcome nothing is sent, and the reason is announced.
      await review.getByLabel('Bevinding (toelichting)').fill('Aangezegde uitzetting bevestigd door de corporatie.');
      await review.getByRole('button', { name: 'Beoordeling afsluiten' }).click();
      expect(await review.getByRole('alert').textContent()).toContain('Kies een uitkomst');

      await review.getByLabel('Niet gerechtvaardigd').check();
      await review.getByRole('button', { name: 'Beoordeling afsluiten' }).click();
      await expect.poll(() => page.locator('#reviews-status').textContent()).toContain('De beoordeling is afgesloten');
      expect(await page.locator('article.review', { hasText: 'lotte.west' }).count()).toBe(0);

      const closed = await hub.query(officerToken, '{ breakGlassReviews(status: CLOSED) { professional reviewStatus reviewedBy reviewNote } }');
      expect(closed.body.data!.breakGlassReviews).toEqual([
        { professional: 'lotte.west', reviewStatus: 'NOT_JUSTIFIED', reviewedBy: 'fg.gemeente', reviewNote: 'Aangezegde uitzetting bevestigd door de corporatie.' },
      ]);
    });

    it('shows the access log\'s chain status', async () => {
      await page.getByRole('link', { name: 'Ketenstatus' }).click();
      await expect.poll(() => page.locator('#chain-verdict').textContent()).toBe('Het toegangslogboek is ongeschonden.');
      expect(Number(await page.locator('#chain-records').textContent())).toBeGreaterThan(0);
      expect(await page.locator('#chain-heads tr').count()).toBeGreaterThan(0);
      await expectAccessible('chain');
    });

    it('shows the policy report and a diff when the hub has them, and says so when it does not', async () => {
      const probe = await hub.query(officerToken, '{ policyVersions { id } }');
      const hubHasPolicyReport = !(probe.body.errors ?? []).some((error) => error.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
      await page.getByRole('link', { name: 'Beleid' }).click();
      if (hubHasPolicyReport) {
        // After the policy engineer's Query.policyReport is merged.
        await page.locator('#policy-report > *').first().waitFor();
        expect(await page.locator('#policy-report').textContent()).toContain('toegangslog');
        expect(await page.locator('#policy-report script, #policy-report [style]').count()).toBe(0);
        await page.getByRole('button', { name: 'Vergelijken' }).click();
        await expect.poll(() => page.locator('#policy-widens').textContent()).not.toBe('');
      } else {
        await page.locator('#policy-unavailable').waitFor();
        expect(await page.locator('#policy-unavailable').textContent()).toContain('nog niet beschikbaar');
      }
      await expectAccessible('policy');
    });

    it('runs no inline script, and keeps only plain structure of a policy fragment', async () => {
      // The page's policy blocks a script element added at run time (as an injected one would be).
      await page.evaluate(`(() => { const s = document.createElement('script'); s.textContent = 'window.__injected = 1'; document.body.append(s); })()`);
      expect(await page.evaluate('typeof window.__injected')).toBe('undefined');
      const hostile = '<h1>Beleid</h1><img src="x" onerror="window.__injected = 2"><script>window.__injected = 3</script>'
        + '<p style="color:red" onclick="window.__injected = 4">tekst <a href="javascript:alert(1)">link</a></p><table><tr><th scope="col" class="x">veld</th></tr></table>';
      const copied = await page.evaluate(`import('/console/safe-fragment.js').then(({ safeFragment }) => {
        const box = document.createElement('div');
        box.append(safeFragment(${JSON.stringify(hostile)}));
        return box.innerHTML;
      })`);
      expect(copied).toBe('<h2>Beleid</h2><p>tekst link</p><table><tbody><tr><th scope="col">veld</th></tr></tbody></table>');
      expect(await page.evaluate('typeof window.__injected')).toBe('undefined');
    });

    it('forgets the token and every result on Afmelden', async () => {
      await page.getByRole('button', { name: 'Afmelden' }).click();
      await page.locator('#page-signin').waitFor();
      expect(await page.locator('body').innerText()).not.toContain(BSN);
      expect(await page.locator('#log-rows tr').count()).toBe(0);
      expect(await page.locator('#report-accesses li').count()).toBe(0);
      expect(page.url()).not.toContain('#/');
      // The menu's pages need a new sign-in.
      await page.evaluate('location.hash = "#/log"');
      expect(await page.locator('#page-signin').isVisible()).toBe(true);
      expect(await page.locator('#page-log').isHidden()).toBe(true);
    });
  });
});
