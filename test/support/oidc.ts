/**
 * Signs in at the development provider without a browser, as the extension does (code + PKCE,
 * oauth4webapi), choosing a professional on the login page: for tests that need real tokens.
 * `completeLogin` plays the user in the provider's window, for tests of the extension's client.
 */
import * as oauth from 'oauth4webapi';
import { PSC_SCOPES } from '../../src/core/psc.ts';
import { DEV_CLIENT_ID, extensionRedirectUris } from '../../server/identity/dev-provider.ts';

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  idTokenClaims: oauth.IDToken;
}

const insecure = { [oauth.allowInsecureRequests]: true };

/**
 * What the user does in the provider's window: follows the authorization URL, picks the
 * professional (or cancels), and follows redirects until the one to `redirectUri`, returned as
 * `identity.launchWebAuthFlow` returns it.
 */
export async function completeLogin(
  authorizationUrl: string,
  redirectUri: string,
  accountId: string | 'cancel',
): Promise<string> {
  const issuer = new URL(authorizationUrl).origin;
  const cookies = new Map<string, string>();
  const go = async (target: string, init: RequestInit = {}) => {
    const res = await fetch(new URL(target, issuer), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as object), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [k, v] = line.split(';')[0]!.split('=');
      cookies.set(k!, v ?? '');
    }
    return res;
  };
  let res = await go(authorizationUrl);
  res = await go(res.headers.get('location')!); // the login page
  const uid = /\/interaction\/([\w-]+)\/login/.exec(await res.text())?.[1];
  if (!uid) throw new Error('no login form');
  res = await go(`/interaction/${uid}/${accountId === 'cancel' ? 'abort' : 'login'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ account: accountId }).toString(),
  });
  for (let hops = 0; hops < 10; hops++) {
    const location = new URL(res.headers.get('location')!, issuer).href;
    if (location.startsWith(redirectUri)) return location;
    res = await go(location);
  }
  throw new Error('never redirected to the client');
}

export async function signInHeadless(issuerUrl: string, accountId: string): Promise<Tokens> {
  const issuer = new URL(issuerUrl);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const client: oauth.Client = { client_id: DEV_CLIENT_ID };
  const redirectUri = extensionRedirectUris()[0]!;
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: PSC_SCOPES,
    acr_values: 'eidas1',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();
  const redirected = await completeLogin(url.href, redirectUri, accountId);
  const params = oauth.validateAuthResponse(as, client, new URL(redirected), state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri,
    verifier,
    insecure,
  );
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: nonce,
    requireIdToken: true,
  });
  return {
    accessToken: result.access_token,
    refreshToken: result.refresh_token,
    idTokenClaims: oauth.getValidatedIdTokenClaims(result)!,
  };
}
