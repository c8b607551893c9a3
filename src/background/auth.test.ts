/**
 * The extension's OpenID Connect client against the real development provider and platform; the
 * provider's window is played by `completeLogin` (what the user does there).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configFromEnv } from '../../server/config.ts';
import { extensionRedirectUris } from '../../server/identity/dev-provider.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform.ts';
import { logCollector } from '../../test/support/logs.ts';
import { memoryArea } from '../../test/support/memory-area.ts';
import { completeLogin } from '../../test/support/oidc.ts';
import { createAuth } from './auth.ts';
import { lookupPatient } from './platform-client.ts';
import { saveSettings } from './settings.ts';

let platform: RunningPlatform;
beforeAll(async () => {
  const config = configFromEnv({ DATA_DIR: ':memory:', PORT: '0', DEV_IDP_PORT: '0', LOG_LEVEL: 'warn' });
  platform = await startPlatform(config, { demo: true, logStream: logCollector().stream });
});
afterAll(() => platform.close());

const redirectUri = extensionRedirectUris()[0]!;

async function setup(account: string | 'cancel' = 'f:passerelle-dev:physician') {
  const session = memoryArea();
  const local = memoryArea();
  await saveSettings(local, { platformUrl: platform.url, issuer: platform.issuer, clientId: 'passerelle-extension' });
  let clock = Date.now();
  const launchWebAuthFlow = vi.fn((url: string) => completeLogin(url, redirectUri, account));
  const auth = createAuth({ session, local, launchWebAuthFlow, redirectUri, now: () => clock });
  return { auth, session, local, launchWebAuthFlow, advance: (ms: number) => (clock += ms) };
}

const lookup = (accessToken: string | undefined) =>
  lookupPatient('255081416802538', { baseUrl: platform.url, accessToken });

describe('extension sign-in (OpenID Connect + PKCE)', () => {
  it('signs in: asks for scope_all, eidas1 and PKCE, keeps tokens in storage.session only', async () => {
    const { auth, session, local, launchWebAuthFlow } = await setup();
    const status = await auth.signIn();
    expect(status).toMatchObject({
      state: 'signed-in',
      professional: { title: 'Dr', familyName: 'MOREAU', rpps: '99700100011', professions: ['10'] },
    });
    const asked = new URL(launchWebAuthFlow.mock.calls[0]![0]);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      scope: 'openid scope_all',
      acr_values: 'eidas1',
      code_challenge_method: 'S256',
      redirect_uri: redirectUri,
      prompt: 'login',
    });
    expect(asked.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);

    const token = await auth.accessToken();
    expect(token).toBeTruthy();
    expect(JSON.stringify([...session.data])).toContain(token);
    expect(JSON.stringify([...local.data])).not.toContain(token);
    expect((await lookup(token)).status).toBe('found');
  });

  it('renews the access token before it expires, with the refresh token', async () => {
    const { auth, advance } = await setup('f:passerelle-dev:nurse');
    await auth.signIn();
    const first = await auth.accessToken();
    expect(await auth.accessToken()).toBe(first);
    advance(10 * 60 * 1000);
    const renewed = await auth.accessToken();
    expect(renewed).toBeTruthy();
    expect(renewed).not.toBe(first);
    expect((await lookup(renewed)).status).toBe('found');
    expect((await auth.status()).state).toBe('signed-in');
  });

  it('shares one renewal between concurrent callers (rotating refresh tokens)', async () => {
    const { auth, advance } = await setup();
    await auth.signIn();
    advance(10 * 60 * 1000);
    const [a, b, c] = await Promise.all([auth.accessToken(), auth.accessToken(), auth.accessToken()]);
    expect(a).toBeTruthy();
    expect(new Set([a, b, c]).size).toBe(1);
    expect((await auth.status()).state).toBe('signed-in');
  });

  it('ends the session as expired when renewal is refused', async () => {
    const { auth, session, advance } = await setup();
    await auth.signIn();
    const stored = session.data.get('auth') as { refreshToken: string };
    session.data.set('auth', { ...stored, refreshToken: 'revoked-or-unknown' });
    advance(10 * 60 * 1000);
    expect(await auth.accessToken()).toBeUndefined();
    expect(await auth.status()).toEqual({ state: 'signed-out', reason: 'expired' });
    expect(session.data.has('auth')).toBe(false);
  });

  it('signs out: forgets the tokens and revokes the refresh token at the provider', async () => {
    const { auth, session } = await setup();
    await auth.signIn();
    const { refreshToken } = session.data.get('auth') as { refreshToken: string };
    expect(await auth.signOut()).toEqual({ state: 'signed-out' });
    expect([...session.data.keys()].filter((k) => k.startsWith('auth'))).toEqual([]);
    expect(await auth.accessToken()).toBeUndefined();
    // The revoked refresh token is useless even to someone who copied it.
    const again = await setup();
    await again.auth.signIn();
    const copy = again.session.data.get('auth') as object;
    again.session.data.set('auth', { ...copy, refreshToken });
    again.advance(10 * 60 * 1000);
    expect(await again.auth.accessToken()).toBeUndefined();
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
      `${redirectUri}?code=stolen&state=other&iss=${encodeURIComponent(platform.issuer)}`,
    );
    expect(await auth.signIn()).toEqual({ state: 'signed-out', reason: 'failed' });
    expect((await auth.status()).state).toBe('signed-out');
  });

  it('says unreachable when the provider cannot be reached', async () => {
    const { auth, local, launchWebAuthFlow } = await setup();
    await saveSettings(local, { platformUrl: platform.url, issuer: 'http://127.0.0.1:9', clientId: 'x' });
    expect(await auth.signIn()).toEqual({ state: 'signed-out', reason: 'unreachable' });
    expect(launchWebAuthFlow).not.toHaveBeenCalled();
  });

  it('ends the session when the provider or client id changes in the settings', async () => {
    const { auth, local } = await setup();
    await auth.signIn();
    await saveSettings(local, { platformUrl: platform.url, issuer: platform.issuer, clientId: 'another-client' });
    expect(await auth.status()).toEqual({ state: 'signed-out' });
    expect(await auth.accessToken()).toBeUndefined();
  });
});
