/**
 * `npm run bench`: the extension's cost on a large host page, in one Chromium run.
 * A webmail page with 10 000 messages is loaded alternately by a profile without the extension
 * one with a bare extension (an empty content script on the same hosts: the cost of having any
 * extension at all) and one with Passerelle; we compare load time and main-thread time (medians),
 * count long tasks, and report the content script's size. Not a test: it prints numbers for BENCHMARKS.md, it fails
 * nothing. Run `npm run build` first.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import puppeteer, { type Browser } from 'puppeteer-core';
import { chromePath, CHROMIUM_ARGS, DIST, enableSite } from '../test/e2e/browser.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const MESSAGES = 10_000;

function bigWebmail(): string {
  const rows = Array.from(
    { length: MESSAGES },
    (_, i) =>
      `<article><div class="from">Expéditeur ${i}</div><div>Objet du message ${i}</div><small>0${i % 10}/11/2026</small></article>`,
  ).join('');
  const message = readFileSync('demo/pages/webmail.html', 'utf8').match(/<main[\s\S]*<\/main>/)![0];
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Boîte de réception</title></head><body><section>${rows}</section>${message}</body></html>`;
}

function bareExtension(): string {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-bare-'));
  const manifest = {
    manifest_version: 3,
    name: 'bare',
    version: '1',
    content_scripts: [{ matches: ['http://127.0.0.1/*'], js: ['c.js'], run_at: 'document_idle' }],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'c.js'), '');
  return dir;
}

/** A browser without extension, with one, or with Passerelle enabled on `site` as a user does. */
async function launch(extension?: string, site?: string): Promise<Browser> {
  const browser = await puppeteer.launch({
    headless: true,
    executablePath: chromePath(),
    pipe: true,
    enableExtensions: Boolean(extension),
    args: CHROMIUM_ARGS,
  });
  const id = extension ? await browser.installExtension(extension) : undefined;
  if (id && site) {
    await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${id}/`),
    );
    await enableSite(browser, id, site);
  }
  return browser;
}

interface Sample {
  loadMs: number;
  taskMs: number;
  longTasks: number;
}

async function sample(browser: Browser, url: string, withExtension: boolean): Promise<Sample> {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { __long: number };
    w.__long = 0;
    new PerformanceObserver((list) => (w.__long += list.getEntries().length)).observe({
      type: 'longtask',
      buffered: true,
    });
  });
  await page.goto(url, { waitUntil: 'load' });
  if (withExtension) await page.waitForSelector('passerelle-launcher', { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 300)); // let idle work finish
  const metrics = await page.metrics();
  const { loadMs, longTasks } = await page.evaluate(() => ({
    loadMs: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
    longTasks: (window as unknown as { __long: number }).__long,
  }));
  await page.close();
  return { loadMs, taskMs: (metrics.TaskDuration ?? 0) * 1000, longTasks };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The same page twice: as a webmail whose reading pane is recognised (only the open message is
// read, `src/adapters/message-view`), and with that marker removed (the whole page is read).
const pages = {
  'reading pane recognised': bigWebmail(),
  'unknown layout (whole page read)': bigWebmail().replace('aria-label="Message"', ''),
};
const server = createServer((req, res) =>
  res
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    .end(req.url === '/unknown' ? pages['unknown layout (whole page read)'] : pages['reading pane recognised']),
);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const urls = { 'reading pane recognised': `${origin}/`, 'unknown layout (whole page read)': `${origin}/unknown` };

const [plain, bare, extended] = await Promise.all([launch(), launch(bareExtension()), launch(DIST, origin)]);
type Runs = { without: Sample[]; withBare: Sample[]; withExt: Sample[] };
const results = new Map<string, Runs>();
try {
  for (const [name, url] of Object.entries(urls)) {
    const runs: Runs = { without: [], withBare: [], withExt: [] };
    for (let i = 0; i < RUNS; i++) {
      runs.without.push(await sample(plain, url, false));
      runs.withBare.push(await sample(bare, url, false));
      runs.withExt.push(await sample(extended, url, true));
    }
    results.set(name, runs);
  }
} finally {
  await Promise.all([plain.close(), bare.close(), extended.close()]);
  server.close();
}

const content = readFileSync(`${DIST}/src/content/content-script.js`);
const total = (xs: Sample[]) => xs.reduce((n, s) => n + s.longTasks, 0);
const table = (name: string, { without, withBare, withExt }: Runs) => {
  const row = (measure: string, pick: (s: Sample) => number) => {
    const [a, b, c] = [without, withBare, withExt].map((xs) => median(xs.map(pick)));
    return `| ${measure} | ${a!.toFixed(1)} | ${b!.toFixed(1)} | ${c!.toFixed(1)} | ${(c! / a!).toFixed(3)} | ${(c! / b!).toFixed(3)} |`;
  };
  return `### ${name}

| measure | no extension | bare extension | Passerelle | Passerelle / none | Passerelle / bare |
| --- | --- | --- | --- | --- | --- |
${row('load event (ms)', (s) => s.loadMs)}
${row('main-thread task time (ms)', (s) => s.taskMs)}
| long tasks (> 50 ms), total over runs | ${total(without)} | ${total(withBare)} | ${total(withExt)} | | |`;
};
console.log(`
Host page: webmail with ${MESSAGES} messages, ${(pages['reading pane recognised'].length / 1024).toFixed(0)} KiB; ${RUNS} alternated loads each; medians.

${[...results].map(([name, runs]) => table(name, runs)).join('\n\n')}

Content script: ${content.length} bytes, ${gzipSync(content).length} bytes gzip.
`);
