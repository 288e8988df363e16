/**
 * A real browser for the console's tests: Debian's chromium driven by playwright-core (no downloaded
 * browser), one per test file. Missing chromium skips the suite visibly; with CI=true it is an error.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOT_DIR = path.resolve('test-output/console');

export const chromiumAvailable = existsSync(CHROMIUM_PATH);
if (!chromiumAvailable) {
  if (process.env.CI === 'true') throw new Error(`The console's browser tests need Debian's chromium at ${CHROMIUM_PATH} (.ci/run installs it)`);
  console.warn(`[skip] console browser tests: no chromium at ${CHROMIUM_PATH} (apt-get install chromium; CI=true makes this an error)`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 30_000 });
}

/** Saves what the page looked like when a test failed (test-output/ is not committed; demo data only). */
export async function screenshotOnFailure(page: Page | undefined, testName: string): Promise<void> {
  if (!page || page.isClosed()) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${testName.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 80)}.png`), fullPage: true }).catch(() => undefined);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is now and returns the serious and critical violations. axe's source
 * is evaluated through the DevTools protocol, which the page's content security policy does not govern:
 * the console itself keeps its strict policy.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Expressions as strings: they run in the page, and the test's type-check has no DOM types.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(await axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((node) => ({ target: node.target })) })))`)) as AxeViolation[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
