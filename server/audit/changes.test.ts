/**
 * Changes committed with their audit entries (group commit): a change and its entry together or
 * neither, a failing change taken back alone, and on PostgreSQL a batch's changes sent in one
 * flight, the chain's turn taken once they are done (`log.ts`, `storage/flight.ts`).
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { eachWithAuditLog, physician } from '../../test/support/audit.ts';
import { atOnce, holdAdvisoryLock, onPostgres, testDatabase } from '../../test/support/database.ts';
import { wireTap, type WireTap } from '../../test/support/wire-tap.ts';
import { CHAIN_LOCK } from '../storage/migrations/0018_audit_chain_lock.ts';
import type { Db } from '../storage/database.ts';
import { openAuditLog, type AuditLog } from './log.ts';
import { loadSigner } from './signer.ts';
import { verifyAudit } from './verify.ts';

/** Each test's own database and audit log. */
const logged = eachWithAuditLog();

/** Runs `test` with an audit log on a database reached through a wire tap (what goes on the wire, and when). */
async function onTappedLog(test: (tapped: { tap: WireTap; db: Db; log: AuditLog }) => Promise<void>) {
  const tap = await wireTap();
  const db = await testDatabase({ via: tap.relay });
  const log = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 1000 });
  try {
    await test({ tap, db, log });
  } finally {
    await log.close();
    await db.destroy();
    await tap.close();
  }
}

describe('changes committed with their entries', () => {
  it('commits a change with its entry, or neither: a failing change leaves no entry and the chain goes on', async () => {
    const { db, audit } = logged;
    await sql`CREATE TABLE change_probe (v TEXT NOT NULL)`.execute(db);
    const change = (v: string | null) => async (tx: Db) => {
      await sql`INSERT INTO change_probe (v) VALUES (${v})`.execute(tx);
    };
    await audit.record({ kind: 'care-team-join', actor: physician, patientId: 'p1' }, change('joined'));
    await expect(
      audit.record({ kind: 'care-team-join', actor: physician, patientId: 'p2' }, change(null)),
    ).rejects.toThrow();
    await audit.record({ kind: 'care-team-leave', actor: physician, patientId: 'p1' }, change('left'));
    const entries = await db.selectFrom('audit_event').select(['seq', 'patient_id']).orderBy('seq').execute();
    expect(entries).toEqual([
      { seq: 1, patient_id: 'p1' },
      { seq: 2, patient_id: 'p1' },
    ]);
    const rows = await sql<{ v: string }>`SELECT v FROM change_probe`.execute(db);
    expect(rows.rows.map((r) => r.v)).toEqual(['joined', 'left']);
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
  });

  it('commits concurrent entries together, and a change failing among them takes back only its own entry', async () => {
    const { db, audit } = logged;
    await sql`CREATE TABLE change_probe (v TEXT NOT NULL)`.execute(db);
    const change = (v: string | null) => async (tx: Db) => {
      await sql`INSERT INTO change_probe (v) VALUES (${v})`.execute(tx);
    };
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        audit.record(
          { kind: 'care-team-join', actor: physician, patientId: `p${i}` },
          // Every seventh change fails (NOT NULL); the others are in the same batches.
          change(i % 7 === 3 ? null : `joined ${i}`),
        ),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([3, 10, 17, 24]);
    const entries = await db.selectFrom('audit_event').select(['seq', 'patient_id']).orderBy('seq').execute();
    expect(entries.map((e) => e.patient_id)).toEqual(
      Array.from({ length: 30 }, (_, i) => `p${i}`).filter((_, i) => !failed.includes(i)),
    );
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    const rows = await sql<{ v: string }>`SELECT v FROM change_probe`.execute(db);
    expect(rows.rows).toHaveLength(26);
    // Resolved entries carry the sequence number they were given.
    const seqs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.seq] : []));
    expect(seqs).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 26 });
  });

  it('refuses a change only once the batch is committed: its caller sees what an earlier entry did', async () => {
    const { db, audit } = logged;
    await sql`CREATE TABLE change_probe (v TEXT PRIMARY KEY)`.execute(db);
    const insert = (tx: Db) => sql`INSERT INTO change_probe (v) VALUES ('session')`.execute(tx).then(() => {});
    // Connections open and idle in the pool (PostgreSQL), as in service: the loser's read starts at once.
    if (onPostgres()) await atOnce(db, 4, (conn) => sql`SELECT 1`.execute(conn));
    // Two starts of the same session in one batch: the second's insert fails on the first's row.
    const first = audit.record({ kind: 'break-glass-start', actor: physician, patientId: 'p1' }, insert);
    const second = audit.record({ kind: 'break-glass-start', actor: physician, patientId: 'p1' }, insert).then(
      () => 'written',
      // As the break-glass start does: the loser reads the winner's session (on PostgreSQL, from
      // another connection of the pool — it finds it only if the batch is committed).
      async () => (await sql<{ v: string }>`SELECT v FROM change_probe`.execute(db)).rows.map((r) => r.v),
    );
    // More changes after them in the same batch: the commit comes later still.
    const more = Array.from({ length: 5 }, (_, i) =>
      audit.record({ kind: 'care-team-join', actor: physician, patientId: `q${i}` }, async (tx) => {
        await sql`INSERT INTO change_probe (v) VALUES (${`joined ${i}`})`.execute(tx);
      }),
    );
    await Promise.all([first, ...more]);
    expect(await second).toEqual(expect.arrayContaining(['session']));
  });

  it.runIf(onPostgres())('sends a batch’s changes without waiting for each other’s answers (PostgreSQL)', () =>
    onTappedLog(async ({ tap, db, log }) => {
      await sql`CREATE TABLE change_probe (v TEXT NOT NULL)`.execute(db);
      const release = await holdAdvisoryLock(db, 4242);
      // Two changes asked at once (one batch): the first waits for a lock held elsewhere.
      let firstDone = false;
      const first = log.record({ kind: 'care-team-join', actor: physician, patientId: 'p1' }, async (tx) => {
        await sql`SELECT pg_advisory_xact_lock(${4242})`.execute(tx);
      });
      void first.then(() => (firstDone = true));
      const second = log.record({ kind: 'care-team-join', actor: physician, patientId: 'p2' }, async (tx) => {
        await sql`INSERT INTO change_probe (v) VALUES ('sent behind')`.execute(tx);
      });
      // The second change's statement is on its way while the first still waits.
      await tap.sent('INSERT INTO change_probe');
      expect(firstDone).toBe(false);
      await release();
      expect([(await first).seq, (await second).seq]).toEqual([1, 2]);
      expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 2 });
    }),
  );

  it.runIf(onPostgres())(
    'sends a batch’s COMMIT behind its entries, without waiting for their answer (PostgreSQL)',
    () =>
      onTappedLog(async ({ tap, db, log }) => {
        const change = async (tx: Db) => void (await sql`SELECT 1`.execute(tx));
        // A first entry: the log then knows the chain's head and appends without reading it.
        await log.record({ kind: 'care-team-join', actor: physician, patientId: 'p0' }, change);
        // The chain's turn held elsewhere: the next entries wait for it in the database.
        const release = await holdAdvisoryLock(db, CHAIN_LOCK);
        let recorded = false;
        const joined = log.record({ kind: 'care-team-join', actor: physician, patientId: 'behind the lock' }, change);
        void joined.then(() => (recorded = true));
        await tap.sent('behind the lock', 'COMMIT');
        expect(recorded).toBe(false);
        await release();
        expect((await joined).seq).toBe(2);
        expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 2 });
      }),
  );

  it.runIf(onPostgres())(
    'lets other batches commit while a change of its batch waits: a writer takes the chain’s turn only with its changes done (PostgreSQL: several writers)',
    async () => {
      const { db, audit } = logged;
      await sql`CREATE TABLE change_probe (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)`.execute(db);
      await sql`INSERT INTO change_probe (id, v) VALUES (1, 0)`.execute(db);
      const bump = (tx: Db) => sql`UPDATE change_probe SET v = v + 1 WHERE id = 1`.execute(tx).then(() => {});
      let started!: () => void;
      let open!: () => void;
      const waiting = new Promise<void>((resolve) => (started = resolve));
      const gate = new Promise<void>((resolve) => (open = resolve));
      // A batch whose change waits (for the gate here; for a row another transaction holds, in service).
      const slow = audit.record({ kind: 'care-team-join', actor: physician, patientId: 'slow' }, async (tx) => {
        started();
        await gate;
        await bump(tx);
      });
      await waiting;
      // Then a batch that changes the row the slow one will: it commits without waiting for the slow one.
      const others = Array.from({ length: 2 }, (_, i) =>
        audit.record({ kind: 'care-team-join', actor: physician, patientId: `other ${i}` }, bump),
      );
      await Promise.all(others);
      open();
      await slow;
      const { rows } = await sql<{ v: number }>`SELECT v FROM change_probe`.execute(db);
      expect(rows).toEqual([{ v: 3 }]);
      expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 3 });
    },
  );

  it('keeps every change with its entry when two instances change the same row at once, each batch written again when the other moved the chain on', async () => {
    const { db, audit } = logged;
    const other = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 1000 });
    try {
      await sql`CREATE TABLE change_probe (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)`.execute(db);
      await sql`INSERT INTO change_probe (id, v) VALUES (1, 0)`.execute(db);
      const bump = (tx: Db) => sql`UPDATE change_probe SET v = v + 1 WHERE id = 1`.execute(tx).then(() => {});
      // Rounds of requests on both instances, every change on the one row: batches wait for each
      // other's rows, and each instance's known head is moved on by the other's.
      const recorded = [];
      for (let round = 0; round < 3; round++) {
        recorded.push(
          ...(await Promise.all(
            Array.from({ length: 16 }, (_, i) =>
              (i % 2 ? audit : other).record(
                { kind: 'care-team-join', actor: physician, patientId: `p${round}-${i}` },
                bump,
              ),
            ),
          )),
        );
      }
      expect(recorded.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
      const { rows } = await sql<{ v: number }>`SELECT v FROM change_probe`.execute(db);
      expect(rows).toEqual([{ v: 48 }]);
      expect(await verifyAudit(db, { trustedKeys: [...(await audit.publicKeys())] })).toMatchObject({
        ok: true,
        entries: 48,
      });
    } finally {
      await other.close();
    }
  });
});
