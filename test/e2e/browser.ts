/**
 * Real Chromium (Debian's) with the built extension, a fresh profile, its own platform and demo
 * pages on free loopback ports (docs/toolchain.md for the flags and the install dance).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';
import { configFromEnv } from '../../server/config.ts';
import { startPlatform, type RunningPlatform } from '../../server/platform.ts';
import { serveDemoPages, type DemoPages } from '../../demo/serve.ts';
import { logCollector } from '../support/logs.ts';

/** Headless Chromium on a machine without internet (docs/toolchain.md): no background connections. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export const DIST = resolve(import.meta.dirname, '../../dist/chrome');

export function chromePath(): string {
  const path = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: install it (apt-get install -y chromium) or set CHROME_PATH.`);
  }
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error('dist/chrome is missing: run `npm run build` first.');
  return path;
}

export interface TestPlatform extends RunningPlatform {
  /** The platform's log lines (JSON): one per request, with its route pattern and status. */
  logs: string[];
  /** Resolves with the first log line (logged or to come) that matches: a signal to wait on. */
  waitForLog(match: (line: string) => boolean): Promise<string>;
  /** Its data folder: tests read what it recorded (`openDatabaseReadOnly`). */
  dataDir: string;
}

/**
 * The platform with demo data and its development OpenID provider, on free ports; or, given an
 * `issuer`, a platform trusting that provider (as a hospital's trusts Pro Santé Connect).
 */
export async function startTestPlatform(
  options: { port?: number; issuer?: string; allowedOrigins?: string; dataDir?: string } = {},
): Promise<TestPlatform> {
  // A platform restarted on its own data (`dataDir`) keeps its sessions, as a real one does.
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'passerelle-e2e-data-'));
  const env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    DEV_IDP_PORT: '0',
    OIDC_ISSUER: options.issuer,
    ALLOWED_ORIGINS: options.allowedOrigins,
  };
  const { logs, stream, waitFor } = logCollector();
  const platform = await startPlatform(
    { ...configFromEnv(env), port: options.port ?? 0 },
    { demo: true, logStream: stream },
  );
  return {
    url: platform.url,
    issuer: platform.issuer,
    mailboxDir: platform.mailboxDir,
    logs,
    waitForLog: waitFor,
    dataDir,
    async close() {
      await platform.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Harness {
  browser: Browser;
  extensionId: string;
  pages: DemoPages;
  close(): Promise<void>;
}

/**
 * Enables Passerelle on a site the way a user does, in the options page (the loopback hosts are
 * already granted by the manifest, so the browser does not prompt).
 */
/**
 * Waits until Passerelle has read the page in `page` (its frames reported at least `readings`
 * readings to the background, `scans:<tab>` in `storage.session`): the positive signal a test
 * waits for before saying that nothing was found, instead of sleeping.
 */
export async function pageRead(h: Harness, page: Page, readings = 1): Promise<void> {
  const target = await h.browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${h.extensionId}/`),
  );
  const worker = (await target.worker())!;
  const url = page.url();
  await worker.evaluate(
    async (url, readings) => {
      for (;;) {
        const tabs = await chrome.tabs.query({});
        const tab = tabs.find((t) => t.url === url);
        const key = `scans:${tab?.id}`;
        if (tab && Number((await chrome.storage.session.get(key))[key] ?? 0) >= readings) return;
        await new Promise((resolve) =>
          chrome.storage.session.onChanged.addListener(function once() {
            chrome.storage.session.onChanged.removeListener(once);
            resolve(undefined);
          }),
        );
      }
    },
    url,
    readings,
  );
}

/** Chromium without the extension (the detection corpus, saving pages of real software). */
export const launchPlain = (): Promise<Browser> =>
  puppeteer.launch({
    headless: true,
    executablePath: chromePath(),
    pipe: true,
    args: CHROMIUM_ARGS,
    defaultViewport: { width: 1280, height: 900 },
  });

export async function enableSite(browser: Browser, extensionId: string, url: string): Promise<void> {
  const page = await browser.newPage();
  await page.goto(`chrome-extension://${extensionId}/src/options/index.html`);
  const input = await page.waitForSelector('#site-input');
  await input!.type(url);
  await page.click('#sites button[type=submit]');
  await page.waitForSelector(`[data-site="${new URL(url).protocol}//${new URL(url).hostname}"]`);
  await page.close();
}

/** A browser with Passerelle installed and, unless `enabled: false`, enabled on the demo pages' host. */
export async function launch({
  enabled = true,
  mailboxDir,
}: { enabled?: boolean; mailboxDir?: string } = {}): Promise<Harness> {
  const executablePath = chromePath();
  const profile = mkdtempSync(join(tmpdir(), 'passerelle-e2e-profile-'));
  const browser = await puppeteer.launch({
    headless: true,
    executablePath,
    pipe: true,
    enableExtensions: true,
    userDataDir: profile,
    env: { ...process.env, LANGUAGE: 'fr', LANG: 'fr_FR.UTF-8' },
    args: [...CHROMIUM_ARGS, '--lang=fr'],
  });
  const extensionId = await browser.installExtension(DIST);
  const worker = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`),
  );
  const sw = await worker.worker();
  // The worker says when its listeners are in place (a flag, and an event for a look made before).
  // One that threw while starting never does: say so after a deadline rather than time out later.
  const ready = sw!.evaluate(
    () =>
      (globalThis as { passerelleReady?: boolean }).passerelleReady === true ||
      new Promise<boolean>((resolve) =>
        globalThis.addEventListener('passerelle-ready', () => resolve(true), { once: true }),
      ),
  );
  let deadline: NodeJS.Timeout | undefined;
  await Promise.race([
    ready,
    new Promise((_resolve, reject) => {
      deadline = setTimeout(() => reject(new Error('the extension service worker did not start')), 10_000);
    }),
  ]).finally(() => clearTimeout(deadline));
  const pages = await serveDemoPages(0, '127.0.0.1', { mailboxDir });
  if (enabled) await enableSite(browser, extensionId, pages.url);
  return {
    browser,
    extensionId,
    pages,
    async close() {
      await browser.close();
      await pages.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Points the extension at a platform the way a user does: in the options page. */
export async function configure(h: Harness, platform: { url: string }): Promise<void> {
  const page = await h.browser.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/src/options/index.html`);
  await fillSettings(page, platform);
  await page.close();
}

/** In an open options page: the platform's address, saved (either browser). */
export async function fillSettings(page: Page, platform: { url: string }): Promise<void> {
  // The field is enabled once the stored settings are in it (a selector: Firefox's extension pages
  // refuse the evaluation `waitForFunction` polls with).
  await page.waitForSelector('#platform-url:not([disabled])');
  const input = await page.$('#platform-url');
  await input!.click({ count: 3 });
  await input!.type(platform.url);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-status="saved"]');
}

/**
 * Signs in from an open panel like a user: the sign-in button opens the sign-in window
 * (`identity.launchWebAuthFlow`: the platform sends it on to the provider, `issuer`), where the
 * test professional is chosen; the window then closes.
 */
export async function signIn(h: Harness, panel: Frame, issuer: string, account = 'f:passerelle-dev:physician') {
  const popupTarget = h.browser.waitForTarget((t) => t.url().startsWith(`${issuer}/interaction/`));
  await (await panel.waitForSelector('[data-auth="signed-out"] button'))!.click();
  const popup = (await (await popupTarget).asPage())!;
  const choice = await popup.waitForSelector(`button[value="${account}"]`);
  // The window closes itself on the redirect: the click may end with "Target closed".
  await choice!.click().catch(() => {});
  await panel.waitForSelector('[data-auth="signed-in"]');
}

/** Clicks the launcher like a user: where it is drawn (its shadow root is closed to scripts). */
export async function openPanel(h: Harness, page: Page): Promise<Frame> {
  const launcher = await page.waitForSelector('passerelle-launcher');
  const box = await launcher!.boundingBox();
  if (!box) throw new Error('launcher not visible');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  return page.waitForFrame((f) => isPanelUrl(f.url()));
}

/**
 * Waits until the panel accepts sensitive clicks: visible and unchanged for the input-protection
 * delay (`src/panel/guard.ts` marks it `data-input-ready`). A clinician's click comes later anyway.
 */
export const inputReady = async (panel: Frame) => {
  await panel.waitForSelector('html[data-input-ready]');
};

/** The panel's address: in Chrome its host is a per-session id, not the extension id (`use_dynamic_url`). */
export const isPanelUrl = (url: string) => /^chrome-extension:\/\/[^/]+\/src\/panel\/index\.html/.test(url);

/** Opens a demo host page in a new tab and its panel; the caller closes the page. */
export async function openDemoPage(h: Harness, name: string): Promise<{ page: Page; panel: Frame }> {
  const page = await h.browser.newPage();
  await page.goto(`${h.pages.url}/${name}`);
  return { page, panel: await openPanel(h, page) };
}

/** The visible text of a frame (the panel). */
export const frameText = (frame: Frame) => frame.evaluate(() => document.body.innerText);

/**
 * Presses Tab in `page` (the tab that has the keyboard: the host page, or a Passerelle window)
 * until the element focused in `frame` matches `selector`; answers whether it got there.
 */
export async function tabTo(page: Page, frame: Frame | Page, selector: string, presses = 60): Promise<boolean> {
  for (let i = 0; i <= presses; i++) {
    if (await frame.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return true;
    if (i < presses) await page.keyboard.press('Tab');
  }
  return false;
}

/** The demo single-page DPI with `patient` opened, and its panel ready for clicks; the caller closes the page. */
export async function openSpaPatient(h: Harness, patient: string): Promise<{ page: Page; panel: Frame }> {
  const page = await h.browser.newPage();
  await page.goto(`${h.pages.url}/dpi-spa.html`);
  await page.click(`[data-patient="${patient}"]`);
  const panel = await openPanel(h, page);
  await inputReady(panel);
  return { page, panel };
}

/** A port free now on the loopback (to stop a platform and start it again at the same address). */
export { freePort } from '../support/net.ts';

/** A test platform, a browser with the extension pointed at it, and the demo physician signed in. */
export async function startSignedIn(): Promise<{ h: Harness; platform: TestPlatform; close(): Promise<void> }> {
  const platform = await startTestPlatform();
  const h = await launch({ mailboxDir: platform.mailboxDir });
  await configure(h, platform);
  const { page, panel } = await openDemoPage(h, 'webmail.html');
  await signIn(h, panel, platform.issuer);
  await page.close();
  return {
    h,
    platform,
    async close() {
      await h.close();
      await platform.close();
    },
  };
}

/**
 * One signed-in browser and platform (`startSignedIn`) for a test file: started before its tests,
 * closed after them, handed to `use` once started.
 *
 *     let h: Harness;
 *     let platform: TestPlatform;
 *     signedInForTheFile((started) => ({ h, platform } = started));
 */
export function signedInForTheFile(use: (started: { h: Harness; platform: TestPlatform }) => void): void {
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const { close: closeIt, ...started } = await startSignedIn();
    close = closeIt;
    use(started);
  });
  afterAll(() => close?.());
}

/**
 * The first message in the demo mailbox (`dir`) whose text matches: already there, or as soon as
 * the demo's MSSanté gateway delivers it (a file appears: a signal, not a delay).
 */
export async function mailArriving(dir: string, match: (eml: string) => boolean): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const found = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .find(match);
  const watcher = watch(dir);
  try {
    for (let eml = found(); ; eml = found()) {
      if (eml) return eml;
      await once(watcher, 'change');
    }
  } finally {
    watcher.close();
  }
}

/**
 * The words inside `selector` set on two lines (each word's boxes, by their tops): a value cut in
 * two, "14/08/195" over "5", reads as another value.
 */
export function wordsCutInTwo(frame: Frame, selector: string): Promise<string[]> {
  return frame.evaluate((selector) => {
    const cut: string[] = [];
    const walker = document.createTreeWalker(document.querySelector(selector)!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of (node.textContent ?? '').matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) cut.push(word[0]);
      }
    }
    return cut;
  }, selector);
}

/** For each element matching `selector`, the lines its text takes (an INS is read on one). */
export function linesOf(frame: Frame, selector: string): Promise<number[]> {
  return frame.$$eval(selector, (elements) =>
    elements.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    }),
  );
}
