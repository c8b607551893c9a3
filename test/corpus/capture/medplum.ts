/**
 * Captures the corpus's Medplum pages: Medplum's own chart components (`@medplum/react` 5.2:
 * `PatientHeader`, `PatientSummary`, `ResourceTable`) rendering French patients (INS under
 * `urn:oid:1.2.250.1.213.1.4.8`) from a `MockClient`, built by the small app in `medplum-app/`
 * (README.md says how) and served at the given address.
 *   node test/corpus/capture/medplum.ts http://127.0.0.1:5199
 */
import { join } from 'node:path';
import { launchPlain, savePage } from './save-page.ts';

const [base = 'http://127.0.0.1:5199'] = process.argv.slice(2);
const out = join(import.meta.dirname, '../pages/medplum');
const views: [string, string][] = [
  ['nguyen', 'header'],
  ['girard', 'header'],
  ['bernard', 'header'],
  ['dubois', 'header'],
  ['nguyen', 'table'],
  ['girard', 'table'],
  ['bernard', 'summary'],
  ['dubois', 'summary'],
];
const browser = await launchPlain();
const page = await browser.newPage();
for (const [patient, view] of views) {
  await page.goto(`${base}/?p=${patient}&view=${view}`, { waitUntil: 'networkidle0' });
  await page.waitForFunction((family) => document.body.innerText.includes(family), {}, patient.toUpperCase());
  await savePage(page, join(out, `medplum-${view}-${patient}.html`), `@medplum/react 5.2.13 ${view}`, 'medplum.css');
}
await browser.close();
