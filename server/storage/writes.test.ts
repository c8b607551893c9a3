/**
 * Writes run together (`writesTogether`): each changes what its statement changes on its own and
 * says how many rows — an insert that met its conflict 0, an update every row it ended — they run
 * as one statement on PostgreSQL, one per write on SQLite, and in a transaction taken back none of
 * them stays.
 */
import type { CompiledQuery } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { givenPatient } from '../../test/support/builders.ts';
import { onPostgres, testDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import type { IdempotencyKeyTable, PatientNotificationTable } from './schema.ts';
import { writesTogether } from './writes.ts';

let db: Db | undefined;
afterEach(() => db?.destroy());

/** A notice to the patient, an answer kept for a key (once), and the patient's older notices dated anew. */
const writes = writesTogether(
  (tx: Db, notice: PatientNotificationTable, kept: IdempotencyKeyTable, before: string) => ({
    notice: tx.insertInto('patient_notification').values(notice),
    kept: tx
      .insertInto('idempotency_key')
      .values(kept)
      .onConflict((oc) => oc.columns(['idnps', 'key']).doNothing()),
    redated: tx
      .updateTable('patient_notification')
      .set({ at: notice.at })
      .where('patient_id', '=', notice.patient_id)
      .where('at', '<', before),
  }),
);

const notice = (id: string, at: string): PatientNotificationTable => ({
  id,
  patient_id: 'martin',
  at,
  text: `Avis ${id}`,
});
const kept = (key: string): IdempotencyKeyTable => ({
  idnps: '810001234567',
  key,
  request: 'join martin',
  status: 201,
  response: '{}',
  created_at: '2026-12-07T08:00:00.000Z',
});

async function given(log?: (q: CompiledQuery) => void) {
  db = await testDatabase(log ? { log } : {});
  await givenPatient(db, { id: 'martin', birthName: 'MARTIN' });
  await db
    .insertInto('patient_notification')
    .values([notice('old-1', '2026-01-01T08:00:00.000Z'), notice('old-2', '2026-02-01T08:00:00.000Z')])
    .execute();
  return db;
}

const notices = (db: Db) => db.selectFrom('patient_notification').select(['id', 'at']).orderBy('id').execute();

describe('writesTogether', () => {
  it('makes each write and says how many rows each changed', async () => {
    const db = await given();
    const changed = await writes(db, notice('new', '2026-12-07T08:00:00.000Z'), kept('key-00001'), '2026-06-01');
    expect(changed).toEqual({ notice: 1, kept: 1, redated: 2 });
    expect(await notices(db)).toEqual([
      { id: 'new', at: '2026-12-07T08:00:00.000Z' },
      { id: 'old-1', at: '2026-12-07T08:00:00.000Z' },
      { id: 'old-2', at: '2026-12-07T08:00:00.000Z' },
    ]);
    const row = await db.selectFrom('idempotency_key').selectAll().executeTakeFirstOrThrow();
    expect(row).toEqual(kept('key-00001'));
  });

  it('counts an insert that met its conflict as 0 and an update that found nothing as 0', async () => {
    const db = await given();
    await writes(db, notice('first', '2026-12-07T08:00:00.000Z'), kept('key-00001'), '2026-06-01');
    const again = await writes(db, notice('second', '2026-12-07T09:00:00.000Z'), kept('key-00001'), '2026-06-01');
    expect(again).toEqual({ notice: 1, kept: 0, redated: 0 });
  });

  it('runs as one statement on PostgreSQL, one per write on SQLite', async () => {
    const queries: string[] = [];
    const db = await given((q) => queries.push(q.sql));
    queries.length = 0;
    await writes(db, notice('new', '2026-12-07T08:00:00.000Z'), kept('key-00001'), '2026-06-01');
    expect(queries).toHaveLength(onPostgres() ? 1 : 3);
  });

  it('leaves none of the writes when their transaction is taken back', async () => {
    const db = await given();
    await expect(
      db.transaction().execute(async (tx) => {
        await writes(tx, notice('new', '2026-12-07T08:00:00.000Z'), kept('key-00001'), '2026-06-01');
        throw new Error('taken back');
      }),
    ).rejects.toThrow('taken back');
    expect(await notices(db)).toEqual([
      { id: 'old-1', at: '2026-01-01T08:00:00.000Z' },
      { id: 'old-2', at: '2026-02-01T08:00:00.000Z' },
    ]);
    expect(await db.selectFrom('idempotency_key').selectAll().execute()).toEqual([]);
  });

  it('leaves none of the writes when one of them is refused', async () => {
    const db = await given();
    // A notice to a patient who does not exist: the foreign key refuses it.
    const refused = { ...notice('nobody', '2026-12-07T08:00:00.000Z'), patient_id: 'nobody' };
    await expect(
      db.transaction().execute((tx) => writes(tx, refused, kept('key-00001'), '2026-06-01')),
    ).rejects.toThrow();
    expect(await db.selectFrom('idempotency_key').selectAll().execute()).toEqual([]);
    expect((await notices(db)).map((n) => n.id)).toEqual(['old-1', 'old-2']);
  });
});
