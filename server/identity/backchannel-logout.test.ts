/**
 * PSC's back-channel logout (OpenID Connect Back-Channel Logout 1.0): when a professional's PSC
 * session ends, PSC tells the platform, and every platform session opened under it ends at once.
 * A notice PSC did not sign for this platform is refused and ends nothing.
 */
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { signInHeadless } from '../../test/support/oidc.ts';
import { signInPlatform, type SignInPlatform } from '../../test/support/platform.ts';
import { me, PHYSICIAN, sessionEnds } from '../../test/support/sessions.ts';
import { DEV_CLIENT_ID } from './dev-provider.ts';
import { DEV_PROFESSIONALS } from './dev-professionals.ts';
import { BACKCHANNEL_LOGOUT_EVENT } from './psc-client.ts';

let platform: SignInPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

async function start() {
  platform = await signInPlatform();
  return { platform };
}

describe('PSC’s back-channel logout', () => {
  /** The PSC session (`sid`) under which the professional's platform session was opened. */
  const pscSessionOf = async (p: SignInPlatform, idnps: string) =>
    (
      await p.db
        .selectFrom('platform_session')
        .select('psc_sid')
        .where('idnps', '=', idnps)
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).psc_sid!;
  const postLogout = (p: SignInPlatform, logoutToken: string) =>
    fetch(`${p.url}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }),
    });
  /** Two professionals signed in, each under their own PSC session. */
  async function twoSignedIn() {
    const { platform } = await start();
    const physician = await signInHeadless(platform.url, PHYSICIAN);
    const nurse = await signInHeadless(platform.url, 'f:passerelle-dev:nurse');
    // A physician's IDNPS: 8 then their RPPS number.
    const { rpps } = DEV_PROFESSIONALS.find((p) => p.accountId === PHYSICIAN)!;
    return { platform, physician, nurse, sid: await pscSessionOf(platform, `8${rpps}`) };
  }

  it('ends at once the platform sessions opened under the PSC session that ended, and no other', async () => {
    const { platform, physician, nurse, sid } = await twoSignedIn();
    const sent = await postLogout(platform, await platform.provider.logoutToken(sid));
    expect(sent.status).toBe(200);
    expect(sent.headers.get('cache-control')).toBe('no-store');
    expect((await me(physician)).status).toBe(401);
    expect((await me(nurse)).status).toBe(200);
    const reasons = await platform.db.selectFrom('platform_session').select('revoked_reason').execute();
    expect(reasons.map((r) => r.revoked_reason ?? 'live').sort()).toEqual(['live', 'psc-logout']);
    expect(await sessionEnds(platform)).toEqual([
      { kind: 'logout', outcome: '0', outcomeDesc: 'Session Pro Santé Connect terminée : notification de PSC.' },
    ]);
    // The same notice again (PSC retries): answered, nothing more ends.
    expect((await postLogout(platform, await platform.provider.logoutToken(sid))).status).toBe(200);
    expect((await me(nurse)).status).toBe(200);
  });

  it('refuses a logout token PSC did not sign for this platform, and ends nothing', async () => {
    const { platform, physician, sid } = await twoSignedIn();
    const genuine = await platform.provider.logoutToken(sid);
    // Signed by another key under PSC's key id, with PSC's issuer and this platform as audience.
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sid, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, jti: 'forged-1' })
      .setProtectedHeader({ ...decodeProtectedHeader(genuine), alg: 'ES256' })
      .setIssuer(platform.provider.issuer)
      .setAudience(DEV_CLIENT_ID)
      .setIssuedAt()
      .sign(privateKey);
    const refused = [
      forged,
      await platform.provider.logoutToken(sid, { aud: 'another-client' }),
      await platform.provider.logoutToken(sid, { iss: 'https://another-issuer.example' }),
      // An ID token is not a logout token: it has a nonce, and no logout event.
      await platform.provider.logoutToken(sid, { nonce: 'n-1' }),
      await platform.provider.logoutToken(sid, { events: { 'http://example.com/other-event': {} } }),
      // Stale: issued ten minutes ago.
      await platform.provider.logoutToken(sid, { iat: Math.floor(Date.now() / 1000) - 600 }),
      // No PSC session named.
      await platform.provider.logoutToken(sid, { sid: undefined }),
      genuine.replace(/\.[^.]+$/, '.AAAA'),
    ];
    for (const token of refused) {
      const res = await postLogout(platform, token);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
    expect((await postLogout(platform, '')).status).toBe(400);
    expect((await me(physician)).status).toBe(200);
    const live = await platform.db
      .selectFrom('platform_session')
      .select('id')
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toHaveLength(2);
  });
});
