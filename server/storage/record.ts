/**
 * The shared record's rows (issue 8): documents and alerts, the documents the patient masked, the
 * notifications the patient reads, and what the access decision rests on (the patient's choices
 * themselves: `consent.ts`).
 */
import { circleQuery, toMember, type Member } from './care-team.ts';
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { openSessionQuery } from './break-glass.ts';
import { consentQuery, DEFAULT_CONSENT, type Consent } from './consent.ts';
import { patientQuery, type PatientOf, type PatientRow } from './patients.ts';
import { prepared } from './prepared.ts';
import { exists, readsTogether, row, rows } from './reads.ts';
import type { BreakGlassTable, ConsentTable, RecordAlertTable, RecordDocumentTable } from './schema.ts';

/** What the access decision rests on: see `accessFacts`. */
export interface AccessFacts {
  session?: BreakGlassTable;
  consent: Consent;
  member: boolean;
}

/**
 * What the access decision rests on, read together (`reads.ts`): the patient (undefined: unknown),
 * this professional's open session for them, their choices (the defaults if they never chose), and
 * whether the professional is a current member of their circle.
 */
export async function accessFacts(
  db: Db,
  idnps: string,
  patientId: string,
  now: Date,
): Promise<AccessFacts & { patient?: PatientRow }> {
  const { patient, ...facts } = await patientFacts(db, idnps, patientId, now.toISOString());
  return { patient, ...factsOf(facts) };
}

/**
 * A document (undefined: unknown), its patient (shown with it, for identity vigilance) and the
 * facts of the access to its patient's record, read together.
 */
export async function documentFacts(
  db: Db,
  idnps: string,
  documentId: string,
  now: Date,
): Promise<AccessFacts & { document?: RecordDocumentTable; patient?: PatientRow }> {
  const { document, patient, ...facts } = await documentWithFacts(db, idnps, documentId, now.toISOString());
  return { document, patient, ...factsOf(facts) };
}

const factsOf = (read: { session?: BreakGlassTable; consent?: Consent; member: boolean }): AccessFacts => ({
  ...(read.session ? { session: read.session } : {}),
  consent: read.consent ?? DEFAULT_CONSENT,
  member: read.member,
});

/** The facts' reads about a patient: their id, or an expression giving it (the one a document names). */
const factReads = (db: Db, idnps: string, patientId: PatientOf, now: string) => ({
  session: row(openSessionQuery(db, idnps, patientId, now).limit(sql.lit(1))),
  consent: row(consentQuery(db, patientId)),
  member: exists(
    db
      .selectFrom('care_participation as c')
      .innerJoin('practitioner_role as r', 'r.id', 'c.practitioner_role_id')
      .innerJoin('practitioner as p', 'p.id', 'r.practitioner_id')
      .select('c.id')
      .where('c.patient_id', '=', patientId)
      .where('c.end', 'is', null)
      .where('p.idnps', '=', idnps),
  ),
});

const patientFacts = readsTogether((db: Db, idnps: string, patientId: string, now: string) => ({
  patient: row(patientQuery(db, patientId)),
  ...factReads(db, idnps, patientId, now),
}));

const documentWithFacts = readsTogether((db: Db, idnps: string, documentId: string, now: string) => {
  const itsPatient = db.selectFrom('record_document').select('patient_id').where('id', '=', documentId).$asScalar();
  return {
    document: row(documentQuery(db, documentId)),
    patient: row(patientQuery(db, itsPatient)),
    ...factReads(db, idnps, itsPatient, now),
  };
});

/** A document as lists show it: everything but its content (read when it is opened). */
export type DocumentListing = Omit<RecordDocumentTable, 'content'>;

const LISTING = [
  'id',
  'patient_id',
  'type_code',
  'type_display',
  'title',
  'date',
  'author',
  'organization',
  'masked',
] as const satisfies readonly (keyof DocumentListing)[];

/** The documents professionals may see (masked ones never), newest first, of one LOINC type if given. */
export const visibleDocuments = async (db: Db, patientId: string, type?: string) =>
  (await visible(db, patientId, type)).rows;

const visibleQuery = (db: Db, patientId: string, type?: string) =>
  db
    .selectFrom('record_document')
    .select(LISTING)
    .where('patient_id', '=', patientId)
    .where('masked', '=', 0)
    .$if(type !== undefined, (q) => q.where('type_code', '=', type!))
    .orderBy('date', 'desc');

const visible = prepared(visibleQuery);

/** What a professional's summary of the record shows. */
export interface Summary {
  /** The visible documents, newest first. */
  documents: DocumentListing[];
  alerts: RecordAlertTable[];
  /** The circle: every participation, oldest first. */
  circle: Member[];
}

/**
 * The facts of the access to a patient's record (`accessFacts`) and the summary the access, if
 * granted, lets the professional see: read together (one query on PostgreSQL). The summary stays
 * here until the decision grants it and its entry is written.
 */
export async function summaryFacts(
  db: Db,
  idnps: string,
  patientId: string,
  now: Date,
): Promise<AccessFacts & { patient?: PatientRow; summary: Summary }> {
  const { patient, documents, alerts, circle, ...facts } = await summaryWithFacts(
    db,
    idnps,
    patientId,
    now.toISOString(),
  );
  return { patient, ...factsOf(facts), summary: { documents, alerts, circle: circle.map(toMember) } };
}

const summaryWithFacts = readsTogether((db: Db, idnps: string, patientId: string, now: string) => ({
  patient: row(patientQuery(db, patientId)),
  ...factReads(db, idnps, patientId, now),
  documents: rows(visibleQuery(db, patientId)),
  alerts: rows(db.selectFrom('record_alert').select(['id', 'patient_id', 'text']).where('patient_id', '=', patientId)),
  circle: rows(circleQuery(db, patientId)),
}));

/** Every document of the patient, masked or not: what the patient sees on their own page. */
export const documentsOf = (db: Db, patientId: string) =>
  db.selectFrom('record_document').selectAll().where('patient_id', '=', patientId).orderBy('date', 'desc').execute();

export const findDocument = async (db: Db, id: string) => (await documentById(db, id)).rows[0];

/** The document with this id. */
const documentQuery = (db: Db, id: string) =>
  db
    .selectFrom('record_document')
    .select([...LISTING, 'content'])
    .where('id', '=', id);

const documentById = prepared(documentQuery);

export async function setMasked(tx: Db, documentId: string, masked: boolean): Promise<void> {
  await tx
    .updateTable('record_document')
    .set({ masked: masked ? 1 : 0 })
    .where('id', '=', documentId)
    .execute();
}

export const notificationsOf = (db: Db, patientId: string) =>
  db.selectFrom('patient_notification').selectAll().where('patient_id', '=', patientId).orderBy('at', 'desc').execute();

/** Adds the record's rows not stored yet (the document feed; the demo's seed). */
export async function insertRecordIfAbsent(
  db: Db,
  record: {
    documents?: readonly RecordDocumentTable[];
    alerts?: readonly RecordAlertTable[];
    consents?: readonly ConsentTable[];
  },
): Promise<void> {
  if (record.documents?.length) {
    await db
      .insertInto('record_document')
      .values([...record.documents])
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  if (record.alerts?.length) {
    await db
      .insertInto('record_alert')
      .values([...record.alerts])
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  if (record.consents?.length) {
    await db
      .insertInto('consent')
      .values([...record.consents])
      .onConflict((oc) => oc.column('patient_id').doNothing())
      .execute();
  }
}
