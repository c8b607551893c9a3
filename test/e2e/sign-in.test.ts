/**
 * Sign-in in a real browser: the signed-out panel asks nothing of the platform; sign-in goes
 * through the provider's window (`identity.launchWebAuthFlow`); the panel and the options page
 * show who is signed in; tokens stay in `storage.session`; expiry and sign-out behave.
 */
import type { WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configure,
  launch,
  openDemoPage,
  signIn,
  startTestPlatform,
  type Harness,
  type TestPlatform,
} from './browser.ts';

let h: Harness;
let platform: TestPlatform;
let worker: WebWorker;

beforeAll(async () => {
  platform = await startTestPlatform();
  h = await launch();
  await configure(h, platform);
  const target = await h.browser.waitForTarget((t) => t.type() === 'service_worker');
  worker = (await target.worker())!;
});
afterAll(async () => {
  await h?.close();
  await platform?.close();
});

const storage = (area: 'session' | 'local') =>
  worker.evaluate(async (a) => JSON.stringify(await chrome.storage[a].get(null)), area);
const patientRequests = () => platform.logs.filter((l) => l.includes('"route":"/fhir/Patient"')).length;

describe('sign-in with the development Pro Santé Connect', () => {
  it('signed out: the panel offers sign-in and asks nothing of the platform', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('[data-auth="signed-out"]');
    await panel.waitForSelector('[data-lookup="signed-out"]');
    const shown = await panel.evaluate(() => document.body.innerText);
    expect(shown).toContain('Se connecter avec Pro Santé Connect');
    expect(shown).toContain('Connectez-vous pour vérifier ce patient');
    expect(shown).toContain('LEFÈVRE Marie Claire'); // what the page shows is still shown
    expect(shown).not.toContain('MARIE CLAIRE'); // what only the platform knows is not
    expect(platform.logs.filter((l) => l.includes('"route"'))).toEqual([]);
    await page.close();
  });

  it('signs in through the provider window; the panel shows name, profession, RPPS and the patient', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await signIn(h, panel, platform.issuer);
    await panel.waitForSelector('[data-vigilance="agree"]');
    const shown = await panel.evaluate(() => document.body.innerText);
    expect(shown).toContain('Connecté : Dr Julien MOREAU');
    expect(shown).toContain('Médecin · RPPS 99700100011');
    expect(patientRequests()).toBe(1);
    // The session was announced to the platform, which audits it as a login.
    expect(
      platform.logs.some((l) => l.includes('"route":"/fhir/Practitioner/$me"') && l.includes('"status":200')),
    ).toBe(true);
    await page.close();
  });

  it('keeps the platform’s tokens in storage.session only — never one of PSC’s, never in storage.local nor the page', async () => {
    const session = JSON.parse(await storage('session'));
    const token: string = session.auth.accessToken;
    // The platform's opaque tokens (bound to the extension's DPoP key), not PSC's JWTs; no ID token.
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(session.auth.refreshToken).toMatch(/^[\w-]{43}$/);
    expect(Object.keys(session.auth).sort()).toEqual([
      'accessToken',
      'expiresAt',
      'platformUrl',
      'professional',
      'refreshToken',
    ]);
    expect(JSON.stringify(session)).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(await storage('local')).not.toContain(token);
    expect(await storage('local')).not.toContain(session.auth.refreshToken);
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('[data-vigilance="agree"]');
    expect(await page.content()).not.toContain(token);
    expect(await page.content()).not.toContain('99700100011');
    await page.close();
  });

  it('shows the same identity in the options page', async () => {
    const page = await h.browser.newPage();
    await page.goto(`chrome-extension://${h.extensionId}/src/options/index.html`);
    await page.waitForSelector('[data-auth="signed-in"]');
    const shown = await page.evaluate(() => document.body.innerText);
    expect(shown).toContain('Dr Julien MOREAU');
    expect(shown).toContain('RPPS 99700100011');
    expect(shown).toContain(`https://${h.extensionId}.chromiumapp.org/`);
    await page.close();
  });

  it('renews a refused access token with the refresh token, then answers', async () => {
    await worker.evaluate(async () => {
      const { auth } = await chrome.storage.session.get('auth');
      await chrome.storage.session.set({ auth: { ...auth, accessToken: 'x.y.z' } });
    });
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('[data-vigilance="agree"]');
    expect(JSON.parse(await storage('session')).auth.accessToken).not.toBe('x.y.z');
    await page.close();
  });

  it('says the session expired, in French, when the token is refused and cannot be renewed', async () => {
    await worker.evaluate(async () => {
      const { auth } = await chrome.storage.session.get('auth');
      await chrome.storage.session.set({ auth: { ...auth, accessToken: 'x.y.z', refreshToken: 'spent' } });
    });
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('[data-auth="signed-out"]');
    const shown = await panel.evaluate(() => document.body.innerText);
    expect(shown).toContain('Votre session a expiré : reconnectez-vous.');
    expect(shown).toContain('Se connecter avec Pro Santé Connect');
    expect(JSON.parse(await storage('session')).auth).toBeUndefined();
    await page.close();
  });

  it('signs in as another professional, then signs out and forgets the session', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await signIn(h, panel, platform.issuer, 'f:passerelle-dev:nurse');
    expect(await panel.evaluate(() => document.body.innerText)).toContain('Infirmier · RPPS 99700100029');
    await panel.click('[data-auth="signed-in"] button');
    await panel.waitForSelector('[data-auth="signed-out"]');
    await panel.waitForSelector('[data-lookup="signed-out"]');
    expect(JSON.parse(await storage('session')).auth).toBeUndefined();
    await page.close();
  });
});
