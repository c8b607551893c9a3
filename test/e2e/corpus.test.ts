/**
 * The detection corpus (issue 14), in Chromium: every saved page read exactly as the content script
 * reads it (visible text only). On at least 95 % of the pages every printed trait is read and
 * nothing is invented; on none does the panel say the traits agree when the page does not show
 * enough to compare (or shows something else).
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPrinted, compare, expectedPages, scanBundle, scanner, verdictOf, type Findings } from '../corpus/corpus.ts';
import { launchPlain } from './browser.ts';

const pages = expectedPages();
let browser: Browser;
const results = new Map<string, { found: Findings; problems: string[] }>();

beforeAll(async () => {
  const bundle = await scanBundle();
  browser = await launchPlain();
  const scan = scanner(browser, bundle);
  for (const page of pages) {
    const found = await scan(page.file);
    results.set(`${page.family}/${page.name}`, { found, problems: compare(page.expected, found) });
  }
});
afterAll(() => browser?.close());

describe('detection corpus', () => {
  it('holds at least 40 pages across at least 8 software families, real ones among them', () => {
    expect(pages.length).toBeGreaterThanOrEqual(40);
    expect(new Set(pages.map((p) => p.family)).size).toBeGreaterThanOrEqual(8);
    expect(pages.filter((p) => p.expected.origin === 'real').length).toBeGreaterThanOrEqual(20);
  });

  it('reads every printed trait, and invents nothing, on at least 95 % of the pages', () => {
    const failed = [...results].filter(([, r]) => r.problems.length > 0);
    const report = failed.map(([name, r]) => `${name}: ${r.problems.join('; ')}`).join('\n');
    expect((pages.length - failed.length) / pages.length, report).toBeGreaterThanOrEqual(0.95);
  });

  it('never gives "concordent" unless the printed traits allow it', () => {
    for (const page of pages) {
      const { found } = results.get(`${page.family}/${page.name}`)!;
      for (const patient of found.patients) {
        if (verdictOf(patient) !== 'agree') continue;
        const printed = page.expected.patients.find((e) => e.ins === patient.ins?.value);
        expect(printed && verdictOf(asPrinted(printed)), `${page.family}/${page.name}`).toBe('agree');
      }
    }
  });
});
