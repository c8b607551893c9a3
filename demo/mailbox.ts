/**
 * The demo webmail's mailbox (issue 7): the MSSanté-style messages the platform wrote into
 * `MAILBOX_DIR` (share codes sent to the prescriber), shown as Roundcube shows mail (elastic skin
 * landmarks: `body.task-mail`, `#messagelist`, `#message-header`, `#messagebody`), newest first;
 * `?m=<file>` opens one in the reading pane. Only what the demo needs of RFC 5322: headers with
 * RFC 2047 encoded words, a UTF-8 text body.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../server/html.ts';

interface Mail {
  file: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  body: string;
}

const decodeWords = (value: string) =>
  value.replace(/=\?UTF-8\?B\?([^?]+)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

function parse(file: string, eml: string): Mail {
  const [head = '', ...rest] = eml.split(/\r?\n\r?\n/);
  const headers = new Map(
    head.split(/\r?\n/).map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).toLowerCase(), decodeWords(line.slice(at + 1).trim())] as const;
    }),
  );
  return {
    file,
    from: headers.get('from') ?? '',
    to: headers.get('to') ?? '',
    subject: headers.get('subject') ?? '(sans objet)',
    date: headers.get('date') ?? '',
    body: rest.join('\n\n').replace(/\r\n/g, '\n'),
  };
}

async function mails(dir: string): Promise<Mail[]> {
  const files = (await readdir(dir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .reverse();
  return Promise.all(files.map(async (f) => parse(f, await readFile(join(dir, f), 'utf8'))));
}

export async function mailboxPage(dir: string, open: string | null): Promise<string> {
  const all = await mails(dir);
  const shown = all.find((m) => m.file === open) ?? all[0];
  const list = all
    .map(
      (m) => `<tr class="message${m === shown ? ' selected' : ''}"><td><a href="?m=${encodeURIComponent(m.file)}">
        <span class="from">${escapeHtml(m.from)}</span><br /><span class="subject">${escapeHtml(m.subject)}</span></a></td></tr>`,
    )
    .join('');
  const reading = shown
    ? `<div id="message-header"><h2 class="subject">${escapeHtml(shown.subject)}</h2>
        <dl><dt>De</dt><dd>${escapeHtml(shown.from)}</dd><dt>À</dt><dd>${escapeHtml(shown.to)}</dd><dt>Date</dt><dd>${escapeHtml(shown.date)}</dd></dl></div>
       <div id="messagebody"><div class="message-part"><pre>${escapeHtml(shown.body)}</pre></div></div>`
    : '<p class="empty">Aucun message.</p>';
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8" /><title>Messagerie MSSanté (démo) — Boîte de réception</title>
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1d2733; display: grid; grid-template-columns: 340px 1fr; height: 100vh; }
  #messagelist { border-right: 1px solid #d6dde4; overflow: auto; width: 100%; border-collapse: collapse; }
  #messagelist td { padding: 10px 12px; border-bottom: 1px solid #eef1f4; }
  #messagelist a { color: inherit; text-decoration: none; }
  #messagelist .selected { background: #eaf3fb; }
  .from { font-weight: 600; }
  main { padding: 20px 28px; overflow: auto; }
  #message-header dt { float: left; width: 60px; color: #5b6875; }
  #message-header dd { margin: 0 0 4px 70px; }
  #messagebody pre { font: inherit; white-space: pre-wrap; border-top: 1px solid #d6dde4; padding-top: 12px; }
</style></head>
<body class="task-mail action-show">
  <aside><table id="messagelist" aria-label="Messages"><tbody>${list}</tbody></table></aside>
  <main aria-label="Message">${reading}</main>
</body></html>`;
}
