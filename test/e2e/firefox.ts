/**
 * Firefox ESR driven by puppeteer-core over WebDriver BiDi (docs/toolchain.md, "Firefox"): the
 * built `dist/firefox` installed as a temporary add-on at a fixed extension origin, the French UI.
 * Extension pages never fire a load event there: they are opened without waiting, then found by
 * their `location.href`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { FIREFOX_EXTENSION_ID } from '../../src/core/platform.ts';
import { serveDemoPages, type DemoPages } from '../../demo/serve.ts';
import { fillSettings } from './browser.ts';

/** The extension's origin in these tests (pref `extensions.webextensions.uuids`). */
export const FIREFOX_UUID = '9f3c2a64-1d2b-4f5e-8a7b-0c1d2e3f4a5b';
export const FIREFOX_ORIGIN = `moz-extension://${FIREFOX_UUID}`;

/** Debian's Firefox ESR (`apt-get install firefox-esr firefox-esr-l10n-fr`), or `FIREFOX_PATH`. */
export function firefoxPath(): string {
  const path = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
  if (!existsSync(path))
    throw new Error(
      `Firefox not found at ${path}: apt-get install firefox-esr firefox-esr-l10n-fr, or set FIREFOX_PATH`,
    );
  return path;
}

export interface FirefoxHarness {
  browser: Browser;
  pages: DemoPages;
  close(): Promise<void>;
}

/** A failure of the remote agent during a navigation (in the error or what caused it), not a time-out. */
function transient(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.name === 'TimeoutError') return false;
    if (/Protocol error|Waiting failed/.test(e.message)) return true;
  }
  return false;
}

/** How long an extension page may take to arrive: puppeteer's own default wait. */
const ARRIVAL_MS = 30_000;
/** How long a navigation to it is given before it is asked for again. */
const NAVIGATION_MS = 5_000;

/**
 * Opens an extension page in a new tab and waits until it is there (no load event to wait for):
 * until its `#app`, where every extension page mounts (about:blank has none). Not
 * `waitForFunction`: the extension's content security policy refuses the `Function()` it polls
 * with (Firefox 140.12), and the tab's URL is not reported for extension pages.
 */
export async function extensionPage(browser: Browser, path: string): Promise<Page> {
  const page = await browser.newPage();
  const url = `${FIREFOX_ORIGIN}/${path}`;
  void page.goto(url).catch(() => {});
  // Firefox's remote agent may fail an evaluation made while the document is being replaced
  // ("right-hand side of 'in' should be an object"): that is the navigation under way, ask again
  // — until the page is there or the usual wait is over. A navigation that never ends is asked
  // for again, but only once it has had its time: asked after every few failures, which come
  // milliseconds apart, each new navigation cut the last one short and the page never arrived
  // (CI, session 23: 30 s of failures).
  const until = Date.now() + ARRIVAL_MS;
  let asked = Date.now();
  for (;;) {
    try {
      await page.waitForSelector('#app', { timeout: Math.max(until - Date.now(), 1) });
      return page;
    } catch (error) {
      if (!transient(error) || Date.now() >= until) throw error;
      if (Date.now() - asked >= NAVIGATION_MS) {
        asked = Date.now();
        void page.goto(url).catch(() => {});
      }
    }
  }
}

export async function launchFirefox(options: { mailboxDir?: string } = {}): Promise<FirefoxHarness> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: FIREFOX_UUID }),
      'extensions.webextOptionalPermissionPrompts': false,
      'intl.locale.requested': 'fr',
    },
  });
  await browser.installExtension(resolve(import.meta.dirname, '../../dist/firefox'));
  const pages = await serveDemoPages(0, '127.0.0.1', options);
  // Enabled on the demo host the way a user does, in the options page.
  const settings = await extensionPage(browser, 'src/options/index.html');
  await (await settings.waitForSelector('#site-input'))!.type(pages.url);
  await settings.click('#sites button[type=submit]');
  await settings.waitForSelector('[data-site="http://127.0.0.1"]');
  await settings.close();
  return {
    browser,
    pages,
    async close() {
      await browser.close();
      await pages.close();
    },
  };
}

/** Points the extension at its platform, in the options page. */
export async function configureFirefox(h: FirefoxHarness, platform: { url: string }) {
  const page = await extensionPage(h.browser, 'src/options/index.html');
  await fillSettings(page, platform);
  await page.close();
}

/**
 * Resolves once the document of `target` (a frame or a tab) has an address starting with `prefix`.
 * Firefox reports no navigation for extension documents, so the document is asked, and answers
 * only if it is the one: any other stays silent until it is replaced — its realm destroyed, the
 * question fails and is asked of the new document. Never resolves for a target that goes away.
 */
async function documentAt(target: Frame | Page, prefix: string): Promise<void> {
  const gone = () => ('isClosed' in target ? target.isClosed() : target.detached);
  while (!gone()) {
    const found = await target
      .evaluate((p) => (location.href.startsWith(p) ? true : new Promise<boolean>(() => {})), prefix)
      .catch(() => false);
    if (found) return;
  }
  await new Promise<never>(() => {});
}

/** The frame (or page) of `page`'s tab whose address starts with `prefix`, once it is there. */
export function frameAt(page: Page, prefix: string): Promise<Frame> {
  return new Promise((resolve) => {
    const look = (frame: Frame) =>
      void documentAt(frame, prefix).then(() => {
        page.off('frameattached', look);
        resolve(frame);
      });
    page.on('frameattached', look);
    page.frames().forEach(look);
  });
}
/** Clicks the launcher where it is drawn, and returns the panel's frame. */
export async function openFirefoxPanel(page: Page): Promise<Frame> {
  const launcher = await page.waitForSelector('passerelle-launcher');
  const box = await launcher!.boundingBox();
  await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
  const panel = await frameAt(page, `${FIREFOX_ORIGIN}/src/panel/`);
  await panel.waitForSelector('[data-auth]');
  return panel;
}

/** A tab the extension opened (a report, a document): found by its address. */
export function tabAt(browser: Browser, prefix: string, except: readonly Page[] = []): Promise<Page> {
  return new Promise((resolve) => {
    const looked = new Set<Page>(except);
    const look = async () => {
      for (const page of await browser.pages()) {
        if (looked.has(page)) continue;
        looked.add(page);
        void documentAt(page, prefix).then(() => {
          browser.off('targetcreated', look);
          resolve(page);
        });
      }
    };
    browser.on('targetcreated', look);
    void look();
  });
}

/** Signs in like a user from `frame` (the panel or an extension page): the provider's window opens, a professional is chosen. */
export async function signInFirefox(
  h: FirefoxHarness,
  frame: Frame,
  issuer: string,
  account = 'f:passerelle-dev:physician',
) {
  const before = await h.browser.pages();
  await (await frame.waitForSelector('[data-auth="signed-out"] button'))!.click();
  const popup = await tabAt(h.browser, `${issuer}/interaction/`, before);
  const choice = await popup.waitForSelector(`button[value="${account}"]`);
  // The window closes itself on the redirect.
  await choice!.click().catch(() => {});
  await frame.waitForSelector('[data-auth="signed-in"]');
}
