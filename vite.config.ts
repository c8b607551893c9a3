/**
 * Extension build: `vite build --mode chrome` → dist/chrome, `--mode firefox` → dist/firefox,
 * both from the top-level manifest.json (the Firefox variant is derived here).
 */
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import baseManifest from './manifest.json' with { type: 'json' };
import { FIREFOX_EXTENSION_ID } from './src/core/platform.ts';

export function manifestFor(target: 'chrome' | 'firefox') {
  if (target === 'chrome') return baseManifest;
  // Firefox: an event page instead of a service worker, a gecko id, no Chrome-only keys.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { key, minimum_chrome_version, background, ...rest } = baseManifest;
  return {
    ...rest,
    background: { scripts: [background.service_worker], type: background.type },
    browser_specific_settings: { gecko: { id: FIREFOX_EXTENSION_ID, strict_min_version: '128.0' } },
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
        contentScripts: { standaloneFiles: ['src/content/index.ts'] },
      }),
    ],
    build: {
      outDir: `dist/${target}`,
      emptyOutDir: true,
      sourcemap: false,
      rolldownOptions: {
        input: {
          panel: resolve(import.meta.dirname, 'src/panel/index.html'),
          options: resolve(import.meta.dirname, 'src/options/index.html'),
        },
      },
    },
  };
});
