/**
 * Demo: the patient is also told of a break-glass access by an MSSanté-style message at their
 * Mon Espace Santé address (their INS at `patient.mssante.fr`), in the demo mailbox.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../storage/database.ts';
import { findById } from '../storage/patients.ts';
import { mssanteMail, patientAddress } from '../share/message.ts';

export const mailPatient = (db: Db, dir: string) => async (patientId: string, text: string, at: Date) => {
  const patient = await findById(db, patientId);
  if (!patient) return;
  const mail = mssanteMail({
    from: { name: 'Plateforme Passerelle', address: 'ne-pas-repondre@passerelle.mssante.fr' },
    to: patientAddress(patient.ins),
    subject: 'Accès d’urgence à votre dossier',
    body: `Bonjour,\r\n\r\n${text}\r\n\r\nVous pouvez consulter l’historique des accès et vous opposer à l’accès en urgence depuis votre espace.`,
    now: at,
  });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, mail.fileName), mail.eml, { mode: 0o600 });
};
