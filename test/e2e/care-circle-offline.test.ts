/**
 * The care-circle outbox, end to end: the platform stops; the physician clicks once; the panel
 * says the declaration waits; the service worker is terminated (as the browser does when idle);
 * the platform comes back; the declaration arrives, exactly once, and the panel shows the member.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configure,
  freePort,
  launch,
  openDemoPage,
  signIn,
  startTestPlatform,
  type Harness,
  type TestPlatform,
  inputReady,
} from './browser.ts';

let h: Harness;
let idp: TestPlatform;
let platform: TestPlatform | undefined;
let port: number;
let ownData: string | undefined;

beforeAll(async () => {
  // The identity provider stays up (it is Pro Santé Connect's role); the platform goes down.
  idp = await startTestPlatform();
  port = await freePort();
  ownData = mkdtempSync(join(tmpdir(), 'passerelle-e2e-offline-'));
  platform = await startTestPlatform({ port, issuer: idp.issuer, dataDir: ownData });
  h = await launch();
  await configure(h, { url: platform.url });
  const { page, panel } = await openDemoPage(h, 'webmail.html');
  await signIn(h, panel, idp.issuer);
  await page.close();
});
afterAll(async () => {
  await h?.close();
  await platform?.close();
  await idp?.close();
  if (ownData) rmSync(ownData, { recursive: true, force: true });
});

/** The extension's service worker, woken up by an extension page if the browser stopped it. */
async function serviceWorker() {
  // The options page only reads the outbox's count: it replays nothing.
  const page = await h.browser.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/src/options/index.html`);
  await page.waitForSelector('[data-outbox]:not([data-outbox="loading"])');
  await page.close();
  const target = await h.browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${h.extensionId}/`),
  );
  return (await target.worker())!;
}

const joins = (p: TestPlatform) => p.logs.filter((l) => l.includes('$care-team-join'));

describe('care circle while the platform is down', () => {
  it('keeps the declaration through a worker shutdown and delivers it exactly once', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    const join = await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]');
    // The platform stops; it will come back on the same address and the same data (its sessions).
    const { dataDir } = platform!;
    await platform!.close();
    platform = undefined;

    await inputReady(panel);
    await join!.click();
    const queued = await panel.waitForSelector('[data-circle="queued"]');
    expect(await queued!.evaluate((el) => (el as HTMLElement).innerText)).toContain('Déclaration en attente');
    await page.close();

    // The browser may stop an idle service worker at any time: the outbox is in IndexedDB.
    await (await serviceWorker()).close();

    platform = await startTestPlatform({ port, issuer: idp.issuer, dataDir });
    // The outbox scheduled its retry as an alarm (backoff); the test fires it now rather than
    // waiting for the delay. Nobody opens the panel: the alarm alone replays the declaration.
    const worker = await serviceWorker();
    const scheduled = await worker.evaluate(async () => (await chrome.alarms.get('outbox'))?.scheduledTime ?? null);
    expect(scheduled).not.toBeNull();
    await worker.evaluate(() => chrome.alarms.create('outbox', { when: Date.now() }));
    await platform.waitForLog((l) => l.includes('$care-team-join'));
    expect(joins(platform)).toHaveLength(1);
    expect(joins(platform)[0]).toContain('"status":201');

    const again = await openDemoPage(h, 'webmail.html');
    const member = await again.panel.waitForSelector('[data-circle="member"]');
    expect(await member!.evaluate((el) => (el as HTMLElement).innerText)).toContain('Dr Julien MOREAU');
    // Nothing waits any more, and nothing was sent twice.
    const options = await h.browser.newPage();
    await options.goto(`chrome-extension://${h.extensionId}/src/options/index.html`);
    await options.waitForSelector('[data-outbox="0"]');
    await options.close();
    expect(joins(platform).filter((l) => l.includes('"status":201'))).toHaveLength(1);
    await again.page.close();
  }, 90_000);
});
