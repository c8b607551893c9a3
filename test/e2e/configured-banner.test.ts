/**
 * A DPI banner read through configured selectors, in Chromium (issue 14): the first banner the
 * user can see, never a hidden one left by a single-page DPI; names parsed by the name reader.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DpiProfile } from '../../src/core/protocol.ts';
import { scanBundle, type Findings } from '../corpus/corpus.ts';
import { launchPlain } from './browser.ts';

let browser: Browser;
let bundle: string;
beforeAll(async () => {
  [bundle, browser] = await Promise.all([scanBundle(), launchPlain()]);
});
afterAll(() => browser?.close());

const profile = (selectors: DpiProfile['selectors']): DpiProfile => ({
  name: 'DPI',
  urlPrefix: 'http://127.0.0.1/',
  selectors,
});

async function scan(html: string, profiles: DpiProfile[]): Promise<Findings> {
  const page: Page = await browser.newPage();
  try {
    await page.setContent(html);
    await page.addScriptTag({ content: bundle });
    return (await page.evaluate(
      (p) => (globalThis as unknown as { passerelleScan: (p: unknown) => unknown }).passerelleScan(p),
      profiles,
    )) as Findings;
  } finally {
    await page.close();
  }
}

const view = (name: string, ins: string, date: string, hidden = false) =>
  `<section class="pt"${hidden ? ' style="display:none"' : ''}><b class="nm">${name}</b> <i class="dob">${date}</i> <code class="id">${ins}</code></section>`;

describe('configured DPI banner', () => {
  it('reads the banner the user sees, not the previous patient’s kept hidden', async () => {
    const found = await scan(
      `${view('NGUYEN Thomas', '192077505632164', '18/07/1992', true)}${view('BERNARD Lucas Pierre', '184126912304531', '03/12/1984')}`,
      [profile({ ins: '.id', displayName: '.nm', birthDate: '.dob' })],
    );
    expect(found.patients.map((p) => p.ins?.value)).toEqual(['184126912304531']);
    expect(found.patients[0]).toMatchObject({
      familyName: 'BERNARD',
      givenNames: 'Lucas Pierre',
      birthDate: '1984-12-03',
    });
  });

  it('parses a whole name under the birth-name selector: no false birth-name alarm', async () => {
    for (const [printed, family, given] of [
      ['Lucas Pierre BERNARD', 'BERNARD', 'Lucas Pierre'],
      ['DUBOIS^LEA', 'DUBOIS', 'LEA'],
    ] as const) {
      const found = await scan(view(printed, '184126912304531', '03/12/1984'), [
        profile({ ins: '.id', familyName: '.nm' }),
      ]);
      expect(found.patients[0]).toMatchObject({ familyName: family, givenNames: given });
    }
  });
});
