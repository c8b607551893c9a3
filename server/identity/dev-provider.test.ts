/**
 * The development provider, end to end with the platform: PSC-shaped tokens for each seeded
 * professional, PKCE enforced, refresh tokens rotated, and the platform accepting its tokens.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logCollector } from '../../test/support/logs.ts';
import { signInHeadless } from '../../test/support/oidc.ts';
import { configFromEnv } from '../config.ts';
import { startPlatform, type RunningPlatform } from '../platform.ts';
import { DEV_CLIENT_ID, extensionRedirectUris } from './dev-provider.ts';

let platform: RunningPlatform;
beforeAll(async () => {
  const config = configFromEnv({ DATA_DIR: ':memory:', PORT: '0', DEV_IDP_PORT: '0', LOG_LEVEL: 'warn' });
  platform = await startPlatform(config, { demo: true, logStream: logCollector().stream });
});
afterAll(() => platform.close());

const me = async (accessToken: string) =>
  fetch(`${platform.url}/fhir/Practitioner/$me`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('development OpenID provider', () => {
  it('advertises what Pro Santé Connect does, PKCE S256 only', async () => {
    const metadata = await (await fetch(`${platform.issuer}/.well-known/openid-configuration`)).json();
    expect(metadata.issuer).toBe(platform.issuer);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'scope_all']));
    expect(metadata.acr_values_supported).toEqual(['eidas1']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.revocation_endpoint).toBeDefined();
  });

  it.each([
    ['physician', '10', 'Médecin'],
    ['nurse', '60', 'Infirmier'],
    ['midwife', '50', 'Sage-femme'],
    ['pharmacist', '21', 'Pharmacien'],
  ])(
    'signs in the %s: PSC claims and eidas1 in the ID token; the platform accepts the access token',
    async (role, code, label) => {
      const tokens = await signInHeadless(platform.issuer, `f:passerelle-dev:${role}`);
      expect(tokens.idTokenClaims).toMatchObject({
        acr: 'eidas1',
        SubjectNameID: expect.stringMatching(/^8997001000\d\d$/),
        SubjectRefPro: { exercices: [{ codeProfession: code }] },
        email: expect.stringMatching(/\.mssante\.fr$/),
      });
      const res = await me(tokens.accessToken);
      expect(res.status).toBe(200);
      const roles = (await res.json()).entry.filter(
        (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'PractitionerRole',
      );
      expect(
        roles.map(
          (e: { resource: { code: { coding: { display: string }[] }[] } }) => e.resource.code[0]!.coding[0]!.display,
        ),
      ).toEqual([label]);
    },
  );

  it('refuses an authorization request without PKCE, and an unregistered redirect URI', async () => {
    const authorize = (params: Record<string, string>) =>
      fetch(
        `${platform.issuer}/auth?${new URLSearchParams({ client_id: DEV_CLIENT_ID, response_type: 'code', scope: 'openid scope_all', ...params })}`,
        {
          redirect: 'manual',
        },
      );
    const noPkce = await authorize({ redirect_uri: extensionRedirectUris()[0]! });
    expect(noPkce.headers.get('location')).toMatch(/error=invalid_request/);
    const elsewhere = await authorize({
      redirect_uri: 'https://evil.example/',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
  });

  it('rotates refresh tokens: the new one works, the spent one is refused', async () => {
    const tokens = await signInHeadless(platform.issuer, 'f:passerelle-dev:nurse');
    const issuer = new URL(platform.issuer);
    const insecure = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const client = { client_id: DEV_CLIENT_ID };
    const refresh = async (token: string) =>
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, oauth.None(), token, insecure),
      );
    const renewed = await refresh(tokens.refreshToken!);
    expect(renewed.refresh_token).not.toBe(tokens.refreshToken);
    expect((await me(renewed.access_token)).status).toBe(200);
    await expect(refresh(tokens.refreshToken!)).rejects.toThrow();
  });
});
