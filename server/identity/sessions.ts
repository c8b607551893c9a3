/**
 * The extension's sessions at the platform (docs/sign-in.md), the "token-mediating backend" of
 * OAuth 2.0 for Browser-Based Applications: the platform signs the professional in at Pro Santé
 * Connect as its confidential client, and gives the extension its own session —
 *   1. `start`: the extension (PKCE challenge, its redirect URI, its state) is sent on to PSC;
 *   2. `callback`: PSC's answer is completed (`psc-client.ts`); the extension's redirect URI gets a
 *      one-time code (60 s);
 *   3. `token`: the code, with the PKCE verifier and a DPoP proof, becomes an access token (short)
 *      and a refresh token (rotated at each use), both bound to the extension's DPoP key;
 *   4. `verify`: every request carries the access token and a fresh DPoP proof by the same key.
 * PSC's tokens never leave the platform. A replayed code or refresh token ends the session.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Professional } from '../../src/core/session.ts';
import { EXTENSION_CLIENT_ID } from '../../src/core/platform.ts';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { recordOrRefuse, type AuditLog } from '../audit/log.ts';
import type { PlatformConfig } from '../config.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { Db } from '../storage/database.ts';
import {
  insertSession,
  liveSessionsOfPsc,
  revokeSession,
  rotateTokens,
  saveLoginRequest,
  sessionByAccess,
  sessionByCode,
  sessionByPreviousRefresh,
  sessionByRefresh,
  takeLoginRequest,
} from '../storage/sessions.ts';
import type { PlatformSessionTable } from '../storage/schema.ts';
import { DpopError, PROOF_MEMORY_MS, replayCache, tokenHash, verifyDpop, type FirstUse } from './dpop.ts';
import { isPostgres } from '../storage/dialect.ts';
import { firstProofUse } from '../storage/shared-state.ts';
import { LogoutRefusal, PscRefusal, type PscClient } from './psc-client.ts';

export { EXTENSION_CLIENT_ID } from '../../src/core/platform.ts';

/** Where PSC sends the professional back, and where the extension exchanges its code. */
export const CALLBACK_PATH = '/auth/callback';
export const TOKEN_PATH = '/auth/token';
/** Where PSC says a professional's PSC session ended (register `<public URL>` + this at PSC). */
export const BACKCHANNEL_LOGOUT_PATH = '/auth/backchannel-logout';
const callbackOf = (base: string) => `${base}${CALLBACK_PATH}`;

const LOGIN_MINUTES = 10;
const CODE_SECONDS = 60;

/** An OAuth error of the token endpoint (RFC 6749 §5.2, RFC 9449 §7.1). */
export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  constructor(error: string, description: string, status = 400) {
    super(description);
    this.error = error;
    this.status = status;
  }
}

/** `base64url(SHA-256(verifier))` (RFC 7636 S256). */
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

export interface TokenAnswer {
  access_token: string;
  token_type: 'DPoP';
  expires_in: number;
  refresh_token: string;
  /** Who is signed in, as PSC described them: the extension shows it, the platform decides from its own copy. */
  professional: Professional;
}

export interface SessionsOptions {
  db: Db;
  /** Where each session's end is written (who, why), in the transaction that ends it. */
  audit: AuditLog;
  now: () => Date;
  identity: PlatformConfig['identity'];
  /** PSC's client for the platform's callback at this address (`<public URL>/auth/callback`). */
  psc: (redirectUri: string) => PscClient;
}

/** The request a session is checked against: its method, full address and headers. */
export interface SessionRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

const challenge = (error?: string, description?: string) =>
  [
    'DPoP realm="passerelle", algs="ES256"',
    error && `error="${error}"`,
    description && `error_description="${description}"`,
  ]
    .filter(Boolean)
    .join(', ');

const unauthorized = (text: string, diagnostics: string, error = 'invalid_token') =>
  new FhirError(401, { code: 'login', text, diagnostics }).withHeaders({
    'www-authenticate': challenge(error, diagnostics),
  });

/** Why a session ends: its audit entry (a replay is a failed authentication), its French words. */
const ENDINGS = {
  'sign-out': { kind: 'logout', text: 'Déconnexion depuis l’extension.' },
  'psc-logout': { kind: 'logout', text: 'Session Pro Santé Connect terminée : notification de PSC.' },
  'psc-ended': { kind: 'logout', text: 'Session Pro Santé Connect terminée : renouvellement refusé par PSC.' },
  'code-replayed': {
    kind: 'login',
    outcome: 'serious-failure',
    text: 'Code de connexion présenté une seconde fois : session fermée.',
  },
  'refresh-replayed': {
    kind: 'login',
    outcome: 'serious-failure',
    text: 'Jeton de renouvellement déjà utilisé présenté à nouveau : session fermée.',
  },
} satisfies Record<string, { kind: 'login' | 'logout'; text: string; outcome?: 'serious-failure' }>;

export function platformSessions(o: SessionsOptions) {
  const { db, now, identity } = o;

  /** Ends a session with its audit entry, both or neither (a security reviewer sees every end, and why). */
  async function end(session: PlatformSessionTable, why: keyof typeof ENDINGS): Promise<void> {
    const ending: { kind: 'login' | 'logout'; text: string; outcome?: 'serious-failure' } = ENDINGS[why];
    await recordOrRefuse(
      o.audit,
      {
        kind: ending.kind,
        actor: Professional.parse(JSON.parse(session.professional)),
        ...(ending.outcome ? { outcome: ending.outcome } : {}),
        outcomeText: ending.text,
      },
      (tx) => revokeSession(tx, session.id, now(), why),
    );
  }
  // One process (SQLite) remembers proofs in memory; instances sharing PostgreSQL, in the database.
  const firstUse: FirstUse = isPostgres(db)
    ? (jti) => firstProofUse(db, jti, now(), new Date(now().getTime() + PROOF_MEMORY_MS))
    : replayCache(now);
  const later = (ms: number) => new Date(now().getTime() + ms).toISOString();

  async function issueTokens(
    session: PlatformSessionTable,
    expected: { codeHash: string } | { refreshHash: string },
    jkt: string,
    pscRefreshToken: string | null,
  ): Promise<TokenAnswer> {
    const access = newToken();
    const refresh = newToken();
    const accessSeconds = identity.accessMinutes * 60;
    const won = await rotateTokens(db, session.id, expected, {
      jkt,
      access_hash: tokenHash(access),
      access_expires_at: later(accessSeconds * 1000),
      refresh_hash: tokenHash(refresh),
      previous_refresh_hash: 'refreshHash' in expected ? expected.refreshHash : null,
      psc_refresh_token: pscRefreshToken,
    });
    if (!won) throw new OAuthError('invalid_grant', 'already used');
    return {
      access_token: access,
      token_type: 'DPoP',
      expires_in: accessSeconds,
      refresh_token: refresh,
      professional: Professional.parse(JSON.parse(session.professional)),
    };
  }

  async function dpopOf(proof: string | string[] | undefined, method: string, url: string, accessToken?: string) {
    try {
      return (await verifyDpop(proof, { method, url, ...(accessToken ? { accessToken } : {}) }, { now, firstUse })).jkt;
    } catch (error) {
      if (error instanceof DpopError) return undefined;
      throw error;
    }
  }

  return {
    /** Step 1: PSC's authorization address for the extension's sign-in; refused for an unknown redirect URI. */
    async start(request: { redirectUri: string; state: string; codeChallenge: string }, base: string): Promise<URL> {
      if (!identity.extensionRedirectUris.includes(request.redirectUri)) {
        throw new FhirError(400, {
          code: 'invalid',
          text: 'Adresse de retour inconnue : cette extension n’est pas enregistrée auprès de la plateforme.',
          diagnostics: 'redirect_uri not in EXTENSION_REDIRECT_URIS',
        });
      }
      const login = { state: newToken(), nonce: newToken(), codeVerifier: newToken() };
      await saveLoginRequest(
        db,
        {
          state: login.state,
          nonce: login.nonce,
          code_verifier: login.codeVerifier,
          client_redirect_uri: request.redirectUri,
          client_state: request.state,
          client_code_challenge: request.codeChallenge,
          expires_at: later(LOGIN_MINUTES * 60_000),
        },
        now(),
      );
      try {
        return await o.psc(callbackOf(base)).authorizationUrl(login);
      } catch {
        throw new FhirError(503, {
          code: 'transient',
          text: 'Pro Santé Connect est injoignable. Réessayez dans un instant.',
          diagnostics: 'PSC discovery failed (or OIDC_ISSUER unset)',
        });
      }
    },

    /**
     * Step 2: PSC came back. The extension's redirect URI with a one-time code, or with an OAuth
     * `error`; `undefined` when the login is unknown or expired (nobody to send it back to).
     */
    async callback(callback: URL, base: string): Promise<URL | undefined> {
      const login = await takeLoginRequest(db, callback.searchParams.get('state') ?? '', now());
      if (!login) return undefined;
      const back = new URL(login.client_redirect_uri);
      back.searchParams.set('state', login.client_state);
      back.searchParams.set('iss', base);
      try {
        const psc = await o.psc(callbackOf(base)).complete(callback, {
          state: login.state,
          nonce: login.nonce,
          codeVerifier: login.code_verifier,
        });
        const mapped = professionalFromClaims(psc.claims);
        if (!mapped.ok) throw new PscRefusal('failed', `claims: ${mapped.problem}`);
        const code = newToken();
        await insertSession(db, {
          id: randomUUID(),
          idnps: mapped.professional.idNps,
          professional: JSON.stringify(mapped.professional),
          psc_sid: psc.sid ?? null,
          psc_refresh_token: psc.refreshToken ?? null,
          client_redirect_uri: login.client_redirect_uri,
          client_code_challenge: login.client_code_challenge,
          code_hash: tokenHash(code),
          code_expires_at: later(CODE_SECONDS * 1000),
          jkt: null,
          access_hash: null,
          access_expires_at: null,
          refresh_hash: null,
          previous_refresh_hash: null,
          created_at: now().toISOString(),
          expires_at: later(identity.sessionHours * 3600_000),
          revoked_at: null,
          revoked_reason: null,
        });
        back.searchParams.set('code', code);
      } catch (error) {
        // PSC said no (or could not be reached): the extension is told, and shows why.
        if (error instanceof PscRefusal) {
          back.searchParams.set('error', error.reason === 'denied' ? 'access_denied' : 'invalid_grant');
          back.searchParams.set('error_description', error.reason);
        } else {
          back.searchParams.set('error', 'temporarily_unavailable');
        }
      }
      return back;
    },

    /** Step 3, and each renewal: the token endpoint (`grant_type` `authorization_code` or `refresh_token`). */
    async token(
      form: Record<string, string | undefined>,
      proof: string | string[] | undefined,
      base: string,
    ): Promise<TokenAnswer> {
      const jkt = await dpopOf(proof, 'POST', `${base}${TOKEN_PATH}`);
      if (!jkt) throw new OAuthError('invalid_dpop_proof', 'a valid DPoP proof is required');
      if (form.client_id !== undefined && form.client_id !== EXTENSION_CLIENT_ID) {
        throw new OAuthError('invalid_client', 'unknown client');
      }
      if (form.grant_type === 'authorization_code') {
        const codeHash = tokenHash(form.code ?? '');
        const session = await sessionByCode(db, codeHash);
        if (!session || session.revoked_at) throw new OAuthError('invalid_grant', 'unknown code');
        if (session.jkt !== null) {
          // The code was exchanged already: whoever presents it again, the session it made ends.
          await end(session, 'code-replayed');
          throw new OAuthError('invalid_grant', 'code already used');
        }
        if (!session.code_expires_at || session.code_expires_at <= now().toISOString()) {
          throw new OAuthError('invalid_grant', 'code expired');
        }
        if (form.redirect_uri !== session.client_redirect_uri) throw new OAuthError('invalid_grant', 'redirect_uri');
        if (!form.code_verifier || s256(form.code_verifier) !== session.client_code_challenge) {
          throw new OAuthError('invalid_grant', 'PKCE verification failed');
        }
        return issueTokens(session, { codeHash }, jkt, session.psc_refresh_token);
      }
      if (form.grant_type === 'refresh_token') {
        const refreshHash = tokenHash(form.refresh_token ?? '');
        const session = await sessionByRefresh(db, refreshHash);
        if (!session) {
          const replayed = await sessionByPreviousRefresh(db, refreshHash);
          if (replayed && !replayed.revoked_at) await end(replayed, 'refresh-replayed');
          throw new OAuthError('invalid_grant', 'unknown refresh token');
        }
        if (session.revoked_at || session.expires_at <= now().toISOString()) {
          throw new OAuthError('invalid_grant', 'session ended');
        }
        // The refresh token is bound to the key too (RFC 9449 §5): a copy without the key is useless.
        if (session.jkt !== jkt) throw new OAuthError('invalid_grant', 'DPoP key does not match');
        // PSC's session still stands? Its own refresh token says so (and rotates).
        let pscRefresh = session.psc_refresh_token;
        if (pscRefresh) {
          const renewed = await o.psc(callbackOf(base)).renew(pscRefresh);
          if (!renewed) {
            await end(session, 'psc-ended');
            throw new OAuthError('invalid_grant', 'PSC session ended');
          }
          pscRefresh = renewed.refreshToken;
        }
        return issueTokens(session, { refreshHash }, jkt, pscRefresh);
      }
      throw new OAuthError('unsupported_grant_type', 'authorization_code or refresh_token');
    },

    /** Sign-out (RFC 7009): the session ends, PSC forgets its refresh token (best effort). */
    async revoke(token: string, base: string): Promise<void> {
      const hash = tokenHash(token);
      const session = (await sessionByRefresh(db, hash)) ?? (await sessionByAccess(db, hash));
      if (!session || session.revoked_at) return;
      await end(session, 'sign-out');
      if (session.psc_refresh_token) {
        await o
          .psc(callbackOf(base))
          .revoke(session.psc_refresh_token)
          .catch(() => undefined);
      }
    },

    /**
     * PSC's back-channel logout (OpenID Connect Back-Channel Logout 1.0): the professional's PSC
     * session ended (sign-out at PSC, card withdrawn, account suspended), so every platform session
     * opened under it ends now, not at its next renewal. Answers how many ended; a token sent twice
     * ends nothing more. A token PSC did not sign for this platform is refused and ends nothing.
     */
    async logout(logoutToken: string, base: string): Promise<number> {
      let sid: string;
      try {
        sid = await o.psc(callbackOf(base)).loggedOutSession(logoutToken);
      } catch (error) {
        if (error instanceof LogoutRefusal) throw new OAuthError('invalid_request', `logout token: ${error.message}`);
        throw error;
      }
      const live = await liveSessionsOfPsc(db, sid);
      for (const session of live) await end(session, 'psc-logout');
      return live.length;
    },

    /** Step 4, on every request: the professional of a live session whose key signed this request. */
    async verify(req: SessionRequest, options: { staff?: boolean } = {}): Promise<Professional> {
      const header = req.headers.authorization;
      const token = /^DPoP ([A-Za-z0-9._~+/-]+=*)$/.exec(typeof header === 'string' ? header : '')?.[1];
      if (!token) {
        throw new FhirError(401, {
          code: 'login',
          text: 'Connexion requise : connectez-vous avec Pro Santé Connect.',
          diagnostics: 'Authorization: DPoP <platform session token> is required',
        }).withHeaders({ 'www-authenticate': challenge() });
      }
      const session = await sessionByAccess(db, tokenHash(token));
      const at = now().toISOString();
      if (!session || session.revoked_at) {
        throw unauthorized('Votre session a pris fin : reconnectez-vous.', 'unknown or revoked session');
      }
      if (!session.access_expires_at || session.access_expires_at <= at || session.expires_at <= at) {
        throw unauthorized('Votre session a expiré : reconnectez-vous.', 'token expired');
      }
      const jkt = await dpopOf(req.headers.dpop, req.method, req.url, token);
      if (!jkt || jkt !== session.jkt) {
        throw unauthorized(
          'Requête non signée par cette extension : reconnectez-vous.',
          'DPoP proof',
          'invalid_dpop_proof',
        );
      }
      const professional = Professional.parse(JSON.parse(session.professional));
      if (professional.professions.length === 0 && !options.staff) {
        throw new FhirError(403, {
          code: 'forbidden',
          text: 'Aucune profession de santé n’est associée à votre identité : accès refusé.',
          diagnostics: 'no SubjectRefPro.exercices[].codeProfession for this professional',
        });
      }
      return professional;
    },
  };
}

export type Sessions = ReturnType<typeof platformSessions>;
