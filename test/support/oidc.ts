/**
 * Signing in without a browser, as the extension does: `completeLogin` plays the user in the
 * sign-in window (the platform's `/auth/start`, then the development provider's page, then back
 * through the platform to the extension's redirect URI); `signInHeadless` signs in with the
 * extension's own code (`createAuth`), in-memory storage and an in-memory DPoP key, and gives a
 * `call` that sends DPoP-signed requests to the platform as the background does.
 */
import * as oauth from 'oauth4webapi';
import { createAuth, type Auth } from '../../src/background/auth.ts';
import type { KeyStore } from '../../src/background/dpop-key.ts';
import { saveSettings } from '../../src/background/settings.ts';
import { extensionRedirectUris } from '../../server/config.ts';
import { memoryArea } from './memory-area.ts';

/** The extension's redirect URI (Chrome's `identity.getRedirectURL()`), registered by default at the platform. */
export const REDIRECT_URI = extensionRedirectUris()[0]!;

/** A DPoP key in memory (the extension's is in IndexedDB: `src/background/dpop-key.ts`). */
export function memoryKeyStore(): KeyStore {
  let pair: CryptoKeyPair | undefined;
  return {
    get: async () => pair,
    renew: async () => (pair = await oauth.generateKeyPair('ES256', { extractable: false })),
    clear: async () => void (pair = undefined),
  };
}

/**
 * What the user does in the sign-in window: follows the address, picks the professional (or
 * cancels) on the provider's page, and follows redirects until the one to `redirectUri`,
 * returned as `identity.launchWebAuthFlow` returns it.
 */
export async function completeLogin(
  startUrl: string,
  redirectUri: string,
  accountId: string | 'cancel',
): Promise<string> {
  // Cookies by host (the provider's interaction cookies), as a browser keeps them.
  const cookies = new Map<string, Map<string, string>>();
  let at = new URL(startUrl);
  const go = async (target: string, init: RequestInit = {}) => {
    at = new URL(target, at);
    const jar = cookies.get(at.hostname) ?? new Map<string, string>();
    cookies.set(at.hostname, jar);
    const res = await fetch(at, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as object), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [k, v] = line.split(';')[0]!.split('=');
      jar.set(k!, v ?? '');
    }
    return res;
  };
  const follow = async (res: Response) => {
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
      const location = new URL(res.headers.get('location')!, at).href;
      if (location.startsWith(redirectUri)) return location;
      res = await go(location);
    }
    return res;
  };
  const page = await follow(await go(startUrl));
  if (typeof page === 'string') return page;
  const uid = /\/interaction\/([\w-]+)\/login/.exec(await page.text())?.[1];
  if (!uid) throw new Error(`no login form (HTTP ${page.status} at ${at.href})`);
  const back = await follow(
    await go(`/interaction/${uid}/${accountId === 'cancel' ? 'abort' : 'login'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ account: accountId }).toString(),
    }),
  );
  if (typeof back === 'string') return back;
  throw new Error(`never redirected to the extension (HTTP ${back.status} at ${at.href}): ${await back.text()}`);
}

export interface SignedIn {
  auth: Auth;
  /** What the extension keeps: `storage.session`, `storage.local`, its key. */
  session: ReturnType<typeof memoryArea>;
  local: ReturnType<typeof memoryArea>;
  keys: KeyStore;
  /** Every address the extension's own code asked (sign-in, renewals, calls). */
  requests: string[];
  /** A request to the platform as the background sends it: access token and a fresh DPoP proof. */
  call(path: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Response>;
}

export async function signInHeadless(
  platformUrl: string,
  accountId: string,
  options: { now?: () => number; redirectUri?: string } = {},
): Promise<SignedIn> {
  const session = memoryArea();
  const local = memoryArea();
  const keys = memoryKeyStore();
  const requests: string[] = [];
  const spy: typeof fetch = (input, init) => {
    requests.push(String(input instanceof Request ? input.url : input));
    return fetch(input, init);
  };
  await saveSettings(local, { platformUrl });
  const redirectUri = options.redirectUri ?? REDIRECT_URI;
  const auth = createAuth({
    session,
    local,
    keys,
    redirectUri,
    fetch: spy,
    ...(options.now ? { now: options.now } : {}),
    launchWebAuthFlow: (url) => completeLogin(url, redirectUri, accountId),
  });
  const status = await auth.signIn();
  if (status.state !== 'signed-in') throw new Error(`sign-in failed: ${status.reason ?? ''}`);
  return {
    auth,
    session,
    local,
    keys,
    requests,
    async call(path, init = {}) {
      const credentials = await auth.credentials();
      if (!credentials) throw new Error('signed out');
      const url = new URL(path, platformUrl);
      return oauth
        .protectedResourceRequest(
          credentials.accessToken,
          init.method ?? 'GET',
          url,
          new Headers(init.headers),
          init.body ?? null,
          {
            [oauth.customFetch]: (target: string, request: { body?: unknown }) => spy(target, request as RequestInit),
            [oauth.allowInsecureRequests]: true,
            DPoP: credentials.dpop,
          },
        )
        .catch((error: unknown) => {
          if (error instanceof oauth.WWWAuthenticateChallengeError) return error.response;
          throw error;
        });
    },
  };
}
