/**
 * The main journeys in Firefox ESR, as in Chromium: the panel in a webmail's reading pane, sign-in
 * from the options page followed by an open panel, a care-team declaration, the shared record and a
 * document opened in its tab, a share code sent by the secretariat and opened by the next user. Everything a framed panel needs that Firefox does
 * not give it goes through the background (`page.open`, the `changes` port).
 */
import type { Frame } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, wordsCutInTwo, type TestPlatform } from './browser.ts';
import {
  configureFirefox,
  extensionPage,
  FIREFOX_ORIGIN,
  launchFirefox,
  openFirefoxPanel,
  signInFirefox,
  tabAt,
  type FirefoxHarness,
} from './firefox.ts';

let h: FirefoxHarness;
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ allowedOrigins: FIREFOX_ORIGIN });
  h = await launchFirefox({ mailboxDir: platform.mailboxDir! });
  await configureFirefox(h, platform);
});
afterAll(async () => {
  await h?.close();
  await platform?.close();
});

/** Ends the session left by an earlier step, if any: a shared workstation, the next user signs in. */
async function signOutIfSignedIn(frame: Frame) {
  const state = await frame.waitForSelector('[data-auth="signed-in"], [data-auth="signed-out"]');
  if ((await state!.evaluate((el) => el.getAttribute('data-auth'))) === 'signed-in') {
    await (await frame.$('[data-auth="signed-in"] button'))!.click();
    await frame.waitForSelector('[data-auth="signed-out"]');
  }
}

const logged = (route: string, status: number) =>
  platform.logs.filter((l) => l.includes(route) && l.includes(`"status":${status}`)).length;

describe('Firefox', () => {
  it('shows the patient of the message read in a reading-pane frame, signed out', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail-frame.html`);
    const panel = await openFirefoxPanel(page);
    await panel.waitForSelector('[data-lookup="signed-out"]');
    const text = await panel.evaluate(() => document.body.innerText);
    expect(text).toContain('GIRARD Camille');
    expect(text).toContain('Connectez-vous pour vérifier ce patient');
    await page.close();
  });

  it('follows a sign-in made in the options page in an open panel (the changes port)', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail.html`);
    const panel = await openFirefoxPanel(page);
    await panel.waitForSelector('[data-auth="signed-out"]');
    const options = await extensionPage(h.browser, 'src/options/index.html');
    await signInFirefox(h, options.mainFrame(), platform.issuer);
    await panel.waitForSelector('[data-auth="signed-in"]');
    await panel.waitForSelector('[data-vigilance="agree"]');
    // Firefox's fonts and table layout too keep every compared trait whole.
    expect(await wordsCutInTwo(panel, 'table.traits')).toEqual([]);
    await options.close();
    await page.close();
  });

  it('declares the physician in the care team from the panel, recorded at the platform', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail.html`);
    const panel = await openFirefoxPanel(page);
    const join = await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]');
    await panel.waitForSelector('html[data-input-ready]');
    await join!.click();
    await panel.waitForSelector('[data-circle="member"]');
    expect(logged('$care-team-join', 201)).toBe(1);
    await page.close();
  });

  it('opens the shared record as a member, and a document in a tab the background opens', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail.html`);
    const panel = await openFirefoxPanel(page);
    await panel.waitForSelector('[data-circle="member"]');
    await panel.waitForSelector('html[data-input-ready]');
    await (await panel.waitForSelector('[data-record-open]'))!.click();
    await panel.waitForSelector('[data-record="normal"]');
    const before = await h.browser.pages();
    await (await panel.waitForSelector('[data-latest] a'))!.click();
    const doc = await tabAt(h.browser, `${FIREFOX_ORIGIN}/src/document/index.html`, before);
    const text = await doc.waitForSelector('[data-document-text]');
    expect(await text!.evaluate((el) => el.textContent)).toContain('Patient(e) : MARIE CLAIRE LEFÈVRE');
    expect(logged('/fhir/Patient/:id/$document', 200)).toBe(1);
    await doc.close();
    await page.close();
  });

  it('the secretariat sends a code, the next user on the workstation opens its report from the mailbox', async () => {
    const secretariat = await extensionPage(h.browser, 'src/secretariat/index.html');
    await signOutIfSignedIn(secretariat.mainFrame());
    await signInFirefox(h, secretariat.mainFrame(), platform.issuer, 'f:passerelle-dev:secretariat');
    const exam = await secretariat.waitForSelector('[data-exam="exam-lefevre-ct"]');
    await (await exam!.$('[data-issue]'))!.click();
    const code = await secretariat.waitForSelector('[data-exam="exam-lefevre-ct"] [data-issued-code]');
    const issued = await code!.evaluate((el) => (el as HTMLElement).innerText.trim());
    await (await secretariat.$('[data-exam="exam-lefevre-ct"] [data-send]'))!.click();
    await secretariat.waitForSelector('[data-exam="exam-lefevre-ct"] [data-note="ok"]');
    await signOutIfSignedIn(secretariat.mainFrame());
    await secretariat.close();

    // A second sign-in in the same browser (Firefox keeps the provider's session cookie).
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/mailbox.html`);
    const panel = await openFirefoxPanel(page);
    await signInFirefox(h, panel, platform.issuer);
    const open = await panel.waitForSelector(`[data-share-found="${issued.replace(/-/g, '')}"] [data-share-open]`);
    await panel.waitForSelector('html[data-input-ready]');
    const before = await h.browser.pages();
    await open!.click();
    const report = await tabAt(h.browser, `${FIREFOX_ORIGIN}/src/report/index.html?exam=exam-lefevre-ct`, before);
    const text = await report.waitForSelector('[data-report-text]');
    expect(await text!.evaluate((el) => el.textContent)).toContain('SCANNER THORACIQUE SANS INJECTION');
    expect(logged('$redeem-share-code', 200)).toBe(1);
    await report.close();
    await page.close();
  });

  it('follows a single-page DPI to the next patient in an open panel (the changes port)', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/dpi-spa.html`);
    await page.click('[data-patient="nguyen"]');
    const panel = await openFirefoxPanel(page);
    await panel.waitForSelector('::-p-text(NGUYEN)');
    await page.click('[data-patient="dubois"]');
    await panel.waitForSelector('::-p-text(DUBOIS)');
    await page.close();
  });

  it('opens a record by break-glass, confirmed in its own window, with the countdown in the panel', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/dpi.html`);
    const panel = await openFirefoxPanel(page);
    await signOutIfSignedIn(panel);
    await signInFirefox(h, panel, platform.issuer);
    await panel.waitForSelector('html[data-input-ready]');
    await (await panel.waitForSelector('[data-record-open]'))!.click();
    await (await panel.waitForSelector('[data-record="refused"] [data-break-glass]'))!.click();
    await panel.select('[data-break-glass-reason]', 'urgence-vitale');
    await (await panel.waitForSelector('[data-break-glass-text]'))!.type(
      'Arrêt cardio-respiratoire au service des urgences',
    );
    await (await panel.$('[data-break-glass-confirm-box]'))!.click();
    const before = await h.browser.pages();
    await (await panel.$('[data-break-glass-confirm]'))!.click();
    await panel.waitForSelector('[data-break-glass-waiting]');
    const confirmWindow = await tabAt(h.browser, `${FIREFOX_ORIGIN}/src/break-glass/index.html`, before);
    await confirmWindow.waitForSelector('[data-break-glass-window="ready"]');
    await (await confirmWindow.waitForSelector('[data-break-glass-final]'))!.click().catch(() => {});
    // The result comes back to the panel through the changes port.
    await panel.waitForSelector('[data-record="bris_de_glace"]');
    await panel.waitForSelector('[data-countdown]');
    expect(logged('$break-glass', 201)).toBe(1);
    await page.close();
  });
});
