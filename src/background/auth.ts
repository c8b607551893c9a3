/**
 * Sign-in through the platform (docs/sign-in.md). The platform is Pro Santé Connect's confidential
 * client; to the extension it is an OAuth authorization server (`oauth4webapi`):
 *   - `identity.launchWebAuthFlow` opens the platform's `/auth/start`, which sends the professional
 *     on to PSC's own page (CPS card or e-CPS) and back; the extension's redirect URI receives a
 *     one-time code, checked against its `state` and the platform's `iss`;
 *   - the code is exchanged with PKCE and a DPoP proof (RFC 9449) made with the extension's
 *     non-extractable key (`dpop-key.ts`): the tokens work only with that key;
 *   - the access token (minutes) is renewed with the refresh token, which the platform rotates;
 *     sign-out revokes it. PSC's tokens never reach the extension.
 * Tokens live only in `storage.session`, out of reach of content scripts and of the host page.
 */
import * as oauth from 'oauth4webapi';
import { AuthSession, Professional, type AuthStatus, type SignedOutReason } from '../core/protocol.ts';
import { EXTENSION_CLIENT_ID } from '../core/platform.ts';
import type { SessionArea } from './context-store.ts';
import type { KeyStore } from './dpop-key.ts';
import { loadSettings } from './settings.ts';

export interface AuthDeps {
  session: SessionArea;
  local: SessionArea;
  keys: KeyStore;
  /** Opens the sign-in page and resolves with the URL it redirected to (`identity.launchWebAuthFlow`). */
  launchWebAuthFlow(url: string): Promise<string>;
  /** `identity.getRedirectURL()`. */
  redirectUri: string;
  fetch?: typeof fetch;
  now?: () => number;
}

/** What a call to the platform needs: the access token and the DPoP key that must sign with it. */
export interface Credentials {
  accessToken: string;
  dpop: oauth.DPoPHandle;
}

const SESSION = 'auth';
/** Why the last session ended, shown once by the panel ("session expired"). */
const ENDED = 'auth:ended';
/** Renew this long before the access token expires. */
const MARGIN_MS = 60_000;

const client: oauth.Client = { client_id: EXTENSION_CLIENT_ID };
const loopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** Request options: plain http only for a platform on this machine (the demo's). */
export const requestOptions = (target: URL, fetchImpl: typeof fetch = fetch) => ({
  [oauth.customFetch]: fetchImpl,
  [oauth.allowInsecureRequests]: target.protocol === 'http:' && loopback(target),
  signal: AbortSignal.timeout(10_000),
});

export function createAuth(deps: AuthDeps) {
  const now = deps.now ?? Date.now;
  const options = (url: URL) => requestOptions(url, deps.fetch);
  let renewing: Promise<string | undefined> | undefined;
  let handle: { pair: CryptoKeyPair; dpop: oauth.DPoPHandle } | undefined;

  async function discover(platformUrl: string) {
    const issuer = new URL(platformUrl);
    const response = await oauth.discoveryRequest(issuer, { ...options(issuer), algorithm: 'oauth2' });
    return { as: await oauth.processDiscoveryResponse(issuer, response), issuer };
  }

  /** The DPoP handle of the stored key (one per key: it remembers the platform's nonces). */
  async function dpopHandle(): Promise<oauth.DPoPHandle | undefined> {
    const pair = await deps.keys.get();
    if (!pair) return undefined;
    if (handle?.pair !== pair) handle = { pair, dpop: oauth.DPoP(client, pair) };
    return handle.dpop;
  }

  async function load(): Promise<AuthSession | undefined> {
    const parsed = AuthSession.safeParse((await deps.session.get(SESSION))[SESSION]);
    return parsed.success ? parsed.data : undefined;
  }

  async function end(reason?: SignedOutReason): Promise<AuthStatus> {
    await deps.session.remove(SESSION);
    if (reason) await deps.session.set({ [ENDED]: reason });
    else await deps.session.remove(ENDED);
    return reason ? { state: 'signed-out', reason } : { state: 'signed-out' };
  }

  /** A session is only good for the platform it was opened at. */
  async function current(): Promise<AuthSession | undefined> {
    const session = await load();
    if (!session) return undefined;
    const { platformUrl } = await loadSettings(deps.local);
    if (session.platformUrl === platformUrl) return session;
    await end();
    return undefined;
  }

  function toSession(platformUrl: string, result: oauth.TokenEndpointResponse): AuthSession {
    return AuthSession.parse({
      platformUrl,
      accessToken: result.access_token,
      refreshToken: result.refresh_token,
      expiresAt: now() + (result.expires_in ?? 300) * 1000,
      professional: Professional.parse(result.professional),
    });
  }

  async function renew(session: AuthSession): Promise<string | undefined> {
    try {
      const dpop = await dpopHandle();
      if (!dpop) throw new Error('no key');
      const { as, issuer } = await discover(session.platformUrl);
      const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), session.refreshToken, {
        ...options(issuer),
        DPoP: dpop,
      });
      const renewed = toSession(session.platformUrl, await oauth.processRefreshTokenResponse(as, client, response));
      await deps.session.set({ [SESSION]: renewed });
      return renewed.accessToken;
    } catch {
      await end('expired');
      return undefined;
    }
  }

  return {
    async status(): Promise<AuthStatus> {
      const session = await current();
      if (session) return { state: 'signed-in', professional: session.professional, expiresAt: session.expiresAt };
      const ended = (await deps.session.get(ENDED))[ENDED];
      return ended === 'expired' ? { state: 'signed-out', reason: 'expired' } : { state: 'signed-out' };
    },

    /**
     * What a call needs: a usable access token, renewed if it is about to expire (or if the platform
     * refused it: `force`), and the key to sign with; `undefined` when signed out. Concurrent callers
     * share one renewal, since the platform rotates refresh tokens and treats a second use as a replay.
     */
    async credentials(force = false): Promise<Credentials | undefined> {
      const session = await current();
      const dpop = await dpopHandle();
      if (!session || !dpop) return undefined;
      let accessToken: string | undefined = session.accessToken;
      if (force || now() >= session.expiresAt - MARGIN_MS) {
        renewing ??= renew(session).finally(() => (renewing = undefined));
        accessToken = await renewing;
      }
      return accessToken ? { accessToken, dpop } : undefined;
    },

    async signIn(): Promise<AuthStatus> {
      const { platformUrl } = await loadSettings(deps.local);
      let discovered;
      try {
        discovered = await discover(platformUrl);
      } catch {
        return { state: 'signed-out', reason: 'unreachable' };
      }
      const { as, issuer } = discovered;
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: client.client_id,
        redirect_uri: deps.redirectUri,
        response_type: 'code',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      }).toString();

      let redirected: string;
      try {
        redirected = await deps.launchWebAuthFlow(url.href);
      } catch {
        return { state: 'signed-out', reason: 'cancelled' };
      }
      try {
        const params = oauth.validateAuthResponse(as, client, new URL(redirected), state);
        // A new key for each session: the tokens about to be issued are bound to it.
        await deps.keys.renew();
        const dpop = (await dpopHandle())!;
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          oauth.None(),
          params,
          deps.redirectUri,
          verifier,
          { ...options(issuer), DPoP: dpop },
        );
        const session = toSession(platformUrl, await oauth.processAuthorizationCodeResponse(as, client, response));
        await deps.session.remove(ENDED);
        await deps.session.set({ [SESSION]: session });
        return { state: 'signed-in', professional: session.professional, expiresAt: session.expiresAt };
      } catch (error) {
        if (error instanceof oauth.AuthorizationResponseError) {
          if (error.error === 'access_denied') return { state: 'signed-out', reason: 'cancelled' };
          // PSC's authentication was not strong enough (`acr`), or the professional is unknown to it.
          return { state: 'signed-out', reason: 'refused' };
        }
        return { state: 'signed-out', reason: 'failed' };
      }
    },

    async signOut(): Promise<AuthStatus> {
      const session = await load();
      const status = await end();
      await deps.keys.clear();
      handle = undefined;
      if (session) {
        // Best effort: the local session and its key are gone whatever the platform answers.
        try {
          const { as, issuer } = await discover(session.platformUrl);
          if (as.revocation_endpoint) {
            await oauth.revocationRequest(as, client, oauth.None(), session.refreshToken, options(issuer));
          }
        } catch {
          // Unreachable platform: the session ends on its own.
        }
      }
      return status;
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
