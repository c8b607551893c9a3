/**
 * Extension build: `vite build --mode chrome` → dist/chrome, `--mode firefox` → dist/firefox,
 * both from the top-level manifest.json (the Firefox variant is derived here).
 */
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import baseManifest from './manifest.json' with { type: 'json' };
import { FIREFOX_EXTENSION_ID } from './src/core/platform.ts';

export function manifestFor(target: 'chrome' | 'firefox') {
  if (target === 'chrome') return baseManifest;
  // Firefox: an event page instead of a service worker, a gecko id, no Chrome-only keys.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { key, minimum_chrome_version, background, web_accessible_resources, ...rest } = baseManifest;
  return {
    ...rest,
    // Firefox's extension origin is already random per installation: no dynamic URL there.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    web_accessible_resources: web_accessible_resources.map(({ use_dynamic_url, ...resource }) => resource),
    background: { scripts: [background.service_worker], type: background.type },
    browser_specific_settings: {
      gecko: {
        id: FIREFOX_EXTENSION_ID,
        // 140: the first ESR with the built-in data-collection consent declared below.
        strict_min_version: '140.0',
        // What leaves the browser, to the hospital's own platform only (docs/architecture.md): the
        // professional's sign-in, the patient's identity (INS, traits) read on the page, health data.
        data_collection_permissions: {
          required: ['authenticationInfo', 'healthInfo', 'personallyIdentifyingInfo', 'websiteContent'],
        },
      },
      gecko_android: { strict_min_version: '142.0' },
    },
  };
}

/**
 * crxjs makes a `?script` content script web-accessible to every page; registered content scripts
 * do not need that, and it would let any site detect the extension. Only the panel stays exposed.
 */
function onlyPanelWebAccessible(outDir: string): Plugin {
  return {
    name: 'passerelle:only-panel-web-accessible',
    apply: 'build',
    closeBundle() {
      const file = resolve(outDir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        web_accessible_resources: { resources: string[] }[];
      };
      // Resource by resource: Firefox's build merges the content script's entry with the panel's
      // (same keys without `use_dynamic_url`), and dropping whole entries dropped the panel too.
      manifest.web_accessible_resources = manifest.web_accessible_resources
        .map((entry) => ({ ...entry, resources: entry.resources.filter((r) => !r.startsWith('src/content/')) }))
        .filter((entry) => entry.resources.length > 0);
      writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}

export default defineConfig(({ mode }) => {
  const target = mode === 'firefox' ? 'firefox' : 'chrome';
  return {
    plugins: [
      preact(),
      crx({
        manifest: manifestFor(target) as ManifestV3Export,
        browser: target,
        contentScripts: { standaloneFiles: ['src/content/content-script.ts'] },
      }),
      onlyPanelWebAccessible(resolve(import.meta.dirname, `dist/${target}`)),
    ],
    build: {
      outDir: `dist/${target}`,
      emptyOutDir: true,
      sourcemap: false,
      rolldownOptions: {
        input: {
          panel: resolve(import.meta.dirname, 'src/panel/index.html'),
          options: resolve(import.meta.dirname, 'src/options/index.html'),
          report: resolve(import.meta.dirname, 'src/report/index.html'),
          secretariat: resolve(import.meta.dirname, 'src/secretariat/index.html'),
          document: resolve(import.meta.dirname, 'src/document/index.html'),
          review: resolve(import.meta.dirname, 'src/review/index.html'),
          breakGlass: resolve(import.meta.dirname, 'src/break-glass/index.html'),
        },
      },
    },
  };
});
