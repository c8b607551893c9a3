/**
 * The manifests as built (`dist/<browser>/manifest.json`), not only as derived: what the browser
 * loads is what these tests read (a build step once dropped the panel from Firefox's).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const built = (browser: 'chrome' | 'firefox') =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, `../../dist/${browser}/manifest.json`), 'utf8')) as {
    web_accessible_resources: { resources: string[]; matches: string[]; use_dynamic_url?: boolean }[];
    background: { service_worker?: string; scripts?: string[] };
    content_scripts?: unknown;
    key?: string;
    browser_specific_settings?: { gecko?: { id?: string; data_collection_permissions?: { required: string[] } } };
  };

describe.each(['chrome', 'firefox'] as const)('the built %s manifest', (browser) => {
  const manifest = built(browser);

  it('exposes the panel page to web pages, and nothing else', () => {
    expect(manifest.web_accessible_resources.flatMap((e) => e.resources)).toEqual(['src/panel/index.html']);
    expect(manifest.web_accessible_resources[0]!.matches).toEqual(['http://*/*', 'https://*/*']);
    expect(existsSync(resolve(import.meta.dirname, `../../dist/${browser}/src/panel/index.html`))).toBe(true);
  });

  it('declares no content script (registered per enabled site at run time)', () => {
    expect(manifest).not.toHaveProperty('content_scripts');
  });

  it('starts a background its browser runs, whose files exist', () => {
    const files = browser === 'chrome' ? [manifest.background.service_worker!] : manifest.background.scripts!;
    expect(files.length).toBe(1);
    for (const file of files)
      expect(existsSync(resolve(import.meta.dirname, `../../dist/${browser}`, file))).toBe(true);
  });

  it(
    browser === 'chrome'
      ? 'keeps the panel behind a per-session address'
      : 'carries its gecko id and its data collection',
    () => {
      if (browser === 'chrome') expect(manifest.web_accessible_resources[0]!.use_dynamic_url).toBe(true);
      else {
        expect(manifest.browser_specific_settings?.gecko?.id).toMatch(/@/);
        // What leaves the browser is declared, for Firefox's consent at installation.
        expect(manifest.browser_specific_settings?.gecko?.data_collection_permissions?.required).toContain(
          'healthInfo',
        );
      }
    },
  );
});
