/**
 * Sign-in with Pro Santé Connect (OpenID Connect, authorization code + PKCE, `oauth4webapi`),
 * through `identity.launchWebAuthFlow` (Chrome and Firefox). docs/domain.md: scopes `openid scope_all`,
 * `acr_values=eidas1`, PKCE although PSC does not require it (public client in a browser).
 *
 * Tokens live only in `storage.session` (cleared with the browser session, out of reach of content
 * scripts and of the host page). The access token is renewed with the refresh token shortly before
 * it expires; when renewal fails the session ends with reason `expired` and the panel asks to sign
 * in again. Sign-out revokes the refresh token at the provider (best effort) and forgets everything.
 */
import * as oauth from 'oauth4webapi';
import { AuthSession, type AuthStatus, type Settings, type SignedOutReason } from '../core/protocol.ts';
import { professionalFromClaims, PSC_ACR, PSC_SCOPES } from '../core/psc.ts';
import type { SessionArea } from './context-store.ts';
import { loadSettings } from './settings.ts';

export interface AuthDeps {
  session: SessionArea;
  local: SessionArea;
  /** Opens the provider's page and resolves with the URL it redirected to (`identity.launchWebAuthFlow`). */
  launchWebAuthFlow(url: string): Promise<string>;
  /** `identity.getRedirectURL()`. */
  redirectUri: string;
  fetch?: typeof fetch;
  now?: () => number;
}

const SESSION = 'auth';
/** Why the last session ended, shown once by the panel ("session expired"). */
const ENDED = 'auth:ended';
/** Renew this long before the access token expires. */
const MARGIN_MS = 60_000;

const loopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

export function createAuth(deps: AuthDeps) {
  const now = deps.now ?? Date.now;
  let renewing: Promise<string | undefined> | undefined;

  /** Request options: plain http only for a provider on this machine (the demo's). */
  const options = (issuer: URL) => ({
    [oauth.customFetch]: deps.fetch ?? fetch,
    [oauth.allowInsecureRequests]: issuer.protocol === 'http:' && loopback(issuer),
    signal: AbortSignal.timeout(10_000),
  });

  async function discover(settings: Settings) {
    const issuer = new URL(settings.issuer);
    const response = await oauth.discoveryRequest(issuer, { ...options(issuer), algorithm: 'oidc' });
    return { as: await oauth.processDiscoveryResponse(issuer, response), issuer };
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

  /** A session is only good for the provider and client it was opened with. */
  async function current(): Promise<AuthSession | undefined> {
    const session = await load();
    if (!session) return undefined;
    const settings = await loadSettings(deps.local);
    if (session.issuer === settings.issuer && session.clientId === settings.clientId) return session;
    await end();
    return undefined;
  }

  function toSession(
    settings: Settings,
    result: oauth.TokenEndpointResponse,
    previous?: AuthSession,
  ): AuthSession | SignedOutReason {
    const claims = oauth.getValidatedIdTokenClaims(result);
    let professional = previous?.professional;
    if (claims) {
      // The authentication level is checked here for the UI; the platform checks it for real.
      if (claims.acr !== PSC_ACR) return 'refused';
      const mapped = professionalFromClaims(claims);
      if (!mapped.ok) return 'refused';
      professional = mapped.professional;
    }
    if (!professional) return 'refused';
    return AuthSession.parse({
      issuer: settings.issuer,
      clientId: settings.clientId,
      accessToken: result.access_token,
      refreshToken: result.refresh_token ?? previous?.refreshToken,
      idToken: result.id_token ?? previous?.idToken,
      expiresAt: now() + (result.expires_in ?? 300) * 1000,
      professional,
    });
  }

  async function renew(session: AuthSession): Promise<string | undefined> {
    if (!session.refreshToken) {
      await end('expired');
      return undefined;
    }
    try {
      const settings = await loadSettings(deps.local);
      const { as, issuer } = await discover(settings);
      const client = { client_id: session.clientId };
      const response = await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.None(),
        session.refreshToken,
        options(issuer),
      );
      const renewed = toSession(settings, await oauth.processRefreshTokenResponse(as, client, response), session);
      if (typeof renewed === 'string') throw new Error(renewed);
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
      if (session && (session.refreshToken || now() < session.expiresAt)) {
        return { state: 'signed-in', professional: session.professional, expiresAt: session.expiresAt };
      }
      if (session) return end('expired');
      const ended = (await deps.session.get(ENDED))[ENDED];
      return ended === 'expired' ? { state: 'signed-out', reason: 'expired' } : { state: 'signed-out' };
    },

    /**
     * A usable access token, renewed if it is about to expire (or if the platform refused it:
     * `force`); `undefined` when signed out. Concurrent callers share one renewal, since the
     * provider rotates refresh tokens and would treat a second use as a replay.
     */
    async accessToken(force = false): Promise<string | undefined> {
      const session = await current();
      if (!session) return undefined;
      if (!force && now() < session.expiresAt - MARGIN_MS) return session.accessToken;
      renewing ??= renew(session).finally(() => (renewing = undefined));
      return renewing;
    },

    async signIn(): Promise<AuthStatus> {
      const settings = await loadSettings(deps.local);
      let discovered;
      try {
        discovered = await discover(settings);
      } catch {
        return { state: 'signed-out', reason: 'unreachable' };
      }
      const { as, issuer } = discovered;
      const client = { client_id: settings.clientId };
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: client.client_id,
        redirect_uri: deps.redirectUri,
        response_type: 'code',
        scope: PSC_SCOPES,
        acr_values: PSC_ACR,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        // Always authenticate: a shared workstation must not sign the next user in as the last one.
        prompt: 'login',
      }).toString();

      let redirected: string;
      try {
        redirected = await deps.launchWebAuthFlow(url.href);
      } catch {
        return { state: 'signed-out', reason: 'cancelled' };
      }
      try {
        const params = oauth.validateAuthResponse(as, client, new URL(redirected), state);
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          oauth.None(),
          params,
          deps.redirectUri,
          verifier,
          options(issuer),
        );
        const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: nonce,
          requireIdToken: true,
        });
        const session = toSession(settings, result);
        if (typeof session === 'string') return end(session);
        await deps.session.remove(ENDED);
        await deps.session.set({ [SESSION]: session });
        return { state: 'signed-in', professional: session.professional, expiresAt: session.expiresAt };
      } catch (error) {
        const denied = error instanceof oauth.AuthorizationResponseError && error.error === 'access_denied';
        return { state: 'signed-out', reason: denied ? 'cancelled' : 'failed' };
      }
    },

    async signOut(): Promise<AuthStatus> {
      const session = await load();
      const status = await end();
      if (session?.refreshToken) {
        // Best effort: the local session is gone whatever the provider answers.
        try {
          const { as, issuer } = await discover(await loadSettings(deps.local));
          if (as.revocation_endpoint) {
            await oauth.revocationRequest(
              as,
              { client_id: session.clientId },
              oauth.None(),
              session.refreshToken,
              options(issuer),
            );
          }
        } catch {
          // Unreachable provider: the refresh token expires on its own.
        }
      }
      return status;
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
