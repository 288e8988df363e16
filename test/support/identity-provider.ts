/**
 * A real OpenID Connect provider for tests of the console's sign-in (oidc-provider, the certified
 * implementation by the author of jose and oauth4webapi): authorization code flow with PKCE required, a
 * public client for the console, JWT access tokens for the hub's audience carrying the claims the hub
 * reads (org, roles, purpose) for the demo professionals. Its development sign-in page takes any password.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import { DEMO_PROFILES } from '../../src/cli/demo-tokens.ts';

export interface TestIdentityProvider {
  issuer: string;
  jwksUrl: string;
  clientId: string;
  resource: string;
  stop(): Promise<void>;
}

/** The hub's claims for a demo professional, by their login name (the `subject` of a demo profile). */
function claimsOf(login: string): Record<string, unknown> | undefined {
  const [role, profile] = Object.entries(DEMO_PROFILES).find(([, candidate]) => candidate.subject === login) ?? [];
  return role && profile ? { org: profile.organisationId, roles: [role], purpose: profile.purpose } : undefined;
}

export async function startTestIdentityProvider(options: { redirectUri: string; audience: string }): Promise<TestIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-idp-1', alg: 'ES256', use: 'sig' };
  const clientId = 'ontschot-console';
  // A resource indicator must be an absolute URI (RFC 8707); the hub's audience need not be one.
  const resource = 'urn:ontschot:hub';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, token_endpoint_auth_method: 'none', redirect_uris: [options.redirectUri], grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'ES256' }],
    jwks: { keys: [signingKey] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'hub', audience: options.audience, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      },
    },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    extraTokenClaims: (_ctx, token) => ('accountId' in token && typeof token.accountId === 'string' ? claimsOf(token.accountId) : undefined),
    // A first-party console: no consent screen, the grant is given with the sign-in.
    loadExistingGrant: async (ctx) => {
      const session = ctx.oidc.session!;
      const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(ctx.oidc.client!.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: session.accountId! });
      grant.addOIDCScope('openid');
      grant.addResourceScope(resource, 'hub');
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    clientId,
    resource,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
