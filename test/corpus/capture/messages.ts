/**
 * The messages behind the corpus's Roundcube pages: synthetic patients (the demo's INS, OID
 * `1.2.250.1.213.1.4.11` family), each message a shape seen on real mail — subject and body read
 * apart, long letters, names in running text, key/value tables without a header row, text hidden
 * from the reader. `writeMaildir(dir)` writes them as a Maildir for Dovecot (see README.md here).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSymbol, formatCode } from '../../../src/core/share-code.ts';

const code = (data: string) => formatCode(data + checkSymbol(data));
export const VISIBLE_CODE = code('7Q2M4K8RT3VX');
export const HIDDEN_CODE = code('9H4J6N2PW5ZB');

const filler = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `Paragraphe ${i + 1}. Évolution clinique favorable sous traitement ; surveillance des constantes, bilan biologique de contrôle et adaptation posologique selon la fonction rénale.`,
  ).join('\n\n');

export interface Message {
  id: string;
  subject: string;
  from: string;
  html?: string;
  text?: string;
}

export const MESSAGES: Message[] = [
  {
    id: 'rc-subject-ins-body-traits',
    subject: 'Compte rendu de consultation — INS 1 92 07 75 056 321 64',
    from: 'Dr Claire Petit <claire.petit@ch-demo.mssante.fr>',
    text: 'Cher confrère,\n\nJ’ai vu en consultation M. Thomas NGUYEN, né le 18/07/1993, pour un bilan de dyspnée.\n\nExamen clinique sans particularité.\n\nBien confraternellement,\nDr Claire Petit',
  },
  {
    id: 'rc-long-letter-discordant-date',
    subject: 'Lettre de sortie',
    from: 'Service de médecine interne <medecine.interne@ch-demo.mssante.fr>',
    text: `Centre hospitalier de démonstration — Service de médecine interne\n\nLettre de liaison à la sortie\n\nPatiente : Mme DUBOIS Léa\nNée le 05/11/2000\nINS : 2 01 11 33 072 008 72\n\nMotif d’hospitalisation : pyélonéphrite aiguë.\n\n${filler(12)}\n\nTraitement de sortie : amoxicilline 1 g trois fois par jour pendant 7 jours.\n\nDr Hugo Lambert`,
  },
  {
    id: 'rc-running-text-name',
    subject: 'Demande d’avis',
    from: 'Dr Anne Roux <anne.roux@cabinet-demo.mssante.fr>',
    text: 'Bonjour,\n\nJe vous adresse votre patiente Marie Claire LEFÈVRE née le 14/08/1955 (INS 2 55 08 14 168 025 38) pour avis sur une anémie.\n\nCordialement,\nDr Anne Roux',
  },
  {
    id: 'rc-key-value-table',
    subject: 'Résultats biologiques',
    from: 'Laboratoire <labo@ch-demo.mssante.fr>',
    html: `<p>Résultats de la patiente ci-dessous.</p><table border="1"><tr><td>Nom</td><td>GIRARD</td></tr><tr><td>Prénom</td><td>Camille</td></tr><tr><td>Date de naissance</td><td>22/03/1979</td></tr><tr><td>Sexe</td><td>F</td></tr><tr><td>INS</td><td>2 79 03 51 215 189 89</td></tr></table><p>Hémoglobine : 12,9 g/dL.</p>`,
  },
  {
    id: 'rc-hidden-patient',
    subject: 'Information',
    from: 'Newsletter <info@example.org>',
    html: `<p>Bonjour, voici les nouvelles du service.</p><div style="display:none">INS : 1 84 12 69 123 045 31 — Nom de naissance : BERNARD — Prénoms : Lucas — né le 03/12/1984</div><p style="position:absolute;left:-9999px">Code de partage : ${HIDDEN_CODE}</p><p>Bonne journée.</p>`,
  },
  {
    id: 'rc-share-code',
    subject: 'Code de partage de votre examen',
    from: 'Imagerie <secretariat@imagerie-demo.mssante.fr>',
    text: `Bonjour,\n\nLe compte rendu et les images de l’IRM de votre patient sont disponibles avec le code de partage : ${VISIBLE_CODE}\n\nLe secrétariat d’imagerie`,
  },
  {
    id: 'rc-ward-table',
    subject: 'Patients à revoir',
    from: 'Cadre de santé <cadre@ch-demo.mssante.fr>',
    html: `<table border="1"><tr><th>Nom de naissance</th><th>Prénoms</th><th>Date de naissance</th><th>INS</th></tr><tr><td>BERNARD</td><td>Lucas Pierre</td><td>03/12/1984</td><td>1 84 12 69 123 045 31</td></tr><tr><td>NGUYEN</td><td>Thomas</td><td>18/07/1992</td><td>1 92 07 75 056 321 64</td></tr></table>`,
  },
  {
    id: 'rc-labelled-agree',
    subject: 'Suivi',
    from: 'Dr Claire Petit <claire.petit@ch-demo.mssante.fr>',
    text: 'Patient : M. Thomas NGUYEN\nNé le 18/07/1992\nINS : 1 92 07 75 056 321 64\n\nContrôle dans trois mois.',
  },
  {
    id: 'rc-civility-ddn',
    subject: 'Consultation de suivi',
    from: 'Dr Claire Petit <claire.petit@ch-demo.mssante.fr>',
    text: 'Mme DUBOIS Léa, DDN 05/11/2001, INS-NIR 201113307200872, vue ce jour : évolution favorable.',
  },
  {
    id: 'rc-ins-only',
    subject: 'Pièce jointe',
    from: 'Secrétariat <secretariat@ch-demo.mssante.fr>',
    text: 'Ci-joint le document demandé.\nINS : 1 84 12 69 123 045 31',
  },
  {
    id: 'rc-corsica-written-date',
    subject: 'Transfert',
    from: 'SAMU <regulation@samu-demo.mssante.fr>',
    text: 'Transfert de M. CASANOVA Paul Ange, né le 10 mai 1962, INS : 1 62 05 2A 004 012 33, vers le service de cardiologie.',
  },
  {
    id: 'rc-wrong-key',
    subject: 'Erreur de saisie ?',
    from: 'Secrétariat <secretariat@ch-demo.mssante.fr>',
    text: 'Patiente : GIRARD Camille, née le 22/03/1979, INS : 2 79 03 51 215 189 88',
  },
  {
    id: 'rc-epouse',
    subject: 'Courrier',
    from: 'Dr Anne Roux <anne.roux@cabinet-demo.mssante.fr>',
    text: 'Je revois ce jour Mme LEFÈVRE épouse MARTIN Marie Claire, née le 14/08/1955.\nINS : 255081416802538\nTension artérielle normale.',
  },
];

const encode = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;

export function eml(m: Message, i: number): string {
  const html = m.html !== undefined;
  return [
    `From: ${m.from.replace(/^([^<]+)</, (_, name: string) => `${encode(name.trim())} <`)}`,
    'To: Dr Julien MOREAU <julien.moreau@ch-demo.mssante.fr>',
    `Subject: ${encode(m.subject)}`,
    `Date: Tue, 24 Nov 2026 ${String(8 + i).padStart(2, '0')}:00:00 +0100`,
    `Message-ID: <${m.id}@corpus.passerelle.example>`,
    'MIME-Version: 1.0',
    `Content-Type: text/${html ? 'html' : 'plain'}; charset=UTF-8`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(html ? `<html><body>${m.html}</body></html>` : m.text!)
      .toString('base64')
      .replace(/.{76}/g, '$&\n'),
    '',
  ].join('\r\n');
}

export function writeMaildir(dir: string): void {
  for (const sub of ['new', 'cur', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  MESSAGES.forEach((m, i) => writeFileSync(join(dir, 'new', `${1_800_000_000 + i}.${m.id}.corpus`), eml(m, i)));
}

if (import.meta.main) writeMaildir(process.argv[2]!);
