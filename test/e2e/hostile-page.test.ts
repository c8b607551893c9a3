/**
 * The host page is hostile (issue 15). Each named attack below is a hostile page: the demo
 * webmail, whose own script does one thing to the panel. After the attack, a "user" fooled by a
 * decoy clicks (real mouse input) where the care-circle button was, again and again. The test asserts
 * **no effect at the platform** — no audit entry, no participation, no break-glass session — and
 * the warning where one applies: either the page's change lost (the panel is drawn as itself, so
 * a click on it is a click the user saw), or the panel closed and says why when opened again.
 */
import type { Frame, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { openDatabaseReadOnly } from '../../server/storage/database.ts';
import {
  inputReady,
  isPanelUrl,
  openDemoPage,
  openPanel,
  openSpaPatient,
  signedInForTheFile,
  type Harness,
  type TestPlatform,
} from './browser.ts';

let h: Harness;
let platform: TestPlatform;
signedInForTheFile((started) => ({ h, platform } = started));

/** What the platform recorded of acts on patients: what a successful attack would leave. */
async function acts(): Promise<number> {
  const db = openDatabaseReadOnly(platform.dataDir);
  try {
    const audit = await db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', 'in', [
        'care-team-join',
        'care-team-leave',
        'break-glass-start',
        'identity-confirmation',
        'record-read',
      ])
      .executeTakeFirstOrThrow();
    const joined = await db
      .selectFrom('care_participation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const glass = await db
      .selectFrom('break_glass')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(audit.n) + Number(joined.n) + Number(glass.n);
  } finally {
    await db.destroy();
  }
}

/** The panel open and ready on the demo message, and where its sensitive buttons are on the page. */
async function ready(): Promise<{
  page: Page;
  panel: Frame;
  join: { x: number; y: number };
  record: { x: number; y: number };
}> {
  const { page, panel } = await openDemoPage(h, 'webmail.html');
  const joinButton = await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]');
  const recordButton = await panel.waitForSelector('[data-record-open]');
  await inputReady(panel);
  const centre = async (el: typeof joinButton) => {
    const box = (await el!.boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  return { page, panel, join: await centre(joinButton), record: await centre(recordButton) };
}

/** A fooled user: clicks there several times over a second, as on a decoy. */
async function clickAround(page: Page, at: { x: number; y: number }) {
  for (let i = 0; i < 4; i++) {
    await page.mouse.click(at.x, at.y);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
}

/** The panel reopened says why it was closed. */
async function warned(page: Page, why: string) {
  const panel = await openPanel(h, page);
  await panel.waitForSelector(`[data-tampered="${why}"]`);
  return panel;
}

/** Resolves once the page holds no panel frame any more (the signal that the watch closed it). */
async function panelClosed(page: Page): Promise<void> {
  while (page.frames().some((f) => isPanelUrl(f.url()))) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
}

/** Attacks that the page's script makes after the panel appeared, and what the panel must do. */
const closing: { name: string; why: string; attack: string }[] = [
  {
    name: 'opacity 0.01 on the document after display (the panel inherits it)',
    why: 'restyled',
    attack: `document.documentElement.style.opacity = '0.01'`,
  },
  {
    name: 'mutating the host element’s style attribute',
    why: 'restyled',
    attack: `document.querySelector('passerelle-launcher').setAttribute('style', 'opacity: 0 !important')`,
  },
  {
    name: 'transform moving everything off-screen',
    why: 'restyled',
    attack: `document.documentElement.style.transform = 'translateX(-5000px)'`,
  },
  {
    name: 'transform moving the panel under a decoy',
    why: 'restyled',
    attack: `document.documentElement.style.transform = 'translateY(-120px)';
      const d = document.createElement('button'); d.textContent = 'Je confirme ma participation';
      d.style.cssText = 'position:fixed;right:40px;bottom:300px'; document.body.append(d)`,
  },
  {
    name: 'a CSS filter making the page transparent',
    why: 'restyled',
    attack: `document.documentElement.style.filter = 'opacity(0)'`,
  },
  {
    name: 'clip-path on the document',
    why: 'restyled',
    attack: `document.documentElement.style.clipPath = 'inset(0 0 100% 0)'`,
  },
  {
    name: 'resizing to almost nothing (zoom)',
    why: 'restyled',
    attack: `document.documentElement.style.zoom = '0.02'`,
  },
  {
    name: 'replacing the host element',
    why: 'removed',
    attack: `const host = document.querySelector('passerelle-launcher'); host.replaceWith(host.cloneNode())`,
  },
  {
    name: 're-parenting the host element',
    why: 'removed',
    attack: `document.body.append(document.querySelector('passerelle-launcher'))`,
  },
];

describe('a hostile page cannot act for the clinician', () => {
  for (const { name, why, attack } of closing) {
    it(`${name}: the panel closes, no click reaches the platform, and the panel says why`, async () => {
      const { page, join, record } = await ready();
      const before = await acts();
      await page.evaluate(attack);
      // The fooled user clicks at once, before and after the watch's next frame.
      await clickAround(page, join);
      await clickAround(page, record);
      await panelClosed(page);
      expect(await acts()).toBe(before);
      // The page undoes its change; the next panel tells the clinician what happened.
      await page.evaluate(() => {
        document.documentElement.removeAttribute('style');
        for (const el of document.querySelectorAll('body > div[style], html > div[style]')) el.remove();
      });
      if (why !== 'removed') await warned(page, why);
      await page.close();
    });
  }

  const overlays: { name: string; attack: string }[] = [
    {
      name: 'a transparent overlay above the panel (pointer-events none)',
      attack: `const o = document.createElement('div');
        o.style.cssText = 'position:fixed;inset:0;z-index:2147483647;pointer-events:none;background:rgb(255 255 255 / 0.99)';
        document.documentElement.append(o)`,
    },
    {
      name: 'z-index games: a decoy drawn over the panel at the same z-index',
      attack: `const o = document.createElement('div'); o.textContent = 'Cliquez ici pour continuer';
        o.style.cssText = 'position:fixed;right:0;bottom:0;width:420px;height:700px;z-index:2147483647;pointer-events:none;background:#fff';
        document.documentElement.append(o)`,
    },
  ];
  for (const { name, attack } of overlays) {
    it(`${name}: the covered panel refuses every click (the browser says it is not visible)`, async () => {
      const { page, panel, join, record } = await ready();
      const before = await acts();
      await page.evaluate(attack);
      // Intersection Observer v2 in the panel frame: covered, so no click counts.
      await panel.waitForSelector('html:not([data-input-ready])');
      await clickAround(page, join);
      await clickAround(page, record);
      expect(await acts()).toBe(before);
      await page.close();
    });
  }

  it('navigating the panel frame: the page cannot even reach it (a closed shadow root’s frame is not in window.frames)', async () => {
    const { page, panel } = await ready();
    const reached = await page.evaluate(() => {
      try {
        for (let i = 0; i < window.frames.length; i++) window.frames[i]!.location.href = 'about:blank';
        return window.frames.length;
      } catch {
        return -1;
      }
    });
    expect(reached).toBe(0);
    expect(isPanelUrl(panel.url())).toBe(true);
    await panel.waitForSelector('[data-circle-join]');
    await page.close();
  });

  it('a stylesheet rule `opacity: 0 !important` on the host loses: the panel stays drawn as itself', async () => {
    const { page, panel } = await ready();
    await page.addStyleTag({
      content:
        'passerelle-launcher { opacity: 0 !important; transform: translateX(-9999px) !important; clip-path: inset(50%) !important; pointer-events: none !important }',
    });
    const style = await page.$eval('passerelle-launcher', (el) => {
      const s = getComputedStyle(el);
      return [s.opacity, s.transform, s.clipPath, s.pointerEvents].join('|');
    });
    expect(style).toBe('1|none|none|auto');
    await panel.waitForSelector('[data-circle-join]');
    await page.close();
  });

  it('opacity 0.01 on the host from before it appears loses too', async () => {
    const page = await h.browser.newPage();
    await page.evaluateOnNewDocument(() => {
      document.addEventListener('DOMContentLoaded', () => {
        const s = document.createElement('style');
        s.textContent = 'passerelle-launcher { opacity: 0.01 !important }';
        document.head.append(s);
      });
    });
    await page.goto(`${h.pages.url}/webmail.html`);
    const launcher = await page.waitForSelector('passerelle-launcher');
    expect(await launcher!.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await page.close();
  });

  it('a click the page makes up (`dispatchEvent`, `click()`) on the launcher opens nothing', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail.html`);
    await page.waitForSelector('passerelle-launcher');
    await page.evaluate(() => {
      const host = document.querySelector('passerelle-launcher')!;
      host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      (host as HTMLElement).click();
    });
    await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    expect(page.frames().some((f) => isPanelUrl(f.url()))).toBe(false);
    await page.close();
  });

  it('postMessage to the panel frame does nothing', async () => {
    const { page, panel } = await ready();
    const before = await acts();
    await page.evaluate(() => {
      for (let i = 0; i < window.frames.length; i++) {
        for (const type of ['careTeam.join', 'record.breakGlass', 'identity.confirm'])
          window.frames[i]!.postMessage({ v: 1, type, patientId: 'demo-lefevre', reason: 'urgence-vitale' }, '*');
      }
    });
    // Whatever was posted is queued before this task of the panel's own.
    await panel.evaluate(() => new Promise((r) => setTimeout(() => requestAnimationFrame(r))));
    expect(await acts()).toBe(before);
    await page.close();
  });

  it('clicks arriving as the panel appears are ignored (input protection), and say so', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.pages.url}/webmail.html`);
    const panel = await openPanel(h, page);
    const join = await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]');
    const before = await acts();
    const ready = await panel.$('html[data-input-ready]');
    if (ready === null) {
      await join!.click();
      await panel.waitForSelector('[data-guard-refused]');
      expect(await acts()).toBe(before);
    }
    await page.close();
  });

  it('focus stolen while typing a code: the keys go to the page, nothing is redeemed', async () => {
    const { page, panel } = await ready();
    const before = await acts();
    const input = await panel.waitForSelector('[data-share-input]');
    await input!.focus();
    await page.evaluate(() => {
      const trap = document.createElement('input');
      document.body.append(trap);
      // The page takes the focus back at every frame.
      const steal = () => {
        trap.focus();
        requestAnimationFrame(steal);
      };
      requestAnimationFrame(steal);
    });
    await page.keyboard.type('7Q2M4K8RT3VXD', { delay: 20 });
    await page.keyboard.press('Enter');
    await panel.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await acts()).toBe(before);
    expect(await page.evaluate(() => (document.querySelector('body > input') as HTMLInputElement).value)).not.toBe('');
    await page.close();
  });

  it('a patient swapped just before the click: nothing is done for the patient the user never saw', async () => {
    const { page, panel } = await openSpaPatient(h, 'nguyen');
    const join = await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]');
    const box = (await join!.boundingBox())!;
    const before = await acts();
    // The page shows another patient, then the user's click lands where the button was.
    await page.click('[data-patient="dubois"]');
    await panel.waitForFunction(() => document.body.innerText.includes('DUBOIS'));
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await panel.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const db = openDatabaseReadOnly(platform.dataDir);
    const dubois = await db
      .selectFrom('audit_event')
      .select('id')
      .where('kind', '=', 'care-team-join')
      .where('patient_id', '=', 'demo-dubois')
      .execute();
    await db.destroy();
    expect(dubois).toEqual([]);
    expect(await acts()).toBe(before);
    await page.close();
  });
});
