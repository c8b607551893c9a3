/**
 * Saving a page of real software for the corpus as the browser rendered it: its DOM after its own
 * scripts ran, its stylesheets inlined (visibility depends on them), its scripts removed (the saved
 * page must not run anything when the corpus test opens it), and a comment naming where it came
 * from. Used by the capture scripts beside this file; never by CI.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'puppeteer-core';
export { launchPlain } from '../../e2e/browser.ts';

/**
 * Saves the page; its inlined styles go to `sharedCss` beside it (one stylesheet for all the
 * pages of one software, linked from each), so that the corpus does not repeat it per page.
 */
export async function savePage(page: Page, file: string, origin: string, sharedCss?: string): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  const html = await page.evaluate(() => {
    const css = [...document.styleSheets]
      .map((sheet) => {
        try {
          return [...sheet.cssRules].map((r) => r.cssText).join('\n');
        } catch {
          return '';
        }
      })
      .join('\n');
    const copy = document.documentElement.cloneNode(true) as HTMLElement;
    copy
      .querySelectorAll('script, base, link[rel~="stylesheet"], style, link[rel~="preload"], link[rel~="icon"]')
      .forEach((e) => e.remove());
    copy.querySelectorAll('iframe').forEach((f) => f.removeAttribute('src'));
    copy.querySelectorAll('[onload],[onclick],[onerror]').forEach((e) => {
      for (const a of ['onload', 'onclick', 'onerror']) e.removeAttribute(a);
    });
    const style = document.createElement('style');
    style.id = 'saved-style';
    copy.querySelector('head')?.append(style);
    return { css: css.replace(/url\([^)]*\)/g, 'none'), html: `<!doctype html>\n${copy.outerHTML}` };
  });
  let out = html.html.replace(
    '<head>',
    `<head>\n<!-- Saved from ${origin} (synthetic patients only) by test/corpus/capture. -->`,
  );
  if (sharedCss) {
    writeFileSync(join(dirname(file), sharedCss), html.css);
    out = out.replace('<style id="saved-style"></style>', `<link rel="stylesheet" href="${sharedCss}">`);
  } else {
    out = out.replace('<style id="saved-style"></style>', `<style>${html.css}</style>`);
  }
  writeFileSync(file, out);
}
