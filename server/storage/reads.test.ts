/**
 * Reads written together (`readsTogether`): each gives what its query gives on its own — a row or
 * undefined, every row in the query's order, whether there is one, a count — and they run as one
 * query on PostgreSQL, one per read on SQLite; a read may use some of the arguments only.
 */
import type { CompiledQuery } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { givenPatient, givenRecord } from '../../test/support/builders.ts';
import { onPostgres, testDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import { exists, readsTogether, row, rows, value } from './reads.ts';

let db: Db | undefined;
afterEach(() => db?.destroy());

const record = readsTogether((db: Db, patientId: string, title: string) => ({
  patient: row(db.selectFrom('patient').select(['id', 'birth_name']).where('id', '=', patientId)),
  documents: rows(
    db
      .selectFrom('record_document')
      .select(['id', 'masked'])
      .where('patient_id', '=', patientId)
      .orderBy('date', 'desc'),
  ),
  titled: exists(
    db.selectFrom('record_document').select('id').where('patient_id', '=', patientId).where('title', '=', title),
  ),
  alerts: value(
    db
      .selectFrom('record_alert')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('patient_id', '=', patientId),
  ),
}));

async function given(log?: (q: CompiledQuery) => void) {
  db = await testDatabase(log ? { log } : {});
  await givenPatient(db, { id: 'martin', birthName: 'MARTIN' });
  await givenRecord(db, 'martin', {
    documents: [
      { id: 'd-old', type: 'lab', title: 'Bilan', date: '2026-01-05T08:00:00Z' },
      { id: 'd-new', type: 'consultation', title: 'Consultation', date: '2026-11-02T08:00:00Z', masked: true },
    ],
    alerts: ['Allergie à la pénicilline', 'Anticoagulé'],
  });
  return db;
}

describe('readsTogether', () => {
  it('gives each read as its query gives it: the row, the rows in order, whether one exists, the count', async () => {
    const db = await given();
    const read = await record(db, 'martin', 'Bilan');
    expect(read.patient).toEqual({ id: 'martin', birth_name: 'MARTIN' });
    expect(read.documents).toEqual([
      { id: 'd-new', masked: 1 },
      { id: 'd-old', masked: 0 },
    ]);
    expect(read.titled).toBe(true);
    expect(Number(read.alerts)).toBe(2);
  });

  it('says what is absent: no row is undefined, no rows an empty list, none false, a count 0', async () => {
    const db = await given();
    const read = await record(db, 'nobody', 'Bilan');
    expect(read).toEqual({ patient: undefined, documents: [], titled: false, alerts: read.alerts });
    expect(Number(read.alerts)).toBe(0);
    expect((await record(db, 'martin', 'Absent')).titled).toBe(false);
  });

  it('runs as one query on PostgreSQL, one per read on SQLite', async () => {
    const queries: string[] = [];
    const db = await given((q) => queries.push(q.sql));
    queries.length = 0;
    await record(db, 'martin', 'Bilan');
    expect(queries).toHaveLength(onPostgres() ? 1 : 4);
  });
});
