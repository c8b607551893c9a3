/**
 * Signing in at the development provider without a browser: `completeLogin` plays the user in
 * the provider's window; `signInHeadless` gets real tokens with the extension's own client.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import { DEV_CLIENT_ID, extensionRedirectUris } from '../../server/identity/dev-provider.ts';
import { createAuth } from '../../src/background/auth.ts';
import { saveSettings } from '../../src/background/settings.ts';
import { AuthSession } from '../../src/core/protocol.ts';
import { memoryArea } from './memory-area.ts';

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  idTokenClaims: JWTPayload;
}

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

/**
 * Real tokens for a seeded professional, obtained by the extension's own client (`createAuth`),
 * with `completeLogin` in the provider's window and in-memory storage.
 */
export async function signInHeadless(issuer: string, accountId: string): Promise<Tokens> {
  const session = memoryArea();
  const local = memoryArea();
  await saveSettings(local, { platformUrl: 'http://127.0.0.1:1', issuer, clientId: DEV_CLIENT_ID });
  const redirectUri = extensionRedirectUris()[0]!;
  const auth = createAuth({
    session,
    local,
    redirectUri,
    launchWebAuthFlow: (url) => completeLogin(url, redirectUri, accountId),
  });
  const status = await auth.signIn();
  if (status.state !== 'signed-in') throw new Error(`sign-in failed: ${status.reason ?? ''}`);
  const stored = AuthSession.parse(session.data.get('auth'));
  return {
    accessToken: stored.accessToken,
    refreshToken: stored.refreshToken,
    idTokenClaims: decodeJwt(stored.idToken!),
  };
}
