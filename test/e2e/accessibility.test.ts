/**
 * Accessibility (RGAA 4.1 / WCAG 2.1 AA): axe-core on the extension's screens as a clinician meets
 * them — the panel in its states, the options page, the secretariat's and the review's pages, the
 * patient's page. Zero violations at the A and AA tags.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import {
  wordsCutInTwo,
  openDemoPage,
  openPanel,
  openSpaPatient,
  signedInForTheFile,
  tabTo,
  type Harness,
  type TestPlatform,
} from './browser.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The violations axe finds in a frame (or page), as `rule: selector` lines. */
async function violations(frame: Frame | Page): Promise<string[]> {
  await frame.evaluate(AXE);
  return frame.evaluate(async (tags) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (ctx: Document, o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  }, TAGS);
}

/** The headings drawn larger than the heading of a higher level they come under (a part above its section). */
function headingsLargerThanTheirSection(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const above: string[] = [];
    const open: { level: number; size: number }[] = [];
    for (const h of document.querySelectorAll<HTMLElement>('main h2, main h3, main h4')) {
      const level = Number(h.tagName[1]);
      const size = parseFloat(getComputedStyle(h).fontSize);
      while (open.length > 0 && open.at(-1)!.level >= level) open.pop();
      if (open.some((o) => o.size < size)) above.push(h.innerText);
      open.push({ level, size });
    }
    return above;
  });
}

/**
 * The select and text fields inside `selector` not set right under their label, across the width
 * of their form (each said by its label's text).
 */
function fieldsOutOfPlace(frame: Frame, selector: string): Promise<string[]> {
  return frame.evaluate((selector) => {
    const form = document.querySelector(selector)!;
    const width = form.getBoundingClientRect().width;
    return [...form.querySelectorAll<HTMLLabelElement>('label[for]')].flatMap((label) => {
      const field = document.getElementById(label.htmlFor)!;
      const [l, f] = [label.getBoundingClientRect(), field.getBoundingClientRect()];
      const placed = l.bottom <= f.top + 1 && Math.abs(l.left - f.left) <= 1 && f.width >= 0.8 * width;
      return placed ? [] : [label.innerText];
    });
  }, selector);
}

let h: Harness;
let platform: TestPlatform;
signedInForTheFile((started) => ({ h, platform } = started));

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  it.each([
    ['webmail.html', '[data-vigilance="agree"]'],
    ['dpi-discordant.html', '[data-vigilance]'],
    ['ward-list.html', '.choices'],
    ['webmail.html', '[data-share] form'],
  ])('the panel on %s (%s)', async (name, ready) => {
    const { page, panel } = await openDemoPage(h, name);
    await panel.waitForSelector(ready);
    expect(await violations(panel)).toEqual([]);
    await page.close();
  });

  it('the panel through a journey: refused record, break-glass dialog, care team member', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('html[data-input-ready]');
    await (await panel.waitForSelector('[data-record-open]'))!.click();
    await panel.waitForSelector('[data-record="refused"]');
    expect(await violations(panel)).toEqual([]);
    await (await panel.waitForSelector('[data-break-glass]'))!.click();
    await panel.waitForSelector('[data-break-glass-dialog]');
    expect(await violations(panel)).toEqual([]);
    // RGAA 11.4: each field right under its label, as wide as the dialog (not a label and a field
    // sharing a line with the next one's words).
    expect(await fieldsOutOfPlace(panel, '[data-break-glass-dialog]')).toEqual([]);
    await (await panel.waitForSelector('[data-break-glass-dialog] button.secondary'))!.click();
    await (await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]'))!.click();
    await panel.waitForSelector('[data-circle="member"]');
    expect(await violations(panel)).toEqual([]);
    await page.close();
  });

  it('declares with the keyboard alone: Tab reaches the launcher then the button, focus visible, Enter acts', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/dpi.html`);
    await page.waitForSelector('passerelle-launcher');
    expect(await tabTo(page, page.mainFrame(), 'passerelle-launcher')).toBe(true);
    await page.keyboard.press('Enter');
    const panel = await page.waitForFrame((f) => /\/src\/panel\/index\.html/.test(f.url()));
    await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]');
    await panel.waitForSelector('html[data-input-ready]');
    expect(await tabTo(page, panel, '[data-circle-join]')).toBe(true);
    const focusShown = await panel.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return style.outlineStyle !== 'none' || style.boxShadow !== 'none';
    });
    expect(focusShown).toBe(true);
    await page.keyboard.press('Enter');
    await panel.waitForSelector('[data-circle="member"]');
    await page.close();
  });

  it('types a share code with the keyboard alone: Tab to the field, type, Enter; the answer is announced', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('html[data-input-ready]');
    expect(await tabTo(page, panel, '[data-share-input]')).toBe(true);
    // A typo (wrong check symbol): caught in the panel, said in an alert region.
    await page.keyboard.type('7KQ4-MZ2T-9XHC-X');
    await page.keyboard.press('Enter');
    const answer = await panel.waitForSelector('[data-share-result="refused"]');
    expect(await answer!.evaluate((el) => el.getAttribute('role'))).toBe('alert');
    await page.close();
  });

  it('keeps the keyboard inside the break-glass dialog, and Escape gives the focus back', async () => {
    // A patient nobody in this file joined: the record is refused, break-glass possible.
    const { page, panel } = await openSpaPatient(h, 'nguyen');
    await (await panel.waitForSelector('[data-record-open]'))!.click();
    await (await panel.waitForSelector('[data-record="refused"] [data-break-glass]'))!.click();
    await panel.waitForSelector('[data-break-glass-dialog]');
    // The dialog takes the focus once drawn (an effect after its render): waited for, not assumed.
    await panel.waitForFunction(() => document.activeElement?.closest('[data-break-glass-dialog]') != null);
    const inDialog = () => panel.evaluate(() => document.activeElement?.closest('[data-break-glass-dialog]') !== null);
    for (let i = 0; i < 25; i++) {
      const back = i % 5 === 4;
      if (back) await page.keyboard.down('Shift');
      await page.keyboard.press('Tab');
      if (back) await page.keyboard.up('Shift');
      expect(await inDialog()).toBe(true);
    }
    await page.keyboard.press('Escape');
    await panel.waitForFunction(() => document.querySelector('[data-break-glass-dialog]') === null);
    // The focus comes back once the record's button is drawn again (an effect after the render).
    await panel.waitForFunction(() => document.activeElement?.hasAttribute('data-record-open') === true);
    await page.close();
  });

  it('opens the record by break-glass with the keyboard alone, then checks it and its countdown', async () => {
    const { page, panel } = await openSpaPatient(h, 'dubois');
    const reach = async (on: Page, frame: Frame | Page, selector: string) =>
      expect(await tabTo(on, frame, selector), `the keyboard reaches ${selector}`).toBe(true);
    await reach(page, panel, '[data-record-open]');
    await page.keyboard.press('Enter');
    await panel.waitForSelector('[data-record="refused"] [data-break-glass]');
    await reach(page, panel, '[data-break-glass]');
    await page.keyboard.press('Enter');
    await panel.waitForSelector('[data-break-glass-dialog]');
    await reach(page, panel, '[data-break-glass-reason]');
    for (let i = 0; i < 10; i++) {
      if (
        (await panel.$eval('[data-break-glass-reason]', (el) => (el as HTMLSelectElement).value)) === 'urgence-vitale'
      )
        break;
      await page.keyboard.press('ArrowDown');
    }
    expect(await panel.$eval('[data-break-glass-reason]', (el) => (el as HTMLSelectElement).value)).toBe(
      'urgence-vitale',
    );
    await reach(page, panel, '[data-break-glass-text]');
    await page.keyboard.type('Arrêt cardio-respiratoire au service des urgences');
    await reach(page, panel, '[data-break-glass-confirm-box]');
    await page.keyboard.press('Space');
    const windowTarget = h.browser.waitForTarget((t) => t.url().includes('/src/break-glass/index.html?id='));
    await panel.waitForSelector('html[data-input-ready]');
    await reach(page, panel, '[data-break-glass-confirm]');
    await page.keyboard.press('Enter');
    const confirmWindow = (await (await windowTarget).asPage())!;
    await confirmWindow.waitForSelector('[data-break-glass-window="ready"]');
    expect(await violations(confirmWindow)).toEqual([]);
    await reach(confirmWindow, confirmWindow, '[data-break-glass-final]');
    // The window closes itself once the platform said yes.
    await confirmWindow.keyboard.press('Enter').catch(() => {});
    await panel.waitForSelector('[data-record="bris_de_glace"] [data-countdown]');
    expect(await violations(panel)).toEqual([]);
    expect(await headingsLargerThanTheirSection(panel)).toEqual([]);
    await page.close();
  });

  // WCAG 1.4.10 (RGAA 10.11): 200 % zoom of a 1280×720 screen is a 640×360 CSS px viewport; 400 %
  // of 1280×1024 is 320×256. The panel opens, stays open, and needs no horizontal scrolling; and
  // at every width, the strict traits it compares are read whole (a date cut after its third
  // digit of year, "14/08/195" over "5", reads as another date).
  it.each([
    [1280, 720],
    [640, 360],
    [320, 256],
  ])('reflows at %i×%i CSS px (zoom): the panel opens whole, nothing cut on the side', async (width, height) => {
    const page = await h.browser.newPage();
    await page.setViewport({ width, height });
    await page.goto(`${h.pages.url}/webmail.html`);
    const panel = await openPanel(h, page);
    await panel.waitForSelector('[data-vigilance]');
    await panel.waitForSelector('html[data-input-ready]');
    const frame = await page.evaluate(() => innerWidth);
    expect(frame).toBe(width);
    const layout = await panel.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      cut: [...document.querySelectorAll('button, input, select, a')]
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((el) => el.outerHTML.slice(0, 60)),
    }));
    expect(layout).toEqual({ overflow: 0, cut: [] });
    expect(await wordsCutInTwo(panel, 'table.traits')).toEqual([]);
    // Still open: the integrity watch did not take the small viewport for a moved panel.
    expect(page.frames()).toContain(panel);
    await page.close();
  });

  it.each([
    ['options', 'src/options/index.html', '[data-auth]'],
    ['secretariat', 'src/secretariat/index.html', '[data-auth]'],
    ['review', 'src/review/index.html', '[data-auth]'],
    ['report', 'src/report/index.html?exam=exam-lefevre-ct', '[data-report]'],
    ['document', 'src/document/index.html?patient=demo-lefevre&doc=demo-lefevre-doc-1', '[data-document]'],
  ])('the %s page reflows at 320 CSS px', async (_name, path, ready) => {
    const page = await h.browser.newPage();
    await page.setViewport({ width: 320, height: 640 });
    await page.goto(`chrome-extension://${h.extensionId}/${path}`);
    await page.waitForSelector(ready);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow).toBe(0);
    await page.close();
  });

  it('finds what it is there to find (a control without a name)', async () => {
    const page = await h.browser.newPage();
    await page.setContent('<!doctype html><html lang="fr"><title>t</title><main><button></button></main></html>');
    expect(await violations(page)).toEqual([expect.stringMatching(/^button-name:/)]);
    await page.close();
  });

  it.each(['options', 'secretariat', 'review'])('the %s page', async (name) => {
    const page = await h.browser.newPage();
    await page.goto(`chrome-extension://${h.extensionId}/src/${name}/index.html`);
    await page.waitForSelector('[data-auth]');
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it.each([
    ['report', 'src/report/index.html?exam=exam-lefevre-ct', '[data-report]'],
    ['document', 'src/document/index.html?patient=demo-lefevre&doc=demo-lefevre-doc-1', '[data-document]'],
    [
      'break-glass window',
      'src/break-glass/index.html?id=0b6e6900-0000-4000-8000-000000000001',
      '[data-break-glass-window]',
    ],
  ])('the %s page', async (_name, path, ready) => {
    const page = await h.browser.newPage();
    await page.goto(`chrome-extension://${h.extensionId}/${path}`);
    await page.waitForSelector(ready);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('the patient’s page', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${platform.url}/patient`);
    await page.waitForSelector('form');
    expect(await violations(page)).toEqual([]);
    await page.close();
  });
});
