import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startTestIdentityProvider, type TestIdentityProvider } from '../support/identity-provider.ts';
import { chromiumAvailable, launchChromium, screenshotOnFailure, seriousAccessibilityViolations } from './browser.ts';
import { DEMO_BSN } from './console-fixture.ts';

/**
 * Console sign-in through an identity provider: OpenID Connect authorization code flow with PKCE, in
 * Debian's chromium, against a real provider (oidc-provider) whose access tokens the hub verifies like
 * any other (AUTH_ISSUER / AUTH_JWKS_URL). No pasted token anywhere in this file.
 */

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describeWithPostgres('console sign-in through an identity provider', (database) => {
  describe.skipIf(!chromiumAvailable)('with chromium', () => {
    let idp: TestIdentityProvider;
    let hub: TestHub;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let requestedUrls: string[];

    beforeAll(async () => {
      const port = await freePort();
      const consoleUrl = `http://127.0.0.1:${port}/console/`;
      idp = await startTestIdentityProvider({ redirectUri: consoleUrl, audience: 'ontschot-hub' });
      hub = await startTestHub(database(), (config) => ({
        ...config,
        port,
        auth: { ...config.auth, issuer: idp.issuer, jwksUrl: idp.jwksUrl, audience: 'ontschot-hub' },
        console: { ...config.console, oidc: { issuer: idp.issuer, clientId: idp.clientId, scope: 'openid', resource: idp.resource } },
      }));
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await hub?.stop();
      await idp?.stop();
    });

    beforeEach(async (testContext) => {
      // A fresh browser profile per test: no session left at the provider from the test before.
      await context?.close();
      context = await browser.newContext();
      page = await context.newPage();
      requestedUrls = [];
      page.on('request', (request) => requestedUrls.push(request.url()));
      testContext.onTestFailed(() => screenshotOnFailure(page, testContext.task.name));
    });

    async function signInAtProvider(login: string) {
      await page.goto(`${hub.gateway.url}/console/`);
      await page.getByRole('button', { name: 'Aanmelden via uw organisatie' }).click();
      await page.waitForURL((url) => url.origin === idp.issuer);
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', 'demo');
      await page.click('button[type=submit]');
      await page.waitForURL((url) => url.href.startsWith(`${hub.gateway.url}/console/`));
    }

    it('signs an officer in with the code flow and PKCE, and the token works for the log', async () => {
      await signInAtProvider('fg.gemeente');
      await expect.poll(() => page.locator('#signed-in').textContent(), { timeout: 15_000 }).toContain('Aangemeld');
      // PKCE with S256, and the code is gone from the address bar once exchanged.
      const authorize = new URL(requestedUrls.find((url) => url.startsWith(`${idp.issuer}/auth?`))!);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(page.url()).not.toMatch(/code=|state=/);
      // Nothing left in storage: the verifier and state were removed, the token was never stored.
      expect(await page.evaluate('JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])')).toBe('[[],[],""]');
      await page.getByLabel('BSN van de betrokkene').fill(DEMO_BSN);
      await page.getByRole('button', { name: 'Zoeken' }).click();
      // The hub answered the search (nobody has read this person's data through this hub yet).
      await expect.poll(() => page.locator('#log-count').textContent(), { timeout: 15_000 }).toBe('Geen toegangsregels gevonden.');
      expect(await page.locator('#log-error').textContent()).toBe('');
      expect(requestedUrls.some((url) => url.includes(DEMO_BSN))).toBe(false);
      expect((await seriousAccessibilityViolations(page)).map((violation) => violation.id)).toEqual([]);
    });

    it('refuses a wijkcoach the provider signed in, with the hub\'s reason', async () => {
      await signInAtProvider('sanne.deboer');
      await expect.poll(() => page.locator('#signin-error').textContent(), { timeout: 15_000 }).toContain('Aanmelden geweigerd');
      expect(await page.locator('#main-nav').isHidden()).toBe(true);
    });

    it('refuses a return from the provider that this console did not start (no verifier, forged state)', async () => {
      await page.goto(`${hub.gateway.url}/console/?code=forged-code&state=forged-state`);
      await expect.poll(() => page.locator('#signin-error').textContent()).toContain('niet vanuit deze console begonnen');
      expect(page.url()).not.toContain('forged');
      expect(requestedUrls.some((url) => url.startsWith(`${idp.issuer}/token`))).toBe(false);
      expect(await page.locator('#main-nav').isHidden()).toBe(true);
    });

    it('offers both sign-in options accessibly', async () => {
      await page.goto(`${hub.gateway.url}/console/`);
      await expect.poll(() => page.getByRole('button', { name: 'Aanmelden via uw organisatie' }).isVisible()).toBe(true);
      expect(await page.getByLabel('Token').isVisible()).toBe(true);
      expect((await seriousAccessibilityViolations(page)).map((violation) => violation.id)).toEqual([]);
    });
  });
});
