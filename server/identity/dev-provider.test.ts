/**
 * The development provider plays Pro Santé Connect faithfully (docs/sign-in.md): a confidential
 * client with a secret, PKCE required, ID tokens naming the professional by IDNPS only, the rest
 * (`SubjectRefPro`, organisation, MSSanté address) from userinfo; refresh tokens rotated.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeLogin } from '../../test/support/oidc.ts';
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, startDevProvider, type DevProvider } from './dev-provider.ts';

const CALLBACK = 'http://127.0.0.1:9/auth/callback';
let provider: DevProvider;
let as: oauth.AuthorizationServer;
const client: oauth.Client = { client_id: DEV_CLIENT_ID };
const insecure = { [oauth.allowInsecureRequests]: true };

beforeAll(async () => {
  provider = await startDevProvider({ host: '127.0.0.1', port: 0 });
  const issuer = new URL(provider.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
});
afterAll(() => provider.close());

/** The platform's side of a sign-in at the provider, by hand: the code exchanged with the client's secret. */
async function signIn(account: string, secret = DEV_CLIENT_SECRET) {
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: DEV_CLIENT_ID,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid scope_all',
    acr_values: 'eidas1',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    prompt: 'login',
  }).toString();
  const back = await completeLogin(url.href, CALLBACK, account);
  const params = oauth.validateAuthResponse(as, client, new URL(back), oauth.expectNoState);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(secret),
    params,
    CALLBACK,
    verifier,
    insecure,
  );
  return oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
}

describe('development OpenID provider (as Pro Santé Connect)', () => {
  it('advertises what Pro Santé Connect does: confidential clients, PKCE S256, eidas1, userinfo', async () => {
    expect(as.scopes_supported).toEqual(expect.arrayContaining(['openid', 'scope_all']));
    expect(as.acr_values_supported).toContain('eidas1');
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
    expect(as.userinfo_endpoint).toBeDefined();
    expect(as.revocation_endpoint).toBeDefined();
  });

  it.each([
    ['physician', '10'],
    ['nurse', '60'],
    ['midwife', '50'],
    ['pharmacist', '21'],
  ])('signs in the %s: the ID token names them by IDNPS only; userinfo gives their exercise', async (role, code) => {
    const result = await signIn(`f:passerelle-dev:${role}`);
    const claims = oauth.getValidatedIdTokenClaims(result)!;
    expect(claims).toMatchObject({ acr: 'eidas1', preferred_username: expect.stringMatching(/^8997001000\d\d$/) });
    expect(claims.SubjectRefPro).toBeUndefined();
    const info = await oauth.processUserInfoResponse(
      as,
      client,
      claims.sub,
      await oauth.userInfoRequest(as, client, result.access_token, insecure),
    );
    expect(info).toMatchObject({
      SubjectRefPro: { exercices: [{ codeProfession: code }] },
      email: expect.stringMatching(/\.mssante\.fr$/),
    });
  });

  it('refuses the platform with a wrong secret', async () => {
    await expect(signIn('f:passerelle-dev:physician', 'wrong')).rejects.toThrow();
  });

  it('refuses an authorization request without PKCE, and an unregistered redirect URI', async () => {
    const authorize = (params: Record<string, string>) =>
      fetch(
        `${as.authorization_endpoint}?${new URLSearchParams({ client_id: DEV_CLIENT_ID, response_type: 'code', scope: 'openid scope_all', ...params })}`,
        { redirect: 'manual' },
      );
    const noPkce = await authorize({ redirect_uri: CALLBACK });
    expect(noPkce.headers.get('location')).toMatch(/error=invalid_request/);
    const elsewhere = await authorize({
      redirect_uri: 'https://evil.example/auth/callback',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
  });

  it('rotates refresh tokens: the new one works, the spent one is refused', async () => {
    const result = await signIn('f:passerelle-dev:nurse');
    const refresh = async (token: string) =>
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(DEV_CLIENT_SECRET), token, insecure),
      );
    const renewed = await refresh(result.refresh_token!);
    expect(renewed.refresh_token).not.toBe(result.refresh_token);
    await expect(refresh(result.refresh_token!)).rejects.toThrow();
  });
});
