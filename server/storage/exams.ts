/** Imaging exams, and who was given lasting access to one by redeeming its share code (issue 7). */
import type { Db } from './database.ts';
import { prepared } from './prepared.ts';
import type { ExamAccessTable, ImagingExamTable } from './schema.ts';

export const findExam = async (db: Db, id: string) => (await examById(db, id)).rows[0];

/** The exam with this id. */
export const examQuery = (db: Db, id: string) => examsQuery(db).where('id', '=', id);

/** Exams, as an exam is read (a condition is the caller's). */
export const examsQuery = (db: Db) =>
  db
    .selectFrom('imaging_exam')
    .select([
      'id',
      'patient_id',
      'performed_at',
      'modality',
      'title',
      'report',
      'images_url',
      'organization',
      'organization_id',
      'prescriber_name',
      'prescriber_mssante',
    ]);

const examById = prepared(examQuery);

/** The exams of an imaging centre, by its FINESS (the secretariat's list), latest first, with their patient. */
export const examsOf = (db: Db, finess: string) =>
  db
    .selectFrom('imaging_exam as e')
    .innerJoin('patient as p', 'p.id', 'e.patient_id')
    .selectAll('e')
    .select(['p.birth_name', 'p.given_names', 'p.birth_date'])
    .where('e.organization_id', '=', finess)
    .orderBy('e.performed_at', 'desc')
    .execute();

export async function hasAccess(db: Db, examId: string, idnps: string): Promise<boolean> {
  return (await access(db, examId, idnps)).rows.length > 0;
}

/** The professional's access to the exam, if they were given it. */
const accessQuery = (db: Db, examId: string, idnps: string) =>
  db.selectFrom('exam_access').select('exam_id').where('exam_id', '=', examId).where('idnps', '=', idnps);

const access = prepared(accessQuery);

/** The exams a professional may open, latest grant first. */
export const examsGrantedTo = (db: Db, idnps: string) =>
  db
    .selectFrom('exam_access as a')
    .innerJoin('imaging_exam as e', 'e.id', 'a.exam_id')
    .selectAll('e')
    .where('a.idnps', '=', idnps)
    .orderBy('a.granted_at', 'desc')
    .execute();

export const grantAccess = (db: Db, examId: string, idnps: string, shareCodeId: string, at: Date) =>
  grant(db, { exam_id: examId, idnps, granted_at: at.toISOString(), share_code_id: shareCodeId });

const grant = prepared((db: Db, row: ExamAccessTable) =>
  db
    .insertInto('exam_access')
    .values(row)
    .onConflict((oc) => oc.columns(['exam_id', 'idnps']).doNothing()),
);

/** Adds the exams not stored yet (the imaging centre's feed; the demo's seed). */
export async function insertExamsIfAbsent(db: Db, exams: readonly ImagingExamTable[]): Promise<void> {
  if (exams.length === 0) return;
  await db
    .insertInto('imaging_exam')
    .values([...exams])
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
