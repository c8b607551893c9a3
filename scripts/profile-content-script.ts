/**
 * Where the content script spends its time on a recognised webmail page: a CPU profile (CDP
 * `Profiler`, 0.1 ms sampling) of five reloads of the bench's 10 000-message page, keeping only
 * the extension's own JavaScript (its isolated world). Prints self time per load and the top
 * functions (minified names: map them with the build's output). Not a test; run after a build:
 * `npm run build && npm run profile:content`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launch } from '../test/e2e/browser.ts';

const rows = Array.from(
  { length: 10000 },
  (_, i) =>
    `<article><div class="from">Expéditeur ${i}</div><div>Objet du message ${i}</div><small>0${i % 10}/11/2026</small></article>`,
).join('');
const message = readFileSync('demo/pages/webmail.html', 'utf8').match(/<main[\s\S]*<\/main>/)![0];
const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>B</title></head><body><section>${rows}</section>${message}</body></html>`;
const server = createServer((_req, res) =>
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const h = await launch();
const page = await h.browser.newPage();
await page.goto(url);
await page.waitForSelector('passerelle-launcher');
const cdp = await page.createCDPSession();
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
const totals = new Map<string, number>();
for (let run = 0; run < 5; run++) {
  await cdp.send('Profiler.start');
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('passerelle-launcher');
  await new Promise((r) => setTimeout(r, 500));
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  profile.samples?.forEach((id, i) => {
    const n = byId.get(id)!;
    const u = n.callFrame.url;
    if (!u.startsWith('chrome-extension://')) return;
    const key = `${n.callFrame.functionName || '(anon)'}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
    totals.set(key, (totals.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
}
const all = [...totals.entries()].sort((a, b) => b[1] - a[1]);
console.log('extension self time per load (ms):', (all.reduce((s, [, v]) => s + v, 0) / 5).toFixed(1));
for (const [k, v] of all.slice(0, 15)) console.log((v / 5).toFixed(2).padStart(7), k);
await h.close();
server.close();
process.exit(0);
