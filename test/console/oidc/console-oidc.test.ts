import { describe, expect, it } from 'vitest';
import { loadConsoleOidcSettings, oidcConnectSources } from '../../../src/console/oidc/console-oidc.ts';

describe('the console sign-in settings', () => {
  it('are absent unless an issuer is configured: the console then takes a pasted token', () => {
    expect(loadConsoleOidcSettings({}, false)).toBeNull();
    expect(oidcConnectSources(null)).toEqual([]);
  });

  it('take issuer, client id, scope and resource, and let the pages connect to the issuer only', () => {
    const settings = loadConsoleOidcSettings({ CONSOLE_OIDC_ISSUER: 'https://login.example.nl/realms/utrecht', CONSOLE_OIDC_CLIENT_ID: 'ontschot-console', CONSOLE_OIDC_RESOURCE: 'urn:ontschot:hub' }, true);
    expect(settings).toEqual({ issuer: 'https://login.example.nl/realms/utrecht', clientId: 'ontschot-console', scope: 'openid', resource: 'urn:ontschot:hub' });
    expect(oidcConnectSources(settings)).toEqual(['https://login.example.nl']);
  });

  it.each([
    [{ CONSOLE_OIDC_ISSUER: 'not a url', CONSOLE_OIDC_CLIENT_ID: 'c' }, /must be a URL/],
    [{ CONSOLE_OIDC_ISSUER: 'http://login.example.nl', CONSOLE_OIDC_CLIENT_ID: 'c' }, /must use https/],
    [{ CONSOLE_OIDC_ISSUER: 'https://login.example.nl' }, /CONSOLE_OIDC_CLIENT_ID is required/],
  ])('refuse a bad configuration with a clear message: %o', (env, message) => {
    expect(() => loadConsoleOidcSettings(env, true)).toThrow(message);
  });

  it('refuse a provider whose tokens the gateway would not accept (no AUTH_JWKS_URL)', () => {
    expect(() => loadConsoleOidcSettings({ CONSOLE_OIDC_ISSUER: 'https://login.example.nl', CONSOLE_OIDC_CLIENT_ID: 'c' }, false)).toThrow(/needs AUTH_JWKS_URL/);
  });

  it('accept plain http only for a provider on this machine', () => {
    expect(loadConsoleOidcSettings({ CONSOLE_OIDC_ISSUER: 'http://127.0.0.1:9000', CONSOLE_OIDC_CLIENT_ID: 'c' }, true)?.issuer).toBe('http://127.0.0.1:9000');
  });
});
