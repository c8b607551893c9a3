/**
 * Signs in at the development provider without a browser, as the extension does (code + PKCE,
 * oauth4webapi), choosing a professional on the login page: for tests that need real tokens.
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
    prompt: 'login',
  }).toString();

  // Follow redirects by hand, carrying cookies, until the provider sends us to the redirect URI.
  const cookies = new Map<string, string>();
  const go = async (target: string, init: RequestInit = {}) => {
    const res = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as object), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [k, v] = pair!.split('=');
      cookies.set(k!, v ?? '');
    }
    return res;
  };
  let res = await go(url.href);
  let location = new URL(res.headers.get('location')!, issuer).href;
  res = await go(location); // the login page
  const uid = /\/interaction\/([\w-]+)\/login/.exec(await res.text())?.[1];
  if (!uid) throw new Error('no login form');
  res = await go(new URL(`/interaction/${uid}/login`, issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ account: accountId }).toString(),
  });
  for (let hops = 0; hops < 10; hops++) {
    location = new URL(res.headers.get('location')!, issuer).href;
    if (location.startsWith(redirectUri)) break;
    res = await go(location);
  }
  const params = oauth.validateAuthResponse(as, client, new URL(location), state);
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
