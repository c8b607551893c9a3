/**
 * The corpus's faithful reproductions, for software that cannot run here: Zimbra's and Outlook on
 * the web's mail views (their landmarks as `src/adapters/*` documents them), two hospital record
 * (DPI) banners of different makes, and plain-text letters as the browser shows a `.txt` file.
 * Synthetic (demo) patients only. Writes each page and its expected result:
 *   node test/corpus/capture/reproductions.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Expected, ExpectedPatient } from '../corpus.ts';

const out = join(import.meta.dirname, '../pages');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function write(family: string, name: string, html: string, expected: Omit<Expected, 'origin'>) {
  mkdirSync(join(out, family), { recursive: true });
  writeFileSync(join(out, family, `${name}.html`), html);
  writeFileSync(
    join(out, family, `${name}.json`),
    `${JSON.stringify({ origin: 'reproduction', ...expected }, null, 2)}\n`,
  );
}

const P = (ins: string, traits: ExpectedPatient['traits'] = {}, status?: 'wrong-key'): ExpectedPatient => ({
  ins,
  ...(status ? { status } : {}),
  traits,
});
const NGUYEN = P('192077505632164', { birthName: 'NGUYEN', givenName: 'Thomas', birthDate: '1992-07-18', sex: 'male' });
const GIRARD = P('279035121518989', {
  birthName: 'GIRARD',
  givenName: 'Camille',
  birthDate: '1979-03-22',
  sex: 'female',
});
const BERNARD = P('184126912304531', {
  birthName: 'BERNARD',
  givenName: 'Lucas',
  birthDate: '1984-12-03',
  sex: 'male',
});

// Zimbra Collaboration, classic Ajax client: the shell, the list, ZmMailMsgView.
const zimbra = (subject: string, list: string, body: string) => `<!doctype html>
<!-- Zimbra Collaboration 9/10 classic web client, reproduced (ZmMailListView / ZmMailMsgView markup). Synthetic patients. -->
<html lang="fr"><head><meta charset="utf-8"><title>Zimbra: Réception</title>
<style>.MsgBody-text{white-space:pre-wrap;font-family:monospace}.ZmConvListFragment{color:#777}</style></head>
<body class="user_font_system"><div id="skin_outer" class="skin_layout"><div id="z_shell" class="DwtShell">
<div id="zv__CLV-main" class="ZmConvDoublePaneView">
<div id="zl__CLV-main" class="DwtListView ZmMailListView" role="listbox" aria-label="Liste des messages">${list}</div>
<div id="zv__CLV-main__MSG" class="ZmMailMsgView" role="region" aria-label="Message">
<div class="MsgHeader"><table class="MsgHeaderTable" role="presentation"><tbody>
<tr><td class="SubjectCol LabelColName">${esc(subject)}</td><td class="DateCol">24 novembre 2026 09:12</td></tr>
<tr><td class="LabelColName">De :</td><td class="LabelColValue"><span class="addrBubble">Dr Hélène ROUSSEAU</span></td></tr>
</tbody></table></div>
<div class="MsgBody MsgBody-text">${body}</div>
</div></div></div></div></body></html>
`;
const listRow = (from: string, fragment: string) =>
  `<div class="Row RowDouble" role="option"><table class="BottomRow"><tbody><tr><td class="ZmMsgListColSubject">${esc(from)}<span class="ZmConvListFragment"> - ${esc(fragment)}</span></td></tr></tbody></table></div>`;

write(
  'zimbra',
  'zimbra-plain-text-discordant-sex',
  zimbra(
    'Avis cardiologique',
    listRow('Laboratoire', 'Résultats - INS 2 79 03 51 215 189 89, bilan du 20/11/2026'),
    esc(
      'Chère consœur,\n\nje revois ce jour votre patient\n  M. NGUYEN Thomas, né le 18/07/1992\n  Sexe : F\n  Matricule INS : 192077505632164\n\nBien confraternellement,\nDr Hélène ROUSSEAU',
    ),
  ),
  {
    software: 'Zimbra Collaboration classic client (reproduction)',
    shape: 'plain-text body; the message list previews another patient (never read); a discordant sex',
    patients: [{ ...NGUYEN, traits: { ...NGUYEN.traits, sex: 'female' } }],
    shareCodes: [],
  },
);
write(
  'zimbra',
  'zimbra-html-quoted-reply',
  zimbra(
    'RE: Patiente GIRARD',
    listRow('Dr Anne LEROY', 'RE: Patiente GIRARD'),
    `<div>Merci pour votre retour, je la reverrai dans un mois.</div><blockquote><div>Nom de naissance : GIRARD</div><div>Prénom(s) : Camille Anne</div><div>Date de naissance : 22/03/1979 — Sexe : F</div><div>INS : 2 79 03 51 215 189 89</div></blockquote>`,
  ),
  {
    software: 'Zimbra Collaboration classic client (reproduction)',
    shape: 'HTML reply quoting the labelled traits',
    patients: [GIRARD],
    shareCodes: [],
  },
);

// Outlook on the web: #ReadingPaneContainerId, its heading and the "Corps du message" region.
const outlook = (subject: string, body: string) => `<!doctype html>
<!-- Outlook on the web (reading pane landmarks: #ReadingPaneContainerId, role=heading, "Corps du message"), reproduced. Synthetic patients. -->
<html lang="fr"><head><meta charset="utf-8"><title>Courrier - Julien MOREAU - Outlook</title></head>
<body><div id="MainModule">
<div data-app-section="MessageList" role="region" aria-label="Liste de messages"><div role="listbox" aria-label="Boîte de réception">
<div role="option" aria-selected="true">Pr Claire DURAND · ${esc(subject)}</div>
<div role="option">Secrétariat · Patient INS 1 84 12 69 123 045 31, rendez-vous</div></div></div>
<div id="ReadingPaneContainerId" role="main" aria-label="Volet de lecture">
<div role="heading" aria-level="2"><span class="_subject">${esc(subject)}</span></div>
<div aria-label="Corps du message" class="_body">${body}</div>
</div></div></body></html>
`;
write(
  'outlook',
  'outlook-html-letter',
  outlook(
    'Avis neurologique',
    `<p>Cher confrère,</p><p>Votre patient M. BERNARD Lucas Pierre, né le 3 décembre 1984 (INS 1 84 12 69 123 045 31), a été vu ce jour.</p><p>Pr Claire DURAND</p>`,
  ),
  {
    software: 'Outlook on the web (reproduction)',
    shape: 'running text with civility and a written date; the list previews another INS',
    patients: [BERNARD],
    shareCodes: [],
  },
);
write(
  'outlook',
  'outlook-signature-hidden-ins',
  outlook(
    'Compte rendu',
    `<p>Compte rendu de Mme GIRARD Camille, née le 22/03/1979, INS : 2 79 03 51 215 189 89.</p><p style="font-size:0">INS : 1 92 07 75 056 321 64</p><p style="color:transparent">Patient : NGUYEN Thomas</p>`,
  ),
  {
    software: 'Outlook on the web (reproduction)',
    shape: 'another patient in zero-size and transparent text',
    patients: [
      { ...GIRARD, traits: { birthName: 'GIRARD', givenName: 'Camille', birthDate: '1979-03-22', sex: 'female' } },
    ],
    shareCodes: [],
  },
);

// DPI A: a banner without any class the heuristics know, labelled in French, with the stay below.
const dpiA = (banner: string, rest: string) => `<!doctype html>
<!-- A hospital record (DPI) of make A: header bar, patient strip (no "banner" class), stay. Reproduction; synthetic patients. -->
<html lang="fr"><head><meta charset="utf-8"><title>Dossier de soins</title>
<style>.strip{display:flex;gap:2em;background:#1d3557;color:#fff;padding:.5em}.strip span b{font-weight:600}</style></head>
<body><header class="app-top">DPI · Service de médecine interne · Dr Julien MOREAU</header>
<div class="strip">${banner}</div><main>${rest}</main></body></html>
`;
write(
  'dpi-a',
  'dpi-a-labelled-strip',
  dpiA(
    '<span><b>Nom de naissance</b> GIRARD</span><span><b>Prénom</b> Camille</span><span><b>Né(e) le</b> 22/03/1979</span><span><b>Sexe</b> F</span><span><b>INS</b> 279035121518989</span>',
    '<p>Entrée le 20/11/2026 — chambre 12.</p>',
  ),
  {
    software: 'hospital record, make A (reproduction)',
    shape: 'labels and values in adjacent elements of a strip with no banner class',
    patients: [GIRARD],
    shareCodes: [],
  },
);
write(
  'dpi-a',
  'dpi-a-unlabelled-strip',
  dpiA(
    '<span>NGUYEN Thomas</span><span>18/07/1992 (34 ans)</span><span>M</span><span>1 92 07 75 056 321 64</span>',
    '<p>Consultation du 24/11/2026.</p><p>Prochain rendez-vous le 12/01/2027.</p>',
  ),
  {
    software: 'hospital record, make A (reproduction)',
    shape: 'unlabelled compact strip: name, birth date with age, sex, bare INS (valid key)',
    patients: [NGUYEN],
    shareCodes: [],
  },
);

// DPI B: a single-page record keeping the previous patient's view hidden, banner as one line.
const dpiB = (current: string, hidden: string) => `<!doctype html>
<!-- A hospital record (DPI) of make B, single-page: each patient a view, the previous one kept hidden. Reproduction; synthetic patients. -->
<html lang="fr"><head><meta charset="utf-8"><title>DPI</title>
<style>.view{display:none}.view.active{display:block}.pt{font:14px sans-serif;border-bottom:1px solid #ccc}</style></head>
<body><nav>Accueil · Mes patients · Agenda</nav>
<section class="view">${hidden}</section><section class="view active">${current}</section></body></html>
`;
const lineB = (s: string) => `<div class="pt">${s}</div><p>Observations du jour.</p>`;
write(
  'dpi-b',
  'dpi-b-previous-patient-hidden',
  dpiB(
    lineB('BERNARD Lucas Pierre · né le 03/12/1984 · M · INS 1 84 12 69 123 045 31'),
    lineB('NGUYEN Thomas · né le 18/07/1992 · M · INS 1 92 07 75 056 321 64'),
  ),
  {
    software: 'hospital record, make B (reproduction)',
    shape: 'the previous patient kept hidden in the document',
    patients: [BERNARD],
    shareCodes: [],
  },
);
write(
  'dpi-b',
  'dpi-b-dicom-style',
  dpiB(lineB('GIRARD^CAMILLE ANNE · DDN 22/03/1979 · Sexe F · INS-NIR 279035121518989'), ''),
  {
    software: 'hospital record, make B (reproduction)',
    shape: 'DICOM-style name in a one-line banner',
    patients: [{ ...GIRARD, traits: { ...GIRARD.traits, givenName: 'CAMILLE' } }],
    shareCodes: [],
  },
);

// Plain-text letters, as Chromium shows a text/plain document (one <pre>).
const text = (body: string) =>
  `<!doctype html>\n<!-- A text/plain letter as Chromium renders it (one pre). Synthetic patient. -->\n<html><head><meta name="color-scheme" content="light dark"></head><body><pre style="word-wrap: break-word; white-space: pre-wrap;">${esc(body)}</pre></body></html>\n`;
const filler = Array.from(
  { length: 14 },
  (_, i) => `${i + 1}. Surveillance clinique et biologique sans particularité ce jour-là, traitement poursuivi.`,
).join('\n');
write(
  'text-letter',
  'text-letter-long-name-at-end',
  text(
    `LETTRE DE LIAISON\n\nINS : 2 79 03 51 215 189 89\n\n${filler}\n\nPatiente : Mme GIRARD Camille, née le 22/03/1980.\n`,
  ),
  {
    software: 'text/plain letter in Chromium',
    shape: 'long letter: INS at the top, identity at the end (a discordant year)',
    patients: [{ ...GIRARD, traits: { ...GIRARD.traits, birthDate: '1980-03-22' } }],
    shareCodes: [],
  },
);
write(
  'text-letter',
  'text-letter-two-patients',
  text(
    'Staff du 24/11/2026\n\n- M. NGUYEN Thomas, né le 18/07/1992, INS 1 92 07 75 056 321 64 : sortie prévue.\n\n- M. BERNARD Lucas, né le 03/12/1984, INS 1 84 12 69 123 045 31 : à revoir.\n',
  ),
  {
    software: 'text/plain letter in Chromium',
    shape: 'two patients in one text: each keeps its own traits',
    patients: [NGUYEN, BERNARD],
    shareCodes: [],
  },
);
