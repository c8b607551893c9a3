import { describe, expect, it } from 'vitest';
import { openDatabaseReadOnly } from '../../server/storage/database.ts';
import { CHROME_EXTENSION_ID } from '../../src/core/platform.ts';
import {
  frameText,
  openDemoPage,
  openPanel,
  signedInForTheFile,
  type Harness,
  type TestPlatform,
  inputReady,
} from './browser.ts';

let h: Harness;
let platform: TestPlatform;
signedInForTheFile((started) => ({ h, platform } = started));

const text = frameText;

describe('panel in the demo webmail', () => {
  it('has the id pinned by the manifest key', () => {
    expect(h.extensionId).toBe(CHROME_EXTENSION_ID);
  });

  it('shows the launcher, opens the panel, and shows the patient resolved by the platform, in French', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('[data-vigilance="agree"]');
    const shown = await text(panel);
    expect(shown).toContain('LEFÈVRE Marie Claire');
    expect(shown).toContain('2 55 08 14 168 025 38');
    expect(shown).toContain('Identité de test');
    expect(shown).toContain('MARIE CLAIRE');
    expect(shown).toContain('Les traits affichés concordent avec ceux de la plateforme.');
    // Per strict trait: read on the page and compared, or said not to be shown.
    const checks = await panel.$$eval('[data-trait]', (rows) =>
      rows.map((r) => `${r.getAttribute('data-trait')}:${r.getAttribute('data-check')}`),
    );
    expect(checks).toEqual(['birthName:agree', 'givenName:agree', 'birthDate:agree', 'sex:agree']);
    await page.close();
  });

  it('never reassures when the page shows only the INS: not verifiable, confirmed deliberately and recorded', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail-ins-only.html');
    const alert = await panel.waitForSelector('[data-vigilance="not-verifiable"]');
    expect(await alert!.evaluate((el) => (el as HTMLElement).innerText)).toContain(
      "Identité non vérifiable : la page n'affiche pas nom de naissance, date de naissance.",
    );
    expect(await panel.$('[data-vigilance="agree"]')).toBeNull();
    const checks = await panel.$$eval('[data-trait]', (rows) => rows.map((r) => r.getAttribute('data-check')));
    expect(checks).toEqual(['unread', 'unread', 'unread', 'unread']);
    expect(await panel.$('[data-circle]')).toBeNull();
    await (await panel.waitForSelector('[data-vigilance-confirm="idle"] button'))!.click();
    const statement = await panel.waitForSelector('[data-vigilance-confirm="asking"]');
    expect(await statement!.evaluate((el) => (el as HTMLElement).innerText)).toMatch(
      /bien que la page n'affiche pas : nom de naissance, date de naissance/,
    );
    await inputReady(panel);
    await (await panel.waitForSelector('[data-confirm]'))!.click();
    await panel.waitForSelector('[data-vigilance-confirmed]');
    await panel.waitForSelector('[data-circle="not-member"]');
    const db = openDatabaseReadOnly(platform.dataDir);
    const entry = await db
      .selectFrom('audit_event')
      .select('resource')
      .where('kind', '=', 'identity-confirmation')
      .where('patient_id', '=', 'demo-bernard')
      .executeTakeFirstOrThrow();
    await db.destroy();
    expect(entry.resource).toContain('"type":"traits-non-verifiables","valueString":"birthName,birthDate"');
    await page.close();
  });

  it('is usable with the keyboard: Escape closes the panel and gives focus back to the launcher', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('[data-vigilance="agree"]');
    await panel.focus('header button');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.activeElement?.tagName === 'PASSERELLE-LAUNCHER');
    const launcher = await page.$('passerelle-launcher');
    const box = await launcher!.boundingBox();
    expect(box).not.toBeNull();
    // The panel frame is hidden: nothing is drawn above the launcher any more.
    const hit = await page.evaluate(
      () => document.elementFromPoint(window.innerWidth - 100, window.innerHeight - 200)?.tagName,
    );
    expect(hit).not.toBe('PASSERELLE-LAUNCHER');
    await page.close();
  });

  it('warns, blocking, when the page traits disagree with the platform', async () => {
    const { page, panel } = await openDemoPage(h, 'dpi-discordant.html');
    const alert = await panel.waitForSelector('[data-vigilance="disagree"]');
    expect(await alert!.evaluate((el) => el.getAttribute('role'))).toBe('alert');
    expect(await alert!.evaluate((el) => (el as HTMLElement).innerText)).toContain(
      'Traits discordants : date de naissance',
    );
    expect(await text(panel)).toContain("Aucune action n'est possible");
    // The first given name is the one compared: the platform's first of CAMILLE ANNE, the whole
    // list under it.
    expect(await panel.$eval('[data-trait="givenName"] td:last-child', (td) => (td as HTMLElement).innerText)).toBe(
      'CAMILLE\nprénoms : CAMILLE ANNE',
    );
    // Nothing can be done for this patient yet: no care-circle button.
    expect(await panel.$('[data-circle]')).toBeNull();

    // Confirming is deliberate: a first click only asks; cancelling leaves the patient unconfirmed.
    const ask = async () => (await panel.waitForSelector('[data-vigilance-confirm="idle"] button'))!.click();
    await ask();
    const statement = await panel.waitForSelector('[data-vigilance-confirm="asking"]');
    expect(await statement!.evaluate((el) => (el as HTMLElement).innerText)).toMatch(
      /Je confirme que le patient de cette page est .+ malgré les traits discordants \(date de naissance\)/,
    );
    await (await panel.waitForSelector('[data-vigilance-confirm="asking"] button.secondary'))!.click();
    await ask();
    await inputReady(panel);
    await (await panel.waitForSelector('[data-confirm]'))!.click();
    const confirmed = await panel.waitForSelector('[data-vigilance-confirmed]');
    expect(await confirmed!.evaluate((el) => (el as HTMLElement).innerText)).toMatch(
      /Identité confirmée par vous à \d\d:\d\d.*consigné au journal d'audit/,
    );
    // Now the patient's care circle can be used.
    await panel.waitForSelector('[data-circle="not-member"]');
    // The platform recorded it (audited) before the panel said so.
    expect(platform.logs.some((l) => l.includes('$confirm-identity') && l.includes('"status":200'))).toBe(true);

    // The confirmation lasts for the session: the warning stays, the confirmation with it.
    await page.reload();
    const again = await openPanel(h, page);
    await again.waitForSelector('[data-vigilance="disagree"] [data-vigilance-confirmed]');
    await page.close();
  });

  it('one click declares the physician in the care circle, who then sees themself with their MSSanté address', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    const join = await panel.waitForSelector('[data-circle="not-member"] [data-circle-join]');
    expect(await join!.evaluate((b) => (b as HTMLElement).innerText)).toBe("Je fais partie de l'équipe de soins");
    await inputReady(panel);
    await join!.click();
    const circle = await panel.waitForSelector('[data-circle="member"]');
    const shown = await circle!.evaluate((el) => (el as HTMLElement).innerText);
    expect(shown).toMatch(/Vous faites partie de l'équipe de soins depuis le \d\d\/\d\d\/\d{4}/);
    expect(shown).toContain('Dr Julien MOREAU — Médecin');
    const mail = await circle!.$eval('[data-member="me"] a', (a) => (a as HTMLAnchorElement).href);
    expect(mail).toBe('mailto:julien.moreau@ch-demo.mssante.fr');
    expect(platform.logs.some((l) => l.includes('$care-team-join') && l.includes('"status":201'))).toBe(true);
    expect(shown).toContain('CENTRE HOSPITALIER DE DEMONSTRATION');

    // A physician, and the patient has no médecin traitant: they may declare themself one.
    expect(await circle!.$('[data-member-mt]')).toBeNull();
    await inputReady(panel);
    await (await circle!.$('[data-circle-join-mt]'))!.click();
    const mt = await panel.waitForSelector('[data-circle="member"] [data-member="me"] [data-member-mt]');
    expect(await mt!.evaluate((el) => (el as HTMLElement).innerText)).toBe('Médecin traitant');
    expect(await panel.$('[data-circle-join-mt]')).toBeNull();

    // Still a member when the panel opens again; leaving is offered and works.
    await page.reload();
    const again = await openPanel(h, page);
    const leave = await again.waitForSelector('[data-circle="member"] [data-circle-leave]');
    await inputReady(again);
    await leave!.click();
    await again.waitForSelector('[data-circle="not-member"]');
    await page.close();
  });

  it('reads a DPI banner with labelled traits', async () => {
    const { page, panel } = await openDemoPage(h, 'dpi.html');
    await panel.waitForSelector('[data-vigilance="agree"]');
    expect(await text(panel)).toContain('BERNARD');
    await page.close();
  });
});

describe('the host page cannot reach the panel', () => {
  it('finds no shadow root, no readable frame, no runtime, and no health data from the platform in its DOM', async () => {
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    await panel.waitForSelector('[data-vigilance="agree"]');
    await panel.waitForSelector('[data-circle="member"], [data-circle="not-member"]');
    const before = await text(panel);

    const seen = await page.evaluate(async (id) => {
      const host = document.querySelector('passerelle-launcher');
      const framesReadable: boolean[] = [];
      for (let i = 0; i < window.frames.length; i++) {
        try {
          framesReadable.push(Boolean(window.frames[i]!.document));
        } catch {
          framesReadable.push(false);
        }
        // Forged protocol messages, posted straight into the panel's window.
        window.frames[i]!.postMessage({ v: 1, type: 'panel.close' }, '*');
        window.frames[i]!.postMessage({ v: 1, type: 'patient.lookup', ins: '279035121518989' }, '*');
      }
      // The page builds its own panel frame at the extension's static address.
      const own = document.createElement('iframe');
      own.src = `chrome-extension://${id}/src/panel/index.html`;
      // Loaded or refused, the frame says so by an event: no time to guess.
      await new Promise((r) => {
        own.addEventListener('load', r, { once: true });
        own.addEventListener('error', r, { once: true });
        document.body.append(own);
      });
      let runtime = 'absent';
      const chromeApi = (window as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome;
      if (chromeApi?.runtime?.sendMessage) {
        try {
          (chromeApi.runtime.sendMessage as (id: string, m: unknown) => void)(id, { v: 1, type: 'context.get' });
          runtime = 'accepted';
        } catch {
          runtime = 'refused';
        }
      }
      return {
        shadowRoot: host?.shadowRoot ?? null,
        iframesInDom: document.querySelectorAll('iframe').length,
        frames: window.frames.length,
        framesReadable,
        ownFrameDocument: own.contentDocument === null ? null : 'readable',
        runtime,
        html: document.documentElement.outerHTML,
      };
    }, h.extensionId);
    expect(seen.shadowRoot).toBeNull();
    expect(seen.iframesInDom).toBe(1); // only the page's own frame; ours is inside the closed root
    expect(seen.frames).toBeGreaterThanOrEqual(1);
    expect(seen.framesReadable.every((r) => r === false)).toBe(true);
    expect(seen.ownFrameDocument).toBeNull();
    // Chrome serves the panel to web pages only under its per-session address (use_dynamic_url),
    // which the page cannot learn: the frame it built is an error page, ours is the only panel.
    const panels = await Promise.all(
      page.frames().map(async (f) => ({ url: f.url(), rendered: await f.$('[data-auth]').then(Boolean, () => false) })),
    );
    expect(panels.filter((f) => f.rendered)).toHaveLength(1);
    expect(panels.filter((f) => f.url.startsWith('chrome-error:'))).toHaveLength(1);
    expect(seen.runtime).not.toBe('accepted');
    // What only the platform knows never lands in the page: its given-name form, its badge.
    expect(seen.html).not.toContain('MARIE CLAIRE');
    expect(seen.html).not.toContain('Identité de test');
    // The panel ignored the forged messages: still open, same content, no other patient.
    expect(await text(panel)).toBe(before);
    expect(before).not.toContain('GIRARD');
    await page.close();
  });
});

describe('platform down', () => {
  it('says so in French with a retry, and the retry succeeds once the platform is back', async () => {
    // The platform becomes unreachable from the extension (its network cut, as when the hospital's
    // link is down), then reachable again: the session and everything else are untouched.
    const target = await h.browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${h.extensionId}/`),
    );
    const network = await target.createCDPSession();
    const offline = (yes: boolean) =>
      network.send('Network.emulateNetworkConditions', {
        offline: yes,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    await network.send('Network.enable');
    await offline(true);
    const { page, panel } = await openDemoPage(h, 'webmail.html');
    try {
      await panel.waitForSelector('[data-lookup="unavailable"]');
      expect(await text(panel)).toContain('Plateforme injoignable');
      await offline(false);
      await panel.click('[data-lookup="unavailable"] button');
      await panel.waitForSelector('[data-vigilance="agree"]');
    } finally {
      await offline(false).catch(() => {});
      await network.detach().catch(() => {});
      await page.close();
    }
  });
});
