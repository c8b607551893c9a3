/**
 * Captures the corpus's Roundcube pages from a real Roundcube (Debian's `roundcube-core`, elastic
 * skin, French) reading the messages of `messages.ts` from a real Dovecot: each message opened
 * full page (`_action=show`) and in the reading pane frame (`_action=preview`). See README.md.
 *   node test/corpus/capture/roundcube.ts http://127.0.0.1:8081 julien.moreau demo
 */
import { join } from 'node:path';
import { MESSAGES } from './messages.ts';
import { launchPlain, savePage } from './save-page.ts';

const [base = 'http://127.0.0.1:8081', user = 'julien.moreau', password = 'demo'] = process.argv.slice(2);
const out = join(import.meta.dirname, '../pages/roundcube');
const browser = await launchPlain();
const page = await browser.newPage();
await page.goto(base, { waitUntil: 'networkidle0' });
await page.type('#rcmloginuser', user);
await page.type('#rcmloginpwd', password);
await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('#rcmloginsubmit')]);
for (let uid = 1; uid <= MESSAGES.length; uid++) {
  for (const action of ['show', 'preview'] as const) {
    await page.goto(`${base}/?_task=mail&_action=${action}&_uid=${uid}&_mbox=INBOX`, { waitUntil: 'networkidle0' });
    const subject = await page.evaluate(
      () => document.querySelector('.subject, h2.subject')?.textContent ?? document.title,
    );
    const message = MESSAGES.find((m) => subject.includes(m.subject));
    if (!message) throw new Error(`no message for uid ${uid}: ${subject}`);
    if (action === 'preview' && uid % 3 !== 1) continue; // a few reading-pane frames are enough
    await savePage(
      page,
      join(out, `${message.id}${action === 'preview' ? '.preview' : ''}.html`),
      `Roundcube 1.6.5 ${action}`,
      'elastic.css',
    );
    process.stdout.write(`${action} ${uid} ${message.id}\n`);
  }
}
await browser.close();
