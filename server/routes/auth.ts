/**
 * Sign-in through the platform (docs/sign-in.md): the platform is Pro Santé Connect's confidential
 * client and the extension's authorization server. Public routes (they are how one gets a session):
 *   GET  /.well-known/oauth-authorization-server  the metadata the extension discovers (RFC 8414)
 *   GET  /auth/start        the extension's authorization request, sent on to PSC
 *   GET  /auth/callback     PSC's answer; the extension's redirect URI gets a one-time code
 *   POST /auth/token        code (PKCE) or refresh token + DPoP proof → the extension's tokens
 *   POST /auth/revoke       sign-out (RFC 7009)
 *   POST /auth/backchannel-logout  PSC says a professional's PSC session ended (OIDC Back-Channel Logout)
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App, Deps } from '../deps.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { errorPage } from '../html.ts';
import {
  BACKCHANNEL_LOGOUT_PATH,
  CALLBACK_PATH,
  EXTENSION_CLIENT_ID,
  OAuthError,
  TOKEN_PATH,
} from '../identity/sessions.ts';

const open = { config: { public: true } } as const;
const token = z.string().min(1).max(4096);

const StartQuery = z.object({
  client_id: z.literal(EXTENSION_CLIENT_ID),
  redirect_uri: z.url().max(500),
  response_type: z.literal('code'),
  state: z.string().min(8).max(500),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  code_challenge_method: z.literal('S256'),
  scope: z.string().max(200).optional(),
});

const TokenForm = z.object({
  grant_type: z.string().max(100),
  code: token.optional(),
  code_verifier: z.string().max(200).optional(),
  redirect_uri: z.string().max(500).optional(),
  refresh_token: token.optional(),
  client_id: z.string().max(200).optional(),
});

/** The platform's address as the browser and PSC reach it: `PUBLIC_URL`, else this request's own. */
export const publicBase = (deps: Deps, req: FastifyRequest) =>
  deps.config.identity.publicUrl ?? `${req.protocol}://${req.host}`;

const html = (reply: FastifyReply, status: number, body: string) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .header('cache-control', 'no-store')
    .send(body);

const oauthError = (reply: FastifyReply, error: OAuthError) =>
  reply.code(error.status).header('cache-control', 'no-store').send({
    error: error.error,
    error_description: error.message,
  });

export function authRoutes(app: App, deps: Deps): void {
  const { sessions } = deps;

  app.get('/.well-known/oauth-authorization-server', open, async (req) => {
    const base = publicBase(deps, req);
    return {
      issuer: base,
      authorization_endpoint: `${base}/auth/start`,
      token_endpoint: `${base}${TOKEN_PATH}`,
      revocation_endpoint: `${base}/auth/revoke`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      dpop_signing_alg_values_supported: ['ES256'],
      authorization_response_iss_parameter_supported: true,
    };
  });

  app.register(async (plugin) => {
    // The token, revocation and logout endpoints take forms (RFC 6749 §3.2).
    plugin.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const scope = plugin.withTypeProvider<ZodTypeProvider>();

    scope.get('/auth/start', open, async (req, reply) => {
      const parsed = StartQuery.safeParse(req.query);
      if (!parsed.success)
        return html(reply, 400, errorPage('Demande de connexion invalide. Recommencez depuis l’extension.'));
      const q = parsed.data;
      let url: URL;
      try {
        url = await sessions.start(
          { redirectUri: q.redirect_uri, state: q.state, codeChallenge: q.code_challenge },
          publicBase(deps, req),
        );
      } catch (error) {
        // The sign-in window shows a page, not a FHIR answer.
        if (error instanceof FhirError) return html(reply, error.status, errorPage(error.issues[0]?.text ?? ''));
        throw error;
      }
      return reply.code(303).header('location', url.href).header('cache-control', 'no-store').send();
    });

    scope.get(CALLBACK_PATH, open, async (req, reply) => {
      const base = publicBase(deps, req);
      const back = await sessions.callback(new URL(req.url, base), base);
      if (!back) {
        return html(reply, 400, errorPage('Cette demande de connexion a expiré. Recommencez depuis l’extension.'));
      }
      req.log.info({ signIn: back.searchParams.get('error') ?? 'ok' }, 'sign-in at PSC');
      return reply.code(303).header('location', back.href).header('cache-control', 'no-store').send();
    });

    scope.post(TOKEN_PATH, open, async (req, reply) => {
      const form = TokenForm.safeParse(req.body);
      if (!form.success) return oauthError(reply, new OAuthError('invalid_request', 'malformed token request'));
      try {
        const answer = await sessions.token(form.data, req.headers.dpop, publicBase(deps, req));
        return reply.header('cache-control', 'no-store').send(answer);
      } catch (error) {
        if (error instanceof OAuthError) {
          req.log.warn({ grant: form.data.grant_type, error: error.error, why: error.message }, 'token refused');
          return oauthError(reply, error);
        }
        throw error;
      }
    });

    scope.post('/auth/revoke', open, async (req, reply) => {
      const form = z.object({ token }).safeParse(req.body);
      // RFC 7009: an unknown token is not an error; the answer says nothing about it.
      if (form.success) await sessions.revoke(form.data.token, publicBase(deps, req));
      return reply.code(200).header('cache-control', 'no-store').send();
    });

    scope.post(BACKCHANNEL_LOGOUT_PATH, open, async (req, reply) => {
      const form = z.object({ logout_token: token }).safeParse(req.body);
      if (!form.success) return oauthError(reply, new OAuthError('invalid_request', 'logout_token required'));
      try {
        const ended = await sessions.logout(form.data.logout_token, publicBase(deps, req));
        req.log.info({ ended }, 'PSC back-channel logout');
        return reply.code(200).header('cache-control', 'no-store').send();
      } catch (error) {
        if (error instanceof OAuthError) {
          req.log.warn({ why: error.message }, 'back-channel logout refused');
          return oauthError(reply, error);
        }
        throw error;
      }
    });
  });
}
