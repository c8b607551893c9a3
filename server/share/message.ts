/**
 * The MSSanté-style message that carries a share code to the prescriber (issue 7): an RFC 5322
 * message in UTF-8, as a secure-messaging gateway would deliver it. It names the patient with
 * their INS, as MSSanté messages about a patient do, so that Passerelle finds the patient and the
 * code in it. In the demo it is written to the demo webmail's mailbox (`MAILBOX_DIR`).
 */
import { randomUUID } from 'node:crypto';
import type { Secretariat } from './codes.ts';
import { formatDate, formatIns } from '../../src/core/format.ts';
import type { ImagingExamTable, PatientTable } from '../storage/schema.ts';

/** RFC 2047 encoded word, for non-ASCII header values. */
const encoded = (value: string) =>
  /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;

const paris = (at: string) => new Date(at).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });

export function mssanteMessage(input: {
  from: Secretariat;
  to: string;
  exam: ImagingExamTable;
  patient: Pick<PatientTable, 'birth_name' | 'given_names' | 'birth_date' | 'ins'>;
  code: string;
  expiresAt: string;
  now: Date;
}) {
  const { from, exam, patient } = input;
  const name = `${patient.birth_name} ${patient.given_names}`;
  const subject = `Code de partage d’imagerie — ${exam.title} — ${name}`;
  const body = [
    `Bonjour,`,
    ``,
    `Le secrétariat du ${from.organization} vous transmet le code de partage de l’examen`,
    `de votre patient(e), prescrit par ${exam.prescriber_name ?? 'vous'} :`,
    ``,
    `Patient : ${name}`,
    `Né(e) le : ${formatDate(patient.birth_date)}`,
    `INS : ${formatIns(patient.ins)}`,
    ``,
    `Examen : ${exam.title}, le ${paris(exam.performed_at)}`,
    `Code de partage : ${input.code}`,
    `Valable jusqu’au : ${paris(input.expiresAt)}`,
    ``,
    `Avec Passerelle, ouvrez l’examen en un clic depuis ce message ; sinon, saisissez le code`,
    `dans le panneau Passerelle. Le code donne accès au compte rendu et aux images.`,
    ``,
    `${from.givenName ?? ''} ${from.familyName} — ${from.organization}`,
  ].join('\r\n');
  return mssanteMail({
    from: { name: from.organization, address: from.mssante ?? 'secretariat@imagerie.invalid' },
    to: input.to,
    subject,
    body,
    now: input.now,
  });
}

/** An RFC 5322 message (UTF-8 body, RFC 2047 headers) and a file name for the demo mailbox. */
export function mssanteMail(mail: {
  from: { name: string; address: string };
  to: string;
  subject: string;
  body: string;
  now: Date;
}) {
  const id = randomUUID();
  const eml = [
    `From: ${encoded(mail.from.name)} <${mail.from.address}>`,
    `To: <${mail.to}>`,
    `Subject: ${encoded(mail.subject)}`,
    `Date: ${mail.now.toUTCString()}`,
    `Message-ID: <${id}@passerelle.demo>`,
    `MIME-Version: 1.0`,
    `Content-Type: text/plain; charset=utf-8`,
    `Content-Transfer-Encoding: 8bit`,
    ``,
    mail.body,
    ``,
  ].join('\r\n');
  return { fileName: `${mail.now.toISOString().replace(/[:.]/g, '-')}-${id}.eml`, eml };
}

/** The patient's MSSanté address (Mon Espace Santé): their INS at `patient.mssante.fr`. */
export const patientAddress = (ins: string) => `${ins}@patient.mssante.fr`;
