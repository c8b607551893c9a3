/**
 * The development OpenID provider: a standards-compliant one (`oidc-provider`, certified by the
 * OpenID Foundation) playing Pro Santé Connect as PSC works, for `npm start` and the tests:
 *   - its client is the **platform**, confidential: a `client_id` and a `client_secret`
 *     (`client_secret_basic`; `client_secret_post` for a second client), PKCE required;
 *   - ID tokens carry only `sub`, `preferred_username` (the IDNPS), `acr`, `nonce`, `sid`; the
 *     professional's exercises, organisation (with its FINESS) and MSSanté address come from
 *     **userinfo**, as `SubjectRefPro`;
 *   - opaque access tokens, rotating refresh tokens, revocation.
 * Switching to the real Pro Santé Connect is configuration only (docs/sign-in.md).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';
import { PSC_ACR } from '../../src/core/psc.ts';
import { DEV_PROFESSIONALS, findDevProfessional, PSC_CLAIM_NAMES, pscClaimsOf } from './dev-professionals.ts';
import { errorPage, loginPage } from './login-page.ts';
import { BACKCHANNEL_LOGOUT_EVENT } from './psc-client.ts';

/** The platform's client at the development provider, and its secret (development only). */
export const DEV_CLIENT_ID = 'passerelle-platform';
export const DEV_CLIENT_SECRET = 'dev-secret-not-for-production-3f9a1c';
/** A second client, authenticating with `client_secret_post`. */
export const DEV_POST_CLIENT_ID = 'passerelle-platform-post';
/** A client registered by its public key (`private_key_jwt`), when the tests give one. */
export const DEV_JWT_CLIENT_ID = 'passerelle-platform-jwt';

export interface DevProviderOptions {
  host: string;
  port: number;
  /** Callbacks besides a platform on this machine's loopback (`http://127.0.0.1:<any port>/auth/callback`). */
  extraRedirectUris?: readonly string[];
  accessTokenTtl?: number;
  /** What `acr` the login gives (`eidas1` as PSC; another to test the platform's refusal). */
  acr?: string;
  /** A third client, `passerelle-platform-jwt`, authenticating with `private_key_jwt` by this public key. */
  privateKeyJwtKey?: JWK;
}

export interface DevProvider {
  issuer: string;
  /**
   * The back-channel logout token PSC sends the platform when a professional's PSC session `sid`
   * ends (OpenID Connect Back-Channel Logout 1.0), signed with this provider's key: what a test
   * posts to the platform's `/auth/backchannel-logout`. `claims` overrides or adds claims.
   */
  logoutToken(sid: string, claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 4096) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function send(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    // No form-action: the login form's redirects end at the client's redirect URI, wherever it is.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

/**
 * The platform as a client: confidential (`auth`: a secret or a registered key), PKCE, code flow.
 * A platform on this machine may listen on any port (RFC 8252 loopback redirect, hence `native`);
 * others are registered by address.
 */
const platformClient = (
  clientId: string,
  auth: Pick<
    ClientMetadata,
    'client_secret' | 'token_endpoint_auth_method' | 'token_endpoint_auth_signing_alg' | 'jwks'
  >,
  extraRedirectUris: readonly string[] = [],
): ClientMetadata => ({
  client_id: clientId,
  ...auth,
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1/auth/callback', ...extraRedirectUris],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  id_token_signed_response_alg: 'ES256',
  // As registered at PSC: its logout notices name the PSC session (`sid`, also in the ID token).
  // This provider never sends them itself (`logoutToken` makes one for a test to post).
  backchannel_logout_uri: 'http://127.0.0.1/auth/backchannel-logout',
  backchannel_logout_session_required: true,
});

export async function startDevProvider(options: DevProviderOptions): Promise<DevProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const issuer = `http://${options.host}:${port}`;

  // A fresh signing key per run: tokens of a previous run are refused (the extension asks again).
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    use: 'sig',
    alg: 'ES256',
  };

  const extra = options.extraRedirectUris ?? [];
  const configuration: Configuration = {
    // The platform, a confidential client: by secret (basic or post), or by its registered key.
    clients: [
      platformClient(
        DEV_CLIENT_ID,
        { client_secret: DEV_CLIENT_SECRET, token_endpoint_auth_method: 'client_secret_basic' },
        extra,
      ),
      platformClient(
        DEV_POST_CLIENT_ID,
        { client_secret: DEV_CLIENT_SECRET, token_endpoint_auth_method: 'client_secret_post' },
        extra,
      ),
      ...(options.privateKeyJwtKey
        ? [
            platformClient(
              DEV_JWT_CLIENT_ID,
              {
                token_endpoint_auth_method: 'private_key_jwt',
                token_endpoint_auth_signing_alg: 'ES256',
                jwks: { keys: [options.privateKeyJwtKey] },
              },
              extra,
            ),
          ]
        : []),
    ],
    jwks: { keys: [signingKey] },
    scopes: ['openid', 'scope_all'],
    // As PSC: the ID token names the professional by IDNPS only; the rest is userinfo's.
    claims: {
      openid: ['sub', 'preferred_username'],
      scope_all: PSC_CLAIM_NAMES.filter((name) => name !== 'preferred_username'),
    },
    acrValues: [PSC_ACR, 'eidas2'],
    conformIdTokenClaims: true,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
    },
    async findAccount(_ctx, accountId) {
      const professional = findDevProfessional(accountId);
      return professional ? { accountId, claims: async () => pscClaimsOf(professional) } : undefined;
    },
    // The extension is a first-party client: no consent screen, the grant is made at login.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      // A grant revoked with its refresh token at sign-out is gone: sign-in makes a new one (else the
      // provider would ask for consent, which this first-party client never shows — a dead end in
      // browsers that keep the provider's session cookie between sign-ins, as Firefox does).
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope('openid scope_all');
      grant.addOIDCClaims([...PSC_CLAIM_NAMES]);
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Each renewal gives a new refresh token and spends the old one (confidential client or not).
    rotateRefreshToken: () => true,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: options.accessTokenTtl ?? 10 * 60,
      Interaction: 10 * 60,
      Session: 12 * 3600,
      Grant: 12 * 3600,
      IdToken: 3600,
      AuthorizationCode: 60,
      // A working day; the extension renews the access token with it and asks again after.
      RefreshToken: 10 * 3600,
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(String(out.error_description ?? out.error ?? 'erreur'));
    },
  };

  const provider = new Provider(issuer, configuration);
  // Plain http on loopback only: the provider would otherwise refuse to set its cookies.
  provider.proxy = false;
  const oidc = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login|\/abort)?$/.exec(req.url?.split('?')[0] ?? '');
    if (!match) {
      oidc(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.uid !== match[1]) throw new Error('interaction mismatch');
        if (req.method === 'GET' && !match[2] && details.prompt.name === 'consent') {
          // The platform is a first-party client: consent is given with the login, never asked.
          // (`native` clients, like a platform on the loopback, are always asked for it otherwise.)
          const grant = details.grantId
            ? (await provider.Grant.find(details.grantId))!
            : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
          grant.addOIDCScope('openid scope_all');
          grant.addOIDCClaims([...PSC_CLAIM_NAMES]);
          const grantId = await grant.save();
          return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
        }
        if (req.method === 'GET' && !match[2]) return send(res, 200, loginPage(details.uid, DEV_PROFESSIONALS));
        if (req.method === 'POST' && match[2] === '/abort') {
          return provider.interactionFinished(
            req,
            res,
            { error: 'access_denied', error_description: 'Connexion annulée.' },
            { mergeWithLastSubmission: false },
          );
        }
        if (req.method === 'POST' && match[2] === '/login') {
          const accountId = (await readForm(req)).get('account') ?? '';
          if (!findDevProfessional(accountId)) return send(res, 400, errorPage('Professionnel inconnu.'));
          // The card or e-CPS authentication of PSC gives `eidas1`; so does this one, by fiat.
          return provider.interactionFinished(
            req,
            res,
            { login: { accountId, acr: options.acr ?? PSC_ACR, amr: ['pwd'] } },
            { mergeWithLastSubmission: false },
          );
        }
        send(res, 405, errorPage('Méthode non permise.'));
      } catch {
        send(res, 400, errorPage('Cette demande de connexion a expiré. Recommencez depuis l’extension.'));
      }
    })();
  });

  return {
    issuer,
    logoutToken: (sid, claims = {}) =>
      new SignJWT({
        iss: issuer,
        aud: DEV_CLIENT_ID,
        iat: Math.floor(Date.now() / 1000),
        jti: randomBytes(16).toString('hex'),
        sid,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid, typ: 'logout+jwt' })
        .sign(privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
