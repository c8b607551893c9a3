/**
 * The main journeys in Firefox ESR, as in Chromium: the panel in a webmail's reading pane, sign-in
 * from the options page followed by an open panel, a care-team declaration, the shared record and a
 * document opened in its tab. Everything a framed panel needs that Firefox does
 * not give it goes through the background (`page.open`, the `changes` port).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './browser.ts';
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
    expect(logged('/fhir/Binary/:id', 200)).toBe(1);
    await doc.close();
    await page.close();
  });
});
