/**
 * The shared record, end to end (issue 8): the demo physician is outside the patient's care
 * circle and is refused; they use break-glass with a reason and see the essential summary with a
 * countdown (masked documents absent); the patient's page then shows the access; the privacy
 * officer's review page lists it and marks it reviewed.
 */
import { describe, expect, it } from 'vitest';
import {
  frameText,
  mailArriving,
  openDemoPage,
  signIn,
  signedInForTheFile,
  type Harness,
  type TestPlatform,
  inputReady,
  linesOf,
  wordsCutInTwo,
} from './browser.ts';

let h: Harness;
let platform: TestPlatform;
let opened = '';
signedInForTheFile((started) => ({ h, platform } = started));

describe('shared record and break-glass', () => {
  it('refuses a physician outside the circle, then opens in break-glass with a reason, a countdown and the summary', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('[data-circle="not-member"]');
    await inputReady(panel);
    await (await panel.waitForSelector('[data-record-open]'))!.click();
    const refused = await panel.waitForSelector('[data-record="refused"]');
    expect(await refused!.evaluate((el) => (el as HTMLElement).innerText)).toMatch(
      /Vous ne faites pas partie de l’équipe de soins/,
    );
    await inputReady(panel);
    await (await panel.$('[data-break-glass]'))!.click();
    const confirm = await panel.waitForSelector('[data-break-glass-confirm]');
    expect(await confirm!.evaluate((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(platform.logs.some((l) => l.includes('$break-glass'))).toBe(false);
    await panel.select('[data-break-glass-reason]', 'patient-hors-etat');
    await (await panel.$('[data-break-glass-text]'))!.type('Patiente inconsciente aux urgences, traitement inconnu');
    await (await panel.$('[data-break-glass-confirm-box]'))!.click();
    // The panel only prepares: the confirmation happens in an extension window the page cannot reach.
    const windowTarget = h.browser.waitForTarget((t) => t.url().includes('/src/break-glass/index.html?id='));
    await inputReady(panel);
    await confirm!.click();
    await panel.waitForSelector('[data-break-glass-waiting]');
    expect(platform.logs.some((l) => l.includes('$break-glass"'))).toBe(false);
    const confirmWindow = (await (await windowTarget).asPage())!;
    const shownInWindow = await confirmWindow.waitForSelector('[data-break-glass-window="ready"]');
    expect(await shownInWindow!.evaluate((el) => (el as HTMLElement).innerText)).toMatch(
      /LEFÈVRE[^]*14\/08\/1955[^]*Patient hors d.état d.exprimer sa volonté[^]*Patiente inconsciente aux urgences/,
    );
    // Read whole before the final click: no word cut, the INS on one line.
    expect(await wordsCutInTwo(confirmWindow.mainFrame(), '[data-break-glass-window]')).toEqual([]);
    expect(await linesOf(confirmWindow.mainFrame(), '[data-break-glass-window] dd.ins')).toEqual([1]);
    await (await confirmWindow.waitForSelector('[data-break-glass-final]'))!.click().catch(() => {});

    await panel.waitForSelector('[data-record="bris_de_glace"]');
    const left = Number(await panel.$eval('[data-countdown]', (el) => el.getAttribute('data-countdown')));
    expect(left).toBeGreaterThan(14 * 60);
    expect(left).toBeLessThanOrEqual(15 * 60);
    const shown = await frameText(panel);
    expect(shown).toContain('Allergie à la pénicilline');
    expect(shown).toContain('Volet de synthèse médicale');
    // The document the patient masked is not there, even now.
    expect(shown).not.toContain('psychiatrie');
    expect(platform.logs.some((l) => l.includes('$break-glass') && l.includes('"status":201'))).toBe(true);
    // The patient is told by MSSanté too: the message reaches their address through the SMTP gateway.
    const notice = await mailArriving(platform.mailboxDir!, (eml) =>
      eml.includes('To: <255081416802538@patient.mssante.fr>'),
    );
    expect(notice).toContain('Motif : Patient hors d’état d’exprimer sa volonté');

    // A document opens in its page, which says it was opened in emergency.
    const docTarget = h.browser.waitForTarget((t) => t.url().includes('/src/document/index.html'));
    const link = await panel.$('[data-latest] a');
    opened = await link!.evaluate((a) => (a as HTMLElement).innerText);
    await link!.click();
    const doc = (await (await docTarget).asPage())!;
    await doc.waitForSelector('[data-document-mode="bris_de_glace"]');
    expect(await doc.$eval('[data-document-text]', (el) => el.textContent)).toContain(
      'Patient(e) : MARIE CLAIRE LEFÈVRE',
    );
    // Whatever its text says, the page says whose document it is, as the platform holds them, and
    // what it is (its title, as the panel's link named it); the tab too.
    const banner = await doc.$eval('[data-patient-banner="demo-lefevre"]', (el) => (el as HTMLElement).innerText);
    expect(banner).toMatch(/LEFÈVRE[^]*MARIE CLAIRE[^]*14\/08\/1955[^]*Féminin[^]*2 55 08 14 168 025 38/);
    expect(await doc.$eval('[data-document-about] h1', (el) => el.textContent)).toBe(opened);
    expect(await doc.title()).toBe(`${opened} — LEFÈVRE`);
    await doc.close();
    await page.close();
  });

  it('shows the access on the patient’s page: notification and history with mode and reason', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${platform.url}/patient`);
    await (await page.waitForSelector('[data-patient="demo-lefevre"]'))!.click();
    const notification = await page.waitForSelector('[data-notification]');
    expect(await notification!.evaluate((el) => el.textContent)).toMatch(
      /Dr Julien MOREAU a ouvert votre dossier en accès d’urgence \(bris de glace\)\. Motif : Patient hors d’état/,
    );
    const row = await page.$eval('[data-history] tr[data-access="bris_de_glace"]', (el) => el.textContent);
    expect(row).toContain('Dr Julien MOREAU');
    expect(row).toContain('Patiente inconsciente aux urgences');
    await page.close();
  });

  it('lists the access on the privacy officer’s review page, which marks it reviewed', async () => {
    const page = await h.browser.newPage();
    await page.goto(`chrome-extension://${h.extensionId}/src/review/index.html`);
    // Signed in as the physician: the platform refuses them the review.
    await page.waitForSelector('[data-review="error"]');
    await (await page.$('[data-auth="signed-in"] button'))!.click();
    await signIn(h, page.mainFrame(), platform.issuer, 'f:passerelle-dev:privacy-officer');
    const session = await page.waitForSelector('[data-session][data-reviewed="no"]');
    const text = await session!.evaluate((el) => (el as HTMLElement).innerText);
    expect(text).toContain('LEFÈVRE MARIE CLAIRE');
    expect(text).toContain('Dr Julien MOREAU');
    expect(text).toContain('Patient hors d’état d’exprimer sa volonté');
    expect(text).toContain(opened);
    // The patient was told by MSSanté: the officer sees how far that message went.
    const notice = await session!.$eval('[data-patient-notice]', (el) => el.getAttribute('data-patient-notice'));
    expect(notice).toMatch(/^(pending|sent|delivered|read)$/);
    await (await session!.$('[data-review-comment]'))!.type('Urgence avérée, accès justifié.');
    await (await session!.$('[data-review-mark]'))!.click();
    await page.waitForSelector('[data-review="empty"]');
    await page.select('[data-review-filter]', 'reviewed');
    const done = await page.waitForSelector('[data-review-done]');
    expect(await done!.evaluate((el) => (el as HTMLElement).innerText)).toContain('Urgence avérée, accès justifié.');
    await page.close();
  });
});
