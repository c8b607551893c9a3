import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import manifest from '../manifest.json' with { type: 'json' };
import { CHROME_EXTENSION_ID } from '../src/core/platform.ts';
import { manifestFor } from '../vite.config.ts';

describe('manifest', () => {
  it('is MV3 with minimal permissions', () => {
    expect(manifest.manifest_version).toBe(3);
    // storage: settings and session; identity: launchWebAuthFlow for Pro Santé Connect; scripting:
    // the content script registered per enabled site; activeTab: the toolbar button offers to
    // enable the current site; alarms: replaying the care-circle outbox. Nothing else.
    expect(manifest.permissions).toEqual(['storage', 'identity', 'scripting', 'activeTab', 'alarms']);
    // Clinicians' own sites are asked for at run time; only the loopback demo hosts are listed.
    expect(manifest.host_permissions.every((h) => /^http:\/\/(127\.0\.0\.1|localhost)\/\*$/.test(h))).toBe(true);
    expect(manifest.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
  });

  it('runs no content script by itself: only on sites the user enabled (src/background/sites.ts)', () => {
    expect(manifest).not.toHaveProperty('content_scripts');
  });

  it('exposes nothing to web pages but the panel page, and in Chrome only under a per-session address', () => {
    expect(manifest.web_accessible_resources).toEqual([
      { resources: ['src/panel/index.html'], matches: ['http://*/*', 'https://*/*'], use_dynamic_url: true },
    ]);
  });

  it('derives the pinned extension id from its public key', () => {
    const hex = createHash('sha256').update(Buffer.from(manifest.key, 'base64')).digest('hex').slice(0, 32);
    const id = [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
    expect(id).toBe(CHROME_EXTENSION_ID);
  });

  it('has a Firefox variant with an event page and a gecko id, without Chrome-only keys', () => {
    const firefox = manifestFor('firefox') as Record<string, unknown>;
    expect(firefox.background).toEqual({ scripts: ['src/background/index.ts'], type: 'module' });
    expect(firefox.browser_specific_settings).toMatchObject({ gecko: { id: expect.stringContaining('@') } });
    expect(firefox).not.toHaveProperty('key');
    expect(firefox).not.toHaveProperty('minimum_chrome_version');
  });
});
