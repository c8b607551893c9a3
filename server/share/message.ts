/**
 * The MSSanté message that carries a share code to the prescriber (issue 7). It names the patient
 * with their INS, as MSSanté messages about a patient do, so that Passerelle finds the patient and
 * the code in it. It leaves through the platform's outbox (`server/mail/`).
 */
import type { Mail } from '../mail/message.ts';
import type { Secretariat } from './codes.ts';
import { formatDate, formatIns, parisDay } from '../../src/core/format.ts';
import type { ImagingExamTable, PatientTable } from '../storage/schema.ts';

export function shareCodeMail(input: {
  from: Secretariat;
  to: string;
  exam: ImagingExamTable;
  patient: Pick<PatientTable, 'birth_name' | 'given_names' | 'birth_date' | 'ins'>;
  code: string;
  expiresAt: string;
  now: Date;
}): Mail {
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
    `Examen : ${exam.title}, le ${parisDay(exam.performed_at)}`,
    `Code de partage : ${input.code}`,
    `Valable jusqu’au : ${parisDay(input.expiresAt)}`,
    ``,
    `Avec Passerelle, ouvrez l’examen en un clic depuis ce message ; sinon, saisissez le code`,
    `dans le panneau Passerelle. Le code donne accès au compte rendu et aux images.`,
    ``,
    `${from.givenName ?? ''} ${from.familyName} — ${from.organization}`,
  ].join('\r\n');
  return {
    from: { name: from.organization, address: from.mssante ?? 'secretariat@imagerie.invalid' },
    to: input.to,
    subject,
    body,
    now: input.now,
  };
}
