/**
 * The development OpenID provider: a standards-compliant one (`oidc-provider`, certified by the
 * OpenID Foundation) playing Pro Santé Connect for `npm start` and the tests. It issues
 *   - ID tokens carrying PSC's claims (the extension shows who is signed in from them);
 *   - JWT access tokens (RFC 9068) for the platform's audience, with `acr` and the same claims;
 *   - rotating refresh tokens (public client, PKCE required).
 * Switching to the real Pro Santé Connect is configuration only (README "Sign-in").
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { CHROME_EXTENSION_ID, DEFAULT_CLIENT_ID, FIREFOX_EXTENSION_ID } from '../../src/core/platform.ts';
import { PSC_ACR } from '../../src/core/psc.ts';
import { originAllowed } from '../config.ts';
import { DEV_PROFESSIONALS, findDevProfessional, PSC_CLAIM_NAMES, pscClaimsOf } from './dev-professionals.ts';
import { errorPage, loginPage } from './login-page.ts';

/** The extension's client id at the development provider (the extension's default setting). */
export const DEV_CLIENT_ID = DEFAULT_CLIENT_ID;

export interface DevProviderOptions {
  host: string;
  port: number;
  /** The platform's audience: access tokens are minted for it. */
  audience: string;
  /** Origins whose scripts may call the token endpoint (the extension's). */
  allowedOrigins: readonly string[];
  /** Redirect URIs besides the extension's own (`identity.getRedirectURL()`). */
  extraRedirectUris?: readonly string[];
  accessTokenTtl?: number;
}

export interface DevProvider {
  issuer: string;
  close(): Promise<void>;
}

/** `identity.getRedirectURL()` of the extension: Chrome's from its id, Firefox's from SHA-1(id). */
export function extensionRedirectUris(): string[] {
  const firefoxHash = createHash('sha1').update(FIREFOX_EXTENSION_ID).digest('hex');
  return [`https://${CHROME_EXTENSION_ID}.chromiumapp.org/`, `https://${firefoxHash}.extensions.allizom.org/`];
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

  const resourceServer = {
    scope: 'scope_all',
    audience: options.audience,
    accessTokenTTL: options.accessTokenTtl ?? 10 * 60,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: 'ES256' as const } },
  };

  const configuration: Configuration = {
    clients: [
      {
        client_id: DEV_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        redirect_uris: [...extensionRedirectUris(), ...(options.extraRedirectUris ?? [])],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [signingKey] },
    scopes: ['openid', 'scope_all'],
    claims: { openid: ['sub'], scope_all: [...PSC_CLAIM_NAMES] },
    acrValues: [PSC_ACR],
    // PSC's claims in the ID token too: the extension reads them without a userinfo round trip.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => resourceServer,
      },
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
      grant.addResourceScope(options.audience, 'scope_all');
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Access tokens carry what the platform decides from: `acr` and PSC's claims (docs/domain.md).
    async extraTokenClaims(ctx: KoaContextWithOIDC, token) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const professional = findDevProfessional(token.accountId);
      const from = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
      return { ...(professional ? pscClaimsOf(professional) : {}), acr: from?.acr };
    },
    clientBasedCORS: (_ctx, origin) => originAllowed(origin, options.allowedOrigins),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: resourceServer.accessTokenTTL,
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
            { login: { accountId, acr: PSC_ACR, amr: ['pwd'] } },
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
