/**
 * Captures the corpus's Orthanc Explorer pages from a real Orthanc (Debian's `orthanc` 1.10)
 * holding synthetic studies made with DCMTK's `dump2dcm` (README.md): each patient's page, each
 * study's page, and the patient list shown after a patient (jQuery Mobile keeps the patient's page,
 * hidden, in the document).
 *   node test/corpus/capture/orthanc.ts http://127.0.0.1:8042
 */
import { join } from 'node:path';
import { launchPlain, savePage } from './save-page.ts';

const [base = 'http://127.0.0.1:8042'] = process.argv.slice(2);
const out = join(import.meta.dirname, '../pages/orthanc');
const patients = (await (await fetch(`${base}/patients?expand`)).json()) as {
  ID: string;
  MainDicomTags: { PatientName: string };
  Studies: string[];
}[];
const browser = await launchPlain();
const page = await browser.newPage();
const slug = (name: string) => name.split('^')[0]!.toLowerCase();
const show = async (hash: string, selector: string) => {
  await page.goto(`${base}/app/explorer.html#${hash}`, { waitUntil: 'networkidle0' });
  await page.waitForSelector(selector, { visible: true });
};
for (const p of patients) {
  const name = slug(p.MainDicomTags.PatientName);
  await show(`patient?uuid=${p.ID}`, '#patient.ui-page-active');
  await savePage(page, join(out, `orthanc-patient-${name}.html`), 'Orthanc Explorer 1.10.1, patient', 'orthanc.css');
  await show(`study?uuid=${p.Studies[0]}`, '#study.ui-page-active');
  await savePage(page, join(out, `orthanc-study-${name}.html`), 'Orthanc Explorer 1.10.1, study', 'orthanc.css');
}
// The list after a patient: the patient's page is still in the document, hidden.
await show(`patient?uuid=${patients[0]!.ID}`, '#patient.ui-page-active');
await page.evaluate(() => {
  location.hash = '#lookup';
});
await page.waitForSelector('#lookup.ui-page-active', { visible: true });
await savePage(page, join(out, 'orthanc-lookup-after-patient.html'), 'Orthanc Explorer 1.10.1, lookup', 'orthanc.css');
await browser.close();
