/**
 * Pages as webmails and DPIs really are: a reading pane in a same-origin iframe, and a single-page
 * DPI whose banner changes without a page load. Detection follows both.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import {
  frameText,
  openDemoPage,
  openPanel,
  pageRead,
  signedInForTheFile,
  type Harness,
  type TestPlatform,
  linesOf,
} from './browser.ts';

let h: Harness;
let platform: TestPlatform;
signedInForTheFile((started) => ({ h, platform } = started));

const text = frameText;
const launcherShown = (page: Page) => page.evaluate(() => document.querySelector('passerelle-launcher') !== null);

describe('live host pages', () => {
  it('finds the patient of a reading pane that is an iframe, with the launcher in the top page', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail-frame.html');
    await panel.waitForSelector('[data-vigilance="agree"]');
    expect(await text(panel)).toContain('GIRARD');
    // One launcher, in the top document only.
    const inFrames = await Promise.all(
      page
        .frames()
        .slice(1)
        .map((f) => f.evaluate(() => document.querySelector('passerelle-launcher') !== null)),
    );
    expect(inFrames.every((shown) => !shown)).toBe(true);

    // The reading pane moves on to a message without a patient: its patient leaves the panel.
    await page.evaluate(() => {
      document.querySelector('iframe')!.src = 'about:blank';
    });
    await panel.waitForFunction(() => !document.body.innerText.includes('GIRARD'));
    expect(await text(panel)).toContain('Aucun patient');
    await page.close();
  });

  it('lists the patients of a ward list and lets the user choose: no lookup before the choice', async () => {
    const requestsBefore = platform.logs.filter((l) => l.includes('"route":"/fhir/Patient"')).length;
    const { page, panel } = await openDemoPage(h, 'ward-list.html');
    const choices = await panel.waitForSelector('.choices');
    expect(await text(panel)).toContain('Plusieurs patients figurent sur cette page');
    const names = await choices!.$$eval('button', (buttons) => buttons.map((b) => (b as HTMLElement).innerText));
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(/BERNARD Lucas Pierre — 03\/12\/1984/);
    expect(names[1]).toMatch(/CASANOVA Paul Ange — 10\/05\/1962/);
    expect(names[2]).toMatch(/NGUYEN Thomas — 18\/07\/1992/);
    // Each INS read whole, on one line.
    expect(await linesOf(panel, '.choices .ins')).toEqual([1, 1, 1]);
    // Never a silent guess: nothing is asked of the platform until the user chooses.
    expect(platform.logs.filter((l) => l.includes('"route":"/fhir/Patient"')).length).toBe(requestsBefore);

    const casanova = (await choices!.$$('button'))[1]!;
    await casanova.click();
    await panel.waitForSelector('[data-vigilance="agree"]');
    expect(await text(panel)).toContain('CASANOVA');
    expect(await text(panel)).not.toContain('NGUYEN');
    // Back to the list, another choice.
    await (await panel.waitForSelector('button[data-back]'))!.click();
    await (await panel.waitForSelector('.choices'))!.$$('button').then((b) => b[2]!.click());
    await panel.waitForFunction(() => document.body.innerText.includes('NGUYEN'));
    await panel.waitForSelector('[data-vigilance="agree"]');
    await page.close();
  });

  it('reads a DPI banner without labels once its selectors are imported in the options page', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/dpi-custom.html`);
    await pageRead(h, page);
    expect(await launcherShown(page)).toBe(false);

    // The hospital's settings file, pointed at this test's demo server.
    const settings = readFileSync(resolve(import.meta.dirname, '../../demo/dpi-profiles.json'), 'utf8').replace(
      'http://127.0.0.1:8788',
      h.pages.url,
    );
    const options = await h.browser.newPage();
    await options.goto(`chrome-extension://${h.extensionId}/src/options/index.html`);
    await options.waitForSelector('#dpi-json');
    // Writing a profile by hand: the live preview says what each selector reads on the open page.
    await options.type('#dpi-urlPrefix', `${h.pages.url}/dpi-custom.html`);
    await options.type('#dpi-ins', '#zone-identite .pat-id');
    await options.type('#dpi-familyName', '#zone-identite .pat-nom');
    await options.click('[data-dpi-preview-ask]');
    const reads = await options.waitForSelector('[data-dpi-reads="familyName"]');
    expect(await reads!.evaluate((el) => (el as HTMLElement).innerText)).toContain('BERNARD');
    await options.type('#dpi-sex', '.nothing-here');
    await options.waitForFunction(
      () => document.querySelector('[data-dpi-reads="sex"]')?.textContent?.includes('aucun élément visible') ?? false,
    );
    await options.$eval(
      '#dpi-json',
      (el, value) => {
        const area = el as HTMLTextAreaElement;
        area.value = value;
        area.dispatchEvent(new Event('input', { bubbles: true }));
      },
      settings,
    );
    await options.click('#dpi-import');
    await options.waitForSelector('[data-dpi-status="saved"]');
    expect(await options.$eval('[data-dpi-profiles]', (el) => (el as HTMLElement).innerText)).toContain(
      'DPI de démonstration',
    );
    await options.close();

    await page.reload();
    const panel = await openPanel(h, page);
    await panel.waitForSelector('[data-vigilance="agree"]');
    expect(await text(panel)).toContain('BERNARD');
    await page.close();
  });

  it('follows a single-page DPI: no launcher until a record opens, then the panel follows the patient', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/dpi-spa.html`);
    await pageRead(h, page);
    expect(await launcherShown(page)).toBe(false);

    await page.click('[data-patient="nguyen"]');
    await page.waitForSelector('passerelle-launcher');
    const panel = await openPanel(h, page);
    await panel.waitForSelector('[data-vigilance="agree"]');
    expect(await text(panel)).toContain('NGUYEN');

    await page.click('[data-patient="dubois"]');
    await panel.waitForFunction(() => document.body.innerText.includes('DUBOIS'));
    await panel.waitForSelector('[data-vigilance="agree"]');
    expect(await text(panel)).not.toContain('NGUYEN');
    await page.close();
  });
});
