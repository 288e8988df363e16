import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import http from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PATH, consoleRouter, consoleSecurityDirectives } from '../../src/console/console-router.ts';

/** The console's HTTP side: its headers, its client configuration, and pages without inline code. */

const PUBLIC_DIR = path.resolve('src/console/public');
const EXPECTED_CSP = "default-src 'none';script-src 'self';style-src 'self';connect-src 'self';img-src 'self';form-action 'none';frame-ancestors 'none';base-uri 'none'";

async function serve(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Inline code in HTML: a <script> with content, a <style> element, a style= or on*= attribute, a javascript: URL. */
function inlineCodeIn(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (match[2].trim() !== '' || !/\bsrc=/.test(match[1])) found.push(`inline <script>: ${match[0].slice(0, 60)}`);
  }
  if (/<style\b/i.test(html)) found.push('<style> element');
  for (const match of html.matchAll(/<[a-z][^>]*\s(style|on[a-z]+)\s*=/gi)) found.push(`${match[1]}= attribute`);
  if (/javascript:/i.test(html)) found.push('javascript: URL');
  return found;
}

describe('the console over HTTP', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const app = express();
    app.use(CONSOLE_PATH, consoleRouter());
    server = await serve(app);
  });
  afterAll(() => server.close());

  for (const file of ['/console/', '/console/app.js', '/console/console.css', '/console/config.json']) {
    it(`serves ${file} with the strict policy and no caching`, async () => {
      const response = await fetch(`${server.url}${file}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    });
  }

  it('says there is no OpenID Connect sign-in yet', async () => {
    const response = await fetch(`${server.url}/console/config.json`);
    expect(await response.json()).toEqual({ oidc: null });
  });

  it('serves scripts as JavaScript modules and refuses what is not there, dotfiles included', async () => {
    expect((await fetch(`${server.url}/console/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${server.url}/console/nothing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/.env`)).status).not.toBe(200);
    expect((await fetch(`${server.url}/console/..%2f..%2fconsole-router.ts`)).status).not.toBe(200);
  });
});

describe('the console\'s content security policy', () => {
  it('extends connect-src with https origins only, for a later identity provider', () => {
    expect(consoleSecurityDirectives({ extraConnectSrc: ['https://login.example.nl'] })['connect-src']).toEqual(["'self'", 'https://login.example.nl']);
    for (const smuggled of ['https://a.nl; script-src *', "'unsafe-inline'", 'http://login.example.nl', '*', 'https://a.nl https://b.nl']) {
      expect(() => consoleSecurityDirectives({ extraConnectSrc: [smuggled] }), smuggled).toThrow(/not an https origin/);
    }
  });
});

describe('the console\'s files', () => {
  it('have no inline script, style, event handler or javascript: URL', async () => {
    const html = await readFile(path.join(PUBLIC_DIR, 'index.html'), 'utf8');
    expect(inlineCodeIn(html)).toEqual([]);
    // The check finds what it looks for.
    expect(inlineCodeIn('<button onclick="x()">a</button><p style="color:red"><script>alert(1)</script><style>p{}</style>')).toHaveLength(4);
    expect(inlineCodeIn('<script type="module" src="/console/app.js"></script>')).toEqual([]);
  });

  it('never touch storage, cookies, innerHTML or inline styles, and send GraphQL by POST only', async () => {
    const files = (await readdir(PUBLIC_DIR, { recursive: true })).filter((file) => file.endsWith('.js'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      // Comments may name what the code must not do; the code itself may not do it.
      let source = (await readFile(path.join(PUBLIC_DIR, file), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      if (file === 'oidc-sign-in.js') {
        // The one exception: the PKCE verifier and state wait in sessionStorage while the page is left for
        // the identity provider, under one key, removed on return; the code comes back in the query string.
        const storageUses = source.match(/sessionStorage\.\w+\([^)]*\)/g) ?? [];
        expect(storageUses).toEqual(['sessionStorage.setItem(PENDING_KEY, JSON.stringify({ codeVerifier, state })', 'sessionStorage.getItem(PENDING_KEY)', 'sessionStorage.removeItem(PENDING_KEY)']);
        source = source.replace(/sessionStorage\.\w+\([^)]*\)/g, '').replace(/\.searchParams/g, '');
      }
      expect(source, file).not.toMatch(/localStorage|sessionStorage|document\.cookie|indexedDB|innerHTML|outerHTML|insertAdjacentHTML|\.style\b|eval\(|new Function/);
      expect(source, file).not.toMatch(/method:\s*'GET'|location\.search|URLSearchParams/);
    }
  });
});
