/**
 * The extension's sign-in through the platform (docs/sign-in.md), against a real platform whose
 * development provider plays Pro Santé Connect; the sign-in window is played by `completeLogin`.
 * The extension holds only the platform's tokens, bound to its DPoP key: never one of PSC's.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LEFEVRE, givenPatient } from '../../test/support/builders.ts';
import { memoryArea } from '../../test/support/memory-area.ts';
import { completeLogin, memoryKeyStore, REDIRECT_URI } from '../../test/support/oidc.ts';
import { signInPlatform, type SignInPlatform } from '../../test/support/platform.ts';
import { createAuth } from './auth.ts';
import { lookupPatient } from './platform-client.ts';
import { saveSettings } from './settings.ts';

let platform: SignInPlatform;
/** What PSC gave the platform (its token endpoint's answers), for the test that says the extension never sees it. */
const pscAnswers: string[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  platform = await signInPlatform();
  await givenPatient(platform.db, LEFEVRE);
  globalThis.fetch = async (input, init) => {
    const res = await realFetch(input, init);
    if (String(input instanceof Request ? input.url : input).startsWith(`${platform.provider.issuer}/token`)) {
      pscAnswers.push(await res.clone().text());
    }
    return res;
  };
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await platform.close();
});

async function setup(account: string | 'cancel' = 'f:passerelle-dev:physician') {
  const session = memoryArea();
  const local = memoryArea();
  const keys = memoryKeyStore();
  const requests: string[] = [];
  await saveSettings(local, { platformUrl: platform.url });
  let clock = Date.now();
  const launchWebAuthFlow = vi.fn((url: string) => completeLogin(url, REDIRECT_URI, account));
  const auth = createAuth({
    session,
    local,
    keys,
    launchWebAuthFlow,
    redirectUri: REDIRECT_URI,
    now: () => clock,
    fetch: (input, init) => {
      requests.push(String(input instanceof Request ? input.url : input));
      return globalThis.fetch(input, init);
    },
  });
  return { auth, session, local, keys, requests, launchWebAuthFlow, advance: (ms: number) => (clock += ms) };
}

const lookup = async (auth: ReturnType<typeof createAuth>) => {
  const credentials = await auth.credentials();
  return lookupPatient('255081416802538', {
    baseUrl: platform.url,
    accessToken: credentials?.accessToken,
    ...(credentials ? { dpop: credentials.dpop } : {}),
  });
};

describe('extension sign-in through the platform', () => {
  it('signs in at the platform (PKCE), keeps only platform tokens, in storage.session, and never a PSC token', async () => {
    pscAnswers.length = 0;
    const { auth, session, local, requests, launchWebAuthFlow } = await setup();
    const status = await auth.signIn();
    expect(status).toMatchObject({
      state: 'signed-in',
      professional: { title: 'Dr', familyName: 'MOREAU', rpps: '99700100011', professions: ['10'] },
    });
    const asked = new URL(launchWebAuthFlow.mock.calls[0]![0]);
    expect(asked.origin + asked.pathname).toBe(`${platform.url}/auth/start`);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      client_id: 'passerelle-extension',
      code_challenge_method: 'S256',
      redirect_uri: REDIRECT_URI,
    });
    expect((await lookup(auth)).status).toBe('found');

    const { accessToken } = (await auth.credentials())!;
    expect(JSON.stringify([...session.data])).toContain(accessToken);
    expect(JSON.stringify([...local.data])).not.toContain(accessToken);
    // PSC answered the platform; none of what it gave reaches the extension's storage or requests.
    const psc = JSON.parse(pscAnswers[0]!) as { access_token: string; refresh_token: string; id_token: string };
    const kept = JSON.stringify([...session.data, ...local.data]);
    for (const token of [psc.access_token, psc.refresh_token, psc.id_token]) expect(kept).not.toContain(token);
    expect(requests.every((url) => url.startsWith(platform.url))).toBe(true);
  });

  it('renews the access token before it expires; concurrent callers share one renewal (rotation)', async () => {
    const { auth, advance } = await setup('f:passerelle-dev:nurse');
    await auth.signIn();
    const first = (await auth.credentials())!.accessToken;
    expect((await auth.credentials())!.accessToken).toBe(first);
    advance(10 * 60 * 1000);
    const [a, b, c] = await Promise.all([auth.credentials(), auth.credentials(), auth.credentials()]);
    expect(a!.accessToken).not.toBe(first);
    expect(new Set([a, b, c].map((x) => x!.accessToken)).size).toBe(1);
    expect((await lookup(auth)).status).toBe('found');
  });

  it('ends the session as expired when the platform refuses the renewal', async () => {
    const { auth, session, advance } = await setup();
    await auth.signIn();
    await platform.db.updateTable('platform_session').set({ revoked_at: new Date().toISOString() }).execute();
    advance(10 * 60 * 1000);
    expect(await auth.credentials()).toBeUndefined();
    expect(await auth.status()).toEqual({ state: 'signed-out', reason: 'expired' });
    expect(session.data.has('auth')).toBe(false);
  });

  it('signs out: forgets the tokens and the key; the platform ends the session', async () => {
    const { auth, session, keys } = await setup();
    await auth.signIn();
    expect(await auth.signOut()).toEqual({ state: 'signed-out' });
    expect([...session.data.keys()].filter((k) => k.startsWith('auth'))).toEqual([]);
    expect(await keys.get()).toBeUndefined();
    expect(await auth.credentials()).toBeUndefined();
    const reasons = await platform.db.selectFrom('platform_session').select('revoked_reason').execute();
    expect(reasons.map((r) => r.revoked_reason)).toContain('sign-out');
  });

  it('treats a closed window or the cancel button as cancelled', async () => {
    const { auth, launchWebAuthFlow } = await setup();
    launchWebAuthFlow.mockRejectedValueOnce(new Error('The user did not approve access.'));
    expect(await auth.signIn()).toEqual({ state: 'signed-out', reason: 'cancelled' });
    const cancelling = await setup('cancel');
    expect(await cancelling.auth.signIn()).toEqual({ state: 'signed-out', reason: 'cancelled' });
  });

  it('refuses a redirect that does not carry its own state (forged or replayed answer)', async () => {
    const { auth, launchWebAuthFlow } = await setup();
    launchWebAuthFlow.mockResolvedValueOnce(
      `${REDIRECT_URI}?code=stolen&state=other&iss=${encodeURIComponent(platform.url)}`,
    );
    expect(await auth.signIn()).toEqual({ state: 'signed-out', reason: 'failed' });
    expect((await auth.status()).state).toBe('signed-out');
  });

  it('says unreachable when the platform cannot be reached', async () => {
    const { auth, local, launchWebAuthFlow } = await setup();
    await saveSettings(local, { platformUrl: 'http://127.0.0.1:9' });
    expect(await auth.signIn()).toEqual({ state: 'signed-out', reason: 'unreachable' });
    expect(launchWebAuthFlow).not.toHaveBeenCalled();
  });

  it('ends the session when the platform changes in the settings', async () => {
    const { auth, local } = await setup();
    await auth.signIn();
    await saveSettings(local, { platformUrl: 'http://127.0.0.1:9' });
    expect(await auth.status()).toEqual({ state: 'signed-out' });
    expect(await auth.credentials()).toBeUndefined();
  });
});
