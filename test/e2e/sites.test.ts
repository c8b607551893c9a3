/**
 * Per-site enablement: nothing runs on a site the user has not enabled in the options page;
 * enabling registers the content script there (all frames), disabling removes it.
 */
import type { Page, WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Harness } from './browser.ts';

let h: Harness;
let worker: WebWorker;

beforeAll(async () => {
  h = await launch({ enabled: false });
  const target = await h.browser.waitForTarget((t) => t.type() === 'service_worker');
  worker = (await target.worker())!;
});
afterAll(() => h?.close());

/**
 * Whether anything of Passerelle ran in the page: its launcher, or a context reported by a frame.
 * The manifest declares no content script: where none is registered (checked first by the tests
 * that expect nothing), nothing can run, so there is nothing to wait for.
 */
async function passerelleRan(page: Page): Promise<{ launcher: boolean; contexts: number }> {
  const launcher = await page.evaluate(() => document.querySelector('passerelle-launcher') !== null);
  const contexts = await worker.evaluate(async () =>
    Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith('context:')),
  );
  return { launcher, contexts: contexts.length };
}

async function openOptions(query = ''): Promise<Page> {
  const page = await h.browser.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/src/options/index.html${query}`);
  await page.waitForSelector('#sites');
  return page;
}

describe('per-site enablement', () => {
  it('runs nothing on a site that is not enabled, even with a patient on the page', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail-frame.html`);
    expect(await worker.evaluate(() => chrome.scripting.getRegisteredContentScripts())).toEqual([]);
    expect(await passerelleRan(page)).toEqual({ launcher: false, contexts: 0 });
    await page.close();
  });

  it('enables the site from the options page (arriving with the address filled in), in every frame', async () => {
    const options = await openOptions(`?site=${encodeURIComponent(`${h.pages.url}/webmail-frame.html`)}#sites`);
    expect(await options.$eval('#site-input', (i) => (i as HTMLInputElement).value)).toBe(
      `${h.pages.url}/webmail-frame.html`,
    );
    expect(await options.$eval('[data-sites-none]', (p) => p.textContent)).toContain('Aucun site activé');
    await options.click('#sites button[type=submit]');
    await options.waitForSelector('[data-site="http://127.0.0.1"]');
    expect(await options.$eval('[data-sites-status]', (p) => p.textContent)).toContain('Site activé');

    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail-frame.html`);
    await page.waitForSelector('passerelle-launcher');
    // The patient is in the reading pane, a sub-frame: the script ran there too.
    expect((await passerelleRan(page)).contexts).toBe(1);
    await page.close();
    await options.close();
  });

  it('says so in French when the address is not a web site', async () => {
    const options = await openOptions();
    await options.type('#site-input', 'file:///etc/passwd');
    await options.click('#sites button[type=submit]');
    await options.waitForSelector('[data-sites-status="invalid"]');
    expect(await options.$eval('[data-sites-status]', (p) => p.textContent)).toContain('Adresse non reconnue');
    await options.close();
  });

  it('disabling the site removes the content script: its pages are left alone', async () => {
    const options = await openOptions();
    await options.click('[data-site="http://127.0.0.1"] button');
    await options.waitForSelector('[data-sites-none]');
    await options.close();
    expect(await worker.evaluate(() => chrome.scripting.getRegisteredContentScripts())).toEqual([]);

    await worker.evaluate(() => chrome.storage.session.clear());
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail-frame.html`);
    expect(await passerelleRan(page)).toEqual({ launcher: false, contexts: 0 });
    await page.close();
  });
});
