/**
 * Share codes, end to end (issue 7): the demo imaging secretariat issues a code in its page and
 * sends it by "MSSanté" to the prescriber; the message arrives in the demo webmail; the physician
 * opens the message, and one click on "Ouvrir l'examen" in the panel opens the report.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configure,
  frameText,
  launch,
  openPanel,
  signIn,
  startTestPlatform,
  type Harness,
  type TestPlatform,
  inputReady,
  mailArriving,
} from './browser.ts';

let h: Harness;
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
  h = await launch({ mailboxDir: platform.mailboxDir });
  await configure(h, platform);
});
afterAll(async () => {
  await h?.close();
  await platform?.close();
});

const redeems = () => platform.logs.filter((l) => l.includes('$redeem-share-code'));

describe('share codes', () => {
  let issued = '';

  it('the imaging secretariat issues a code for an exam, and sends it to the prescriber by MSSanté', async () => {
    const page = await h.browser.newPage();
    await page.goto(`chrome-extension://${h.extensionId}/src/secretariat/index.html`);
    await signIn(h, page.mainFrame(), platform.issuer, 'f:passerelle-dev:secretariat');
    // Staff without a health profession are said by their organisation, not by a lack.
    const who = await page.$eval('[data-auth="signed-in"]', (el) => (el as HTMLElement).innerText);
    expect(who).toContain('CENTRE D’IMAGERIE DE DEMONSTRATION');
    expect(who).not.toContain('aucune profession');
    const exam = await page.waitForSelector('[data-exam="exam-lefevre-ct"]');
    await (await exam!.$('[data-issue]'))!.click();
    const code = await page.waitForSelector('[data-exam="exam-lefevre-ct"] [data-issued-code]');
    issued = await code!.evaluate((el) => (el as HTMLElement).innerText.trim());
    expect(issued).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.$/);
    // The patient slip (printed) says what the code opens and until when.
    const slip = await page.$eval('[data-slip]', (el) => el.textContent ?? '');
    expect(slip).toContain(issued);
    expect(slip).toContain('Scanner thoracique sans injection');
    expect(slip).toMatch(/Valable jusqu'au \d\d\/\d\d\/\d{4}/);
    await (await page.$('[data-exam="exam-lefevre-ct"] [data-send]'))!.click();
    const note = await page.waitForSelector('[data-exam="exam-lefevre-ct"] [data-note="ok"]');
    expect(await note!.evaluate((el) => (el as HTMLElement).innerText)).toBe(
      'Code envoyé par MSSanté à julien.moreau@ch-demo.mssante.fr.',
    );
    await page.waitForSelector('[data-exam="exam-lefevre-ct"] [data-code="active"]');
    // The code says what became of its message: waiting for, or taken by, the MSSanté gateway.
    const mail = await page.waitForSelector('[data-exam="exam-lefevre-ct"] [data-mail]');
    expect(await mail!.evaluate((el) => el.getAttribute('data-mail'))).toMatch(/^(pending|sent)$/);
    // Signs out: the physician uses this browser next.
    await (await page.$('[data-auth="signed-in"] button'))!.click();
    await page.waitForSelector('[data-auth="signed-out"]');
    await page.close();
  });

  it('the physician opens the message in the webmail and the exam in one click; the report opens', async () => {
    const page = await h.browser.newPage();
    // The message is in the mailbox once the platform's worker has handed it to the gateway.
    await mailArriving(platform.mailboxDir!, (eml) => eml.includes(issued));
    await page.goto(`${h.pages.url}/mailbox.html`);
    const panel = await openPanel(h, page);
    await signIn(h, panel, platform.issuer);
    // The message names the patient (found) and carries the code (found, check symbol verified).
    await panel.waitForSelector('[data-vigilance="agree"]');
    await panel.waitForSelector('[data-circle="not-member"]');
    const open = await panel.waitForSelector(`[data-share-found="${issued.replace(/-/g, '')}"] [data-share-open]`);
    expect(await open!.evaluate((b) => (b as HTMLElement).innerText)).toBe("Ouvrir l'examen");
    const reportTarget = h.browser.waitForTarget((t) =>
      t.url().includes('/src/report/index.html?exam=exam-lefevre-ct'),
    );
    await inputReady(panel);
    await open!.click();
    const report = (await (await reportTarget).asPage())!;
    const text = await report.waitForSelector('[data-report-text]');
    expect(await text!.evaluate((el) => el.textContent)).toContain('SCANNER THORACIQUE SANS INJECTION');
    // Whose exam it is, whoever passed the code on: the patient as the platform holds them.
    const banner = await report.$eval('[data-patient-banner="demo-lefevre"]', (el) => (el as HTMLElement).innerText);
    expect(banner).toMatch(/LEFÈVRE[^]*MARIE CLAIRE[^]*14\/08\/1955[^]*Féminin[^]*2 55 08 14 168 025 38/);
    const images = await report.$eval('[data-report-images]', (a) => (a as HTMLAnchorElement).href);
    expect(images).toBe(`${platform.url}/demo/viewer/exam-lefevre-ct`);
    await panel.waitForSelector('[data-share-result="ok"]');
    await panel.waitForSelector('[data-exam="exam-lefevre-ct"]');
    expect(redeems().filter((l) => l.includes('"status":200'))).toHaveLength(1);
    await report.close();
    await page.close();
  });

  it('a mistyped code is caught in the panel, in French, before anything reaches the platform', async () => {
    const page: Page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/mailbox.html`);
    const panel = await openPanel(h, page);
    const before = redeems().length;
    const input = await panel.waitForSelector('[data-share-input]');
    const typo = (issued[0] === '8' ? '9' : '8') + issued.slice(1);
    await input!.type(typo);
    await inputReady(panel);
    await (await panel.$('[data-share] form button[type=submit]'))!.click();
    const alert = await panel.waitForSelector('[data-share-result="refused"]');
    expect(await alert!.evaluate((el) => (el as HTMLElement).innerText)).toBe(
      'Ce code contient une faute de frappe : vérifiez-le, caractère par caractère.',
    );
    expect(redeems()).toHaveLength(before);
    expect(await frameText(panel)).toContain('Examens partagés avec vous');
    await page.close();
  });
});
