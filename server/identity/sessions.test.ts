/**
 * Sign-in through the platform, end to end with the development provider playing Pro Santé
 * Connect: the platform is its confidential client; the extension gets a platform session bound
 * to its DPoP key. What an attacker might try with a stolen token, code or refresh token is
 * refused, and has no effect at the platform.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { completeLogin, memoryKeyStore, REDIRECT_URI, signInHeadless, type SignedIn } from '../../test/support/oidc.ts';
import { onPostgres } from '../../test/support/database.ts';
import { signInPlatform, testPlatform, type SignInPlatform } from '../../test/support/platform.ts';
import { me, PHYSICIAN, sessionEnds } from '../../test/support/sessions.ts';
import { DEV_JWT_CLIENT_ID } from './dev-provider.ts';
import { EXTENSION_CLIENT_ID } from './sessions.ts';

let platform: SignInPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

/** A platform with real sign-in; its clock is the test's (`clock.at`). */
async function start(options: Parameters<typeof signInPlatform>[0] = {}) {
  const clock = { at: new Date() };
  platform = await signInPlatform({ now: () => clock.at, ...options });
  return { platform, clock };
}

/** Calls `$me` once with the session and a fresh proof; answers the headers as sent (to replay them). */
async function sentHeaders(signedIn: SignedIn, url: URL): Promise<Headers> {
  const captured: Headers[] = [];
  const { accessToken, dpop } = (await signedIn.auth.credentials())!;
  await oauth.protectedResourceRequest(accessToken, 'GET', url, new Headers(), null, {
    [oauth.allowInsecureRequests]: true,
    DPoP: dpop,
    [oauth.customFetch]: (target: string, init: { headers: Record<string, string> }) => {
      captured.push(new Headers(init.headers));
      return fetch(target, init);
    },
  });
  return captured[0]!;
}

/** The extension's side by hand: discovery, the sign-in window, and the raw code in the redirect. */
async function codeFor(url: string, account = PHYSICIAN) {
  const issuer = new URL(url);
  const insecure = { [oauth.allowInsecureRequests]: true };
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oauth2' }),
  );
  const client: oauth.Client = { client_id: EXTENSION_CLIENT_ID };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const start = new URL(as.authorization_endpoint!);
  start.search = new URLSearchParams({
    client_id: EXTENSION_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  }).toString();
  const redirected = new URL(await completeLogin(start.href, REDIRECT_URI, account));
  const exchange = async (keys = memoryKeyStore()) => {
    const dpop = oauth.DPoP(client, await keys.renew());
    const params = oauth.validateAuthResponse(as, client, redirected, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      REDIRECT_URI,
      verifier,
      {
        ...insecure,
        DPoP: dpop,
      },
    );
    return oauth.processAuthorizationCodeResponse(as, client, response);
  };
  return { redirected, exchange };
}

describe('sign-in through the platform (PSC confidential client, platform session)', () => {
  it('signs the professional in at PSC, and gives the extension a session that works with its key', async () => {
    const { platform } = await start();
    const signedIn = await signInHeadless(platform.url, PHYSICIAN);
    const status = await signedIn.auth.status();
    expect(status).toMatchObject({ state: 'signed-in', professional: { familyName: 'MOREAU', professions: ['10'] } });
    expect((await me(signedIn)).status).toBe(200);
    // The session is the platform's: tokens known only by their hash, bound to the key's thumbprint.
    const [row] = await platform.db.selectFrom('platform_session').selectAll().execute();
    expect(row).toMatchObject({ idnps: '899700100011', jkt: expect.any(String), revoked_at: null });
    expect(JSON.stringify(row)).not.toContain((await signedIn.auth.credentials())!.accessToken);
  });

  it('reads the professional from userinfo: PSC’s ID token names them by IDNPS only', async () => {
    const { platform } = await start();
    const seen: Record<string, unknown>[] = [];
    const spy = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const res = await spy(input, init);
      if (String(input instanceof Request ? input.url : input).startsWith(`${platform.provider.issuer}/token`)) {
        seen.push(await res.clone().json());
      }
      return res;
    };
    try {
      const signedIn = await signInHeadless(platform.url, 'f:passerelle-dev:nurse');
      expect((await signedIn.auth.status()).state).toBe('signed-in');
    } finally {
      globalThis.fetch = spy;
    }
    const payload = JSON.parse(Buffer.from(String(seen[0]!.id_token).split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({ preferred_username: '899700100029', acr: 'eidas1' });
    expect(payload.SubjectRefPro).toBeUndefined();
    const [row] = await platform.db.selectFrom('platform_session').select('professional').execute();
    expect(JSON.parse(row!.professional)).toMatchObject({ professions: ['60'] });
  });

  it('refuses a stolen access token used from another client: another key, or no key at all', async () => {
    const { platform } = await start();
    const signedIn = await signInHeadless(platform.url, PHYSICIAN);
    const { accessToken } = (await signedIn.auth.credentials())!;
    const url = new URL('/fhir/Practitioner/$me', platform.url);
    const thief = oauth.DPoP({ client_id: 'thief' } as oauth.Client, await memoryKeyStore().renew());
    const fromElsewhere = await oauth
      .protectedResourceRequest(accessToken, 'GET', url, new Headers(), null, {
        [oauth.allowInsecureRequests]: true,
        DPoP: thief,
      })
      .catch((e: oauth.WWWAuthenticateChallengeError) => e.response);
    expect(fromElsewhere.status).toBe(401);
    expect(fromElsewhere.headers.get('www-authenticate')).toMatch(/invalid_dpop_proof/);
    const bearer = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(bearer.status).toBe(401);
    const noProof = await fetch(url, { headers: { authorization: `DPoP ${accessToken}` } });
    expect(noProof.status).toBe(401);
    // The professional's own requests still work: nothing was revoked by the attempts.
    expect((await me(signedIn)).status).toBe(200);
  });

  it('refuses a replayed DPoP proof', async () => {
    const { platform } = await start();
    const signedIn = await signInHeadless(platform.url, PHYSICIAN);
    const url = new URL('/fhir/Practitioner/$me', platform.url);
    const replay = await fetch(url, { headers: await sentHeaders(signedIn, url) });
    expect(replay.status).toBe(401);
  });

  // Several instances share PostgreSQL (one SQLite platform is one process: nothing to share).
  it.runIf(onPostgres())('refuses a DPoP proof replayed at another platform instance', async () => {
    const { platform } = await start();
    const other = await testPlatform({}, { sessions: true, db: platform.db });
    try {
      const signedIn = await signInHeadless(platform.url, PHYSICIAN);
      const url = new URL('/fhir/Practitioner/$me', platform.url);
      // The other instance, behind the same address, is handed the same request again.
      const headers = { ...Object.fromEntries(await sentHeaders(signedIn, url)), host: url.host };
      const { accessToken, dpop } = (await signedIn.auth.credentials())!;
      const replay = await other.app.inject({ method: 'GET', url: url.pathname, headers });
      expect(replay.statusCode).toBe(401);
      // A fresh proof for the same session is good there: the session is shared, not the proof.
      const fresh = await oauth.protectedResourceRequest(accessToken, 'GET', url, new Headers(), null, {
        [oauth.allowInsecureRequests]: true,
        DPoP: dpop,
        [oauth.customFetch]: async (_target: string, init: { headers: Record<string, string> }) => {
          const res = await other.app.inject({
            method: 'GET',
            url: url.pathname,
            headers: { ...init.headers, host: url.host },
          });
          return new Response(res.body, { status: res.statusCode });
        },
      });
      expect(fresh.status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('refuses an expired access token; the refresh token renews it, rotated, and a replayed one ends the session', async () => {
    const { platform, clock } = await start();
    let now = Date.now();
    const signedIn = await signInHeadless(platform.url, PHYSICIAN, { now: () => now });
    const first = (await signedIn.auth.credentials())!;
    // Five minutes on: the platform holds the access token expired (by its own clock, not the
    // wall's: the sign-in may take more than a second); the extension knows it too.
    await platform.db
      .updateTable('platform_session')
      .set({ access_expires_at: new Date(clock.at.getTime() - 1000).toISOString() })
      .execute();
    now += 6 * 60_000;
    const url = new URL('/fhir/Practitioner/$me', platform.url);
    const expired = await oauth
      .protectedResourceRequest(first.accessToken, 'GET', url, new Headers(), null, {
        [oauth.allowInsecureRequests]: true,
        DPoP: first.dpop,
      })
      .catch((e: oauth.WWWAuthenticateChallengeError) => e.response);
    expect(expired.status).toBe(401);
    // The extension renews (rotating the refresh token) and goes on.
    const stored = (await signedIn.session.get('auth')).auth as { refreshToken: string };
    expect((await me(signedIn)).status).toBe(200);
    const renewed = (await signedIn.session.get('auth')).auth as { refreshToken: string };
    expect(renewed.refreshToken).not.toBe(stored.refreshToken);
    // Someone replays the spent refresh token (with the right key, even): the whole session ends.
    const issuer = new URL(platform.url);
    const meta = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true, algorithm: 'oauth2' }),
    );
    const replay = await oauth.refreshTokenGrantRequest(
      meta,
      { client_id: EXTENSION_CLIENT_ID },
      oauth.None(),
      stored.refreshToken,
      { [oauth.allowInsecureRequests]: true, DPoP: (await signedIn.auth.credentials())!.dpop },
    );
    expect(replay.status).toBe(400);
    expect((await me(signedIn)).status).toBe(401);
    // A security reviewer sees it: a failed authentication, and why the session ended.
    expect(await sessionEnds(platform)).toEqual([
      {
        kind: 'login',
        outcome: '8',
        outcomeDesc: 'Jeton de renouvellement déjà utilisé présenté à nouveau : session fermée.',
      },
    ]);
  });

  it('ends the session at sign-out: the tokens no longer work', async () => {
    const { platform } = await start();
    const signedIn = await signInHeadless(platform.url, PHYSICIAN);
    const { accessToken, dpop } = (await signedIn.auth.credentials())!;
    await signedIn.auth.signOut();
    const res = await oauth
      .protectedResourceRequest(
        accessToken,
        'GET',
        new URL('/fhir/Practitioner/$me', platform.url),
        new Headers(),
        null,
        {
          [oauth.allowInsecureRequests]: true,
          DPoP: dpop,
        },
      )
      .catch((e: oauth.WWWAuthenticateChallengeError) => e.response);
    expect(res.status).toBe(401);
    const [row] = await platform.db.selectFrom('platform_session').select(['revoked_reason']).execute();
    expect(row!.revoked_reason).toBe('sign-out');
    expect(await sessionEnds(platform)).toEqual([
      { kind: 'logout', outcome: '0', outcomeDesc: 'Déconnexion depuis l’extension.' },
    ]);
  });

  it('exchanges a code once: replayed, it is refused and the session it made ends', async () => {
    const { platform } = await start();
    const { exchange } = await codeFor(platform.url);
    const tokens = await exchange();
    await expect(exchange()).rejects.toThrow();
    const [row] = await platform.db.selectFrom('platform_session').select(['revoked_reason']).execute();
    expect(row!.revoked_reason).toBe('code-replayed');
    expect(await sessionEnds(platform)).toMatchObject([{ kind: 'login', outcome: '8' }]);
    expect(tokens.access_token).toBeTruthy();
  });

  it('refuses a sign-in whose PSC authentication is not eidas1', async () => {
    const { platform } = await start({ acr: 'eidas2' });
    const { redirected } = await codeFor(platform.url);
    expect(redirected.searchParams.get('error')).toBe('invalid_grant');
    expect(redirected.searchParams.get('code')).toBeNull();
    expect(await platform.db.selectFrom('platform_session').selectAll().execute()).toEqual([]);
  });

  it('refuses to sign in when the platform’s secret is wrong (PSC refuses the client)', async () => {
    const { platform } = await start({ identity: { clientSecret: 'not-the-secret' } });
    const { redirected } = await codeFor(platform.url);
    expect(redirected.searchParams.get('error')).toBe('invalid_grant');
    expect(await platform.db.selectFrom('platform_session').selectAll().execute()).toEqual([]);
  });

  it('authenticates to PSC with client_secret_post when so configured', async () => {
    const { platform } = await start({
      identity: { clientId: 'passerelle-platform-post', clientAuth: 'client_secret_post' },
    });
    const signedIn = await signInHeadless(platform.url, PHYSICIAN);
    expect((await me(signedIn)).status).toBe(200);
  });

  it('authenticates to PSC with a signed assertion (private_key_jwt) when so configured', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const dir = mkdtempSync(join(tmpdir(), 'passerelle-psc-key-'));
    const keyFile = join(dir, 'psc-client.pem');
    writeFileSync(keyFile, await exportPKCS8(privateKey), { mode: 0o600 });
    try {
      const { platform } = await start({
        provider: { privateKeyJwtKey: { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' } },
        identity: { clientId: DEV_JWT_CLIENT_ID, clientAuth: 'private_key_jwt', clientKeyFile: keyFile },
      });
      const signedIn = await signInHeadless(platform.url, PHYSICIAN);
      expect((await me(signedIn)).status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets abandoned logins go: the open start route piles nothing up', async () => {
    const { platform, clock } = await start();
    const begin = () =>
      fetch(
        `${platform.url}/auth/start?${new URLSearchParams({
          client_id: EXTENSION_CLIENT_ID,
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          state: 'state-of-the-extension',
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
        })}`,
        { redirect: 'manual' },
      );
    for (let i = 0; i < 3; i++) expect((await begin()).status).toBe(303);
    expect(await platform.db.selectFrom('login_request').selectAll().execute()).toHaveLength(3);
    clock.at = new Date(clock.at.getTime() + 11 * 60_000);
    await begin();
    expect(await platform.db.selectFrom('login_request').selectAll().execute()).toHaveLength(1);
  });

  it('signs in only for the registered extensions (redirect URI)', async () => {
    const { platform } = await start();
    await expect(signInHeadless(platform.url, PHYSICIAN, { redirectUri: 'https://evil.example/' })).rejects.toThrow(
      /sign-in failed|never redirected|no login form/,
    );
    expect(await platform.db.selectFrom('login_request').selectAll().execute()).toEqual([]);
  });
});
