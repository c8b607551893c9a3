/**
 * Who may open a patient's shared record, and how (issue 8; docs/domain.md "Shared record and
 * break-glass"):
 * - **normal**: the patient's consent permits their care circle, and the professional is a current
 *   member of it (members are deemed authorised, CSP L1111-17);
 * - **break-glass** (`bris_de_glace`, or `centre_15` for the emergency regulation physician): an
 *   open, unexpired session of this professional for this patient (`break-glass.ts`);
 * - otherwise refused, saying whether break-glass is possible: only for a physician (profession 10
 *   in the token), never when the patient opposed it.
 * Masked documents stay masked in every mode.
 */
import { isPhysician } from '../../src/core/psc.ts';
import type { Professional } from '../../src/core/protocol.ts';
import type { AccessMode, BreakGlassOption } from '../../src/core/record.ts';
import type { Db } from '../storage/database.ts';
import type { PatientRow } from '../storage/patients.ts';
import { accessFacts, documentFacts, summaryFacts, type AccessFacts, type Summary } from '../storage/record.ts';
import type { BreakGlassTable, RecordDocumentTable } from '../storage/schema.ts';

export type Access =
  { granted: true; mode: AccessMode; session?: BreakGlassTable } | { granted: false; breakGlass: BreakGlassOption };

/** The decision, from its facts read together (`accessFacts`), with the patient it read (undefined: unknown). */
export async function decideAccess(
  db: Db,
  actor: Professional,
  patientId: string,
  now: Date,
): Promise<{ patient?: PatientRow; access: Access }> {
  const { patient, ...facts } = await accessFacts(db, actor.idNps, patientId, now);
  return { ...(patient ? { patient } : {}), access: decision(actor, facts) };
}

/**
 * The decision, with the summary of the record read at the same time (one query on PostgreSQL):
 * the caller shows it only if the access is granted, once its entry is written.
 */
export async function decideSummaryAccess(
  db: Db,
  actor: Professional,
  patientId: string,
  now: Date,
): Promise<{ patient?: PatientRow; access: Access; summary: Summary }> {
  const { patient, summary, ...facts } = await summaryFacts(db, actor.idNps, patientId, now);
  return { ...(patient ? { patient } : {}), access: decision(actor, facts), summary };
}

/**
 * The decision on a document's patient's record, from its facts read together, with the document
 * and its patient (undefined: unknown).
 */
export async function decideDocumentAccess(
  db: Db,
  actor: Professional,
  documentId: string,
  now: Date,
): Promise<{ document?: RecordDocumentTable; patient?: PatientRow; access: Access }> {
  const { document, patient, ...facts } = await documentFacts(db, actor.idNps, documentId, now);
  return { ...(document ? { document } : {}), ...(patient ? { patient } : {}), access: decision(actor, facts) };
}

function decision(actor: Professional, { session, consent, member }: AccessFacts): Access {
  if (session) return { granted: true, mode: session.mode as AccessMode, session };
  if (consent.circle_access === 1 && member) return { granted: true, mode: 'normal' };
  if (!isPhysician(actor)) return { granted: false, breakGlass: 'not-physician' };
  return { granted: false, breakGlass: consent.break_glass_opposed === 1 ? 'opposed' : 'possible' };
}
