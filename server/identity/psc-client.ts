/**
 * The platform as Pro Santé Connect's **confidential** client (docs/sign-in.md): authorization code
 * with PKCE, client authentication by secret (`client_secret_basic` / `client_secret_post`) or by
 * signed assertion (`private_key_jwt`), `acr=eidas1` required, the ID token and its nonce checked,
 * and the professional read from userinfo when the ID token does not carry them (PSC's tokens may
 * hold only `preferred_username`). `oauth4webapi` does the protocol; nothing here is hand-made.
 * PSC's tokens stay on the platform: the extension only ever holds a platform session.
 */
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, customFetch, importPKCS8, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { PSC_SCOPES } from '../../src/core/psc.ts';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface PscClientConfig {
  issuer: string;
  clientId: string;
  clientAuth: ClientAuthMethod;
  clientSecret?: string;
  /** PKCS#8 PEM of the key registered for `private_key_jwt`, its JWS algorithm and key id. */
  clientKeyFile?: string;
  clientKeyAlg?: string;
  clientKeyId?: string;
  acceptedAcr: readonly string[];
  /** The platform's callback, as registered at PSC (`<PUBLIC_URL>/auth/callback`). */
  redirectUri: string;
}

/** Why a sign-in at PSC did not give a professional (mapped to the extension's `error`). */
export class PscRefusal extends Error {
  readonly reason: 'denied' | 'acr' | 'failed';
  constructor(reason: 'denied' | 'acr' | 'failed', detail: string) {
    super(detail);
    this.reason = reason;
  }
}

export interface PscLogin {
  claims: Record<string, unknown>;
  /** PSC's session id (`sid`), for its back-channel logout. */
  sid?: string;
  refreshToken?: string;
}

/** The event a back-channel logout token carries (OpenID Connect Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * A logout token's claims beyond issuer, audience and signature: its id and time, the PSC session
 * it ends (`sid`: the platform registers with `backchannel_logout_session_required`), the logout
 * event, and no `nonce` (which would make it an ID token).
 */
const LogoutClaims = z.object({
  jti: z.string().min(1),
  iat: z.number(),
  sid: z.string().min(1).max(500),
  events: z.object({ [BACKCHANNEL_LOGOUT_EVENT]: z.record(z.string(), z.unknown()) }),
  nonce: z.never().optional(),
});

/** A logout token refused: unsigned by PSC, for another client, stale, or not a logout token. */
export class LogoutRefusal extends Error {}

const loopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** A start-up error when the configured client authentication lacks its secret or key. */
export function checkClientAuth(config: PscClientConfig): void {
  if (config.clientAuth === 'private_key_jwt' && !config.clientKeyFile) {
    throw new Error('OIDC_CLIENT_KEY_FILE is required with OIDC_CLIENT_AUTH=private_key_jwt');
  }
  if (config.clientAuth !== 'private_key_jwt' && !config.clientSecret) {
    throw new Error(`OIDC_CLIENT_SECRET is required with OIDC_CLIENT_AUTH=${config.clientAuth}`);
  }
}

async function clientAuthOf(config: PscClientConfig): Promise<oauth.ClientAuth> {
  if (config.clientAuth === 'private_key_jwt') {
    const key = await importPKCS8(readFileSync(config.clientKeyFile!, 'utf8'), config.clientKeyAlg ?? 'ES256');
    return oauth.PrivateKeyJwt(config.clientKeyId ? { key, kid: config.clientKeyId } : key);
  }
  return config.clientAuth === 'client_secret_post'
    ? oauth.ClientSecretPost(config.clientSecret!)
    : oauth.ClientSecretBasic(config.clientSecret!);
}

export function pscClient(config: PscClientConfig, fetchImpl: typeof fetch = fetch) {
  const issuer = new URL(config.issuer);
  const client: oauth.Client = { client_id: config.clientId };
  checkClientAuth(config);
  let auth: Promise<oauth.ClientAuth> | undefined;
  const authenticated = () => (auth ??= clientAuthOf(config));
  const options = () => ({
    [oauth.customFetch]: fetchImpl,
    // Plain http only for a provider on this machine (the development one).
    [oauth.allowInsecureRequests]: issuer.protocol === 'http:' && loopback(issuer),
    signal: AbortSignal.timeout(10_000),
  });
  let discovered: Promise<oauth.AuthorizationServer> | undefined;
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const server = () => {
    discovered ??= oauth
      .discoveryRequest(issuer, { ...options(), algorithm: 'oidc' })
      .then((response) => oauth.processDiscoveryResponse(issuer, response))
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  return {
    /** PSC's authorization address for a new login; `state`, `nonce` and the verifier are the caller's to keep. */
    async authorizationUrl(login: { state: string; nonce: string; codeVerifier: string }): Promise<URL> {
      const as = await server();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: config.clientId,
        redirect_uri: config.redirectUri,
        response_type: 'code',
        scope: PSC_SCOPES,
        acr_values: config.acceptedAcr[0]!,
        code_challenge: await oauth.calculatePKCECodeChallenge(login.codeVerifier),
        code_challenge_method: 'S256',
        state: login.state,
        nonce: login.nonce,
        // Always authenticate: a shared workstation must not sign the next user in as the last one.
        prompt: 'login',
      }).toString();
      return url;
    },

    /** PSC came back to the callback: the code exchanged (client authenticated), the ID token checked, userinfo read. */
    async complete(callback: URL, login: { state: string; nonce: string; codeVerifier: string }): Promise<PscLogin> {
      const as = await server();
      let params: URLSearchParams;
      try {
        params = oauth.validateAuthResponse(as, client, callback, login.state);
      } catch (error) {
        if (error instanceof oauth.AuthorizationResponseError && error.error === 'access_denied') {
          throw new PscRefusal('denied', 'sign-in cancelled at PSC');
        }
        throw new PscRefusal('failed', `authorization response: ${(error as Error).message}`);
      }
      let result: oauth.TokenEndpointResponse;
      try {
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          await authenticated(),
          params,
          config.redirectUri,
          login.codeVerifier,
          options(),
        );
        result = await oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: login.nonce,
          requireIdToken: true,
        });
      } catch (error) {
        throw new PscRefusal('failed', `token exchange: ${(error as Error).message}`);
      }
      const idToken = oauth.getValidatedIdTokenClaims(result)!;
      if (typeof idToken.acr !== 'string' || !config.acceptedAcr.includes(idToken.acr)) {
        throw new PscRefusal('acr', `acr ${String(idToken.acr)} not accepted`);
      }
      let claims: Record<string, unknown> = { ...idToken };
      // The professional's exercises may be given by userinfo only: read once, kept with the session.
      if (!claims.SubjectRefPro && as.userinfo_endpoint) {
        try {
          const response = await oauth.userInfoRequest(as, client, result.access_token, options());
          claims = { ...claims, ...(await oauth.processUserInfoResponse(as, client, idToken.sub, response)) };
        } catch (error) {
          throw new PscRefusal('failed', `userinfo: ${(error as Error).message}`);
        }
      }
      return {
        claims,
        ...(typeof idToken.sid === 'string' ? { sid: idToken.sid } : {}),
        ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
      };
    },

    /** Whether PSC's session still stands: its refresh token renewed (rotated), or `undefined` if PSC said no. */
    async renew(refreshToken: string): Promise<{ refreshToken: string } | undefined> {
      const as = await server();
      try {
        const response = await oauth.refreshTokenGrantRequest(
          as,
          client,
          await authenticated(),
          refreshToken,
          options(),
        );
        const result = await oauth.processRefreshTokenResponse(as, client, response);
        return { refreshToken: result.refresh_token ?? refreshToken };
      } catch (error) {
        if (error instanceof oauth.ResponseBodyError) return undefined;
        throw error;
      }
    },

    /** Best effort: PSC forgets the refresh token (sign-out). */
    async revoke(refreshToken: string): Promise<void> {
      const as = await server();
      if (!as.revocation_endpoint) return;
      const response = await oauth.revocationRequest(as, client, await authenticated(), refreshToken, options());
      await oauth.processRevocationResponse(response);
    },

    /**
     * The PSC session a back-channel logout token ends (its `sid`), once the token is checked:
     * signed by one of PSC's published keys, issued by PSC for this client, at most 5 minutes old,
     * and a logout token (its event, no nonce).
     */
    async loggedOutSession(logoutToken: string): Promise<string> {
      const as = await server();
      if (!as.jwks_uri) throw new LogoutRefusal('PSC publishes no keys');
      keys ??= createRemoteJWKSet(new URL(as.jwks_uri), { [customFetch]: fetchImpl });
      try {
        const { payload } = await jwtVerify(logoutToken, keys, {
          issuer: as.issuer,
          audience: config.clientId,
          maxTokenAge: '5 minutes',
          clockTolerance: 30,
        });
        const claims = LogoutClaims.safeParse(payload);
        if (!claims.success) throw new LogoutRefusal(`claims: ${claims.error.issues[0]?.path.join('.')}`);
        return claims.data.sid;
      } catch (error) {
        throw error instanceof LogoutRefusal ? error : new LogoutRefusal((error as Error).message);
      }
    },
  };
}

export type PscClient = ReturnType<typeof pscClient>;
