/**
 * The audit log: canonical form, chaining, checkpoints, several writers on one chain, changes
 * committed with their entries (tampering: `tampering.test.ts`).
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateR4 } from '../../test/support/fhir.ts';
import { auditOnTestDatabase, fillAudit, physician } from '../../test/support/audit.ts';
import type { Db } from '../storage/database.ts';
import { atOnce, holdAdvisoryLock, onPostgres, testDatabase } from '../../test/support/database.ts';
import { canonical, entryHash, GENESIS } from './chain.ts';
import { ACCESS_MODES, KINDS, toAuditEvent, type AuditKind } from './events.ts';
import { openAuditLog, type AuditLog } from './log.ts';
import { loadSigner } from './signer.ts';
import { verifyAudit } from './verify.ts';
import { wireTap } from '../../test/support/wire-tap.ts';

let db: Db;
let audit: AuditLog;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ db, audit, close } = await auditOnTestDatabase());
});
afterEach(() => close());

const fill = (n: number) => fillAudit(audit, n);

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys, drops whitespace and writes numbers the ECMAScript way', () => {
    expect(canonical({ b: 1, a: [true, null, 'é'], c: { z: 1e21, y: 0.1 } })).toBe(
      '{"a":[true,null,"é"],"b":1,"c":{"y":0.1,"z":1e+21}}',
    );
  });

  it('hashes the columns in canonical form, whatever their order', () => {
    const entry = {
      seq: 1,
      id: 'x',
      recorded: '2026-11-23T10:00:00.000Z',
      kind: 'login',
      patient_id: null,
      agent_idnps: '899700100011',
      mode: 'normal',
      outcome: '0',
      prev_hash: GENESIS,
    };
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as typeof entry;
    expect(entryHash({ ...entry, resource: '{"a":1}' })).toBe(entryHash({ ...reordered, resource: '{"a":1}' }));
    expect(entryHash({ ...entry, resource: '{"a":1}' })).not.toBe(entryHash({ ...entry, resource: '{"a":2}' }));
    expect(entryHash({ ...entry, resource: '{"a":1}' })).not.toBe(
      entryHash({ ...entry, kind: 'logout', resource: '{"a":1}' }),
    );
  });
});

describe('audit log', () => {
  it('chains entries from the genesis value, each a valid R4 AuditEvent', async () => {
    await fill(3);
    const rows = await db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]!.prev_hash).toBe(GENESIS);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    for (const row of rows) {
      expect(canonical(JSON.parse(row.resource))).toBe(row.resource);
      expect(() => validateR4(JSON.parse(row.resource))).not.toThrow();
    }
    expect(JSON.parse(rows[0]!.resource)).toMatchObject({
      resourceType: 'AuditEvent',
      type: { code: 'rest' },
      subtype: [{ code: 'search-type' }],
      agent: [{ who: { identifier: { value: '899700100011' } }, requestor: true }, {}, {}],
      entity: [{ what: { reference: 'Patient/p0' } }, { role: { code: '24' }, query: expect.any(String) }],
    });
  });

  it('records break-glass as a DICOM security alert with ETREAT and BTG and the access mode', async () => {
    await audit.record({
      kind: 'break-glass-start',
      actor: physician,
      patientId: 'p1',
      mode: 'bris_de_glace',
      reason: 'Patient inconscient, détresse respiratoire',
    });
    const row = await db.selectFrom('audit_event').selectAll().executeTakeFirstOrThrow();
    const event = JSON.parse(row.resource);
    expect(() => validateR4(event)).not.toThrow();
    expect(row.mode).toBe('bris_de_glace');
    expect(event).toMatchObject({
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110113' },
      subtype: [{ code: '110127' }],
      purposeOfEvent: [
        { coding: [{ code: 'ETREAT' }, { code: 'BTG' }], text: 'Patient inconscient, détresse respiratoire' },
      ],
      extension: [{ valueCoding: { system: 'urn:oid:1.2.250.1.213.1.1.4.248', code: 'bris_de_glace' } }],
    });
  });

  it('emits a valid R4 AuditEvent for every kind, mode and outcome', () => {
    for (const kind of Object.keys(KINDS) as AuditKind[]) {
      for (const mode of ACCESS_MODES) {
        for (const outcome of ['success', 'serious-failure'] as const) {
          const event = toAuditEvent(
            { kind, actor: physician, mode, outcome, patientId: 'p1', query: 'q', reason: 'r', outcomeText: 'refusé' },
            'e1',
            '2026-11-23T10:00:00.000Z',
          );
          expect(() => validateR4(event), `${kind} ${mode} ${outcome}`).not.toThrow();
        }
      }
      const bare = toAuditEvent({ kind, actor: { ...physician, professions: [] } }, 'e2', '2026-11-23T10:00:00.000Z');
      expect(() => validateR4(bare), kind).not.toThrow();
    }
  });

  it('serialises concurrent appends into one chain', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => audit.record({ kind: 'login', actor: physician, query: `${i}` })),
    );
    const report = await verifyAudit(db);
    expect(report).toMatchObject({ ok: true, entries: 40, first: 1, last: 40 });
  });

  it('writes entries alone in one statement each, without a transaction, while several writers append', async () => {
    const sent: string[] = [];
    const logged = await testDatabase({ log: (query) => sent.push(query.sql.toLowerCase()) });
    const log = await openAuditLog(logged, await loadSigner({}), { checkpointEvery: 1000, writers: 4 });
    try {
      // The first entry reads the head (in a transaction); the others know it, or will once the
      // append ahead of them is sent.
      await log.record({ kind: 'login', actor: physician, query: 'first' });
      sent.length = 0;
      for (let round = 0; round < 5; round++) {
        await Promise.all(
          Array.from({ length: 12 }, (_, i) => log.record({ kind: 'login', actor: physician, query: `${round}-${i}` })),
        );
      }
      expect(sent.filter((q) => q.startsWith('insert into "audit_event"')).length).toBeGreaterThan(0);
      expect(sent.filter((q) => q === 'begin' || q === 'commit')).toEqual([]);
      expect(await verifyAudit(logged)).toMatchObject({ ok: true, entries: 61 });
    } finally {
      await log.close();
      await logged.destroy();
    }
  });

  it('keeps one chain when two platform instances write at once, each signing checkpoints with its own key', async () => {
    // The second instance: its own log and key, on the same database (PostgreSQL: through other connections).
    const other = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 5 });
    // Several rounds: from the second, every writer has its connection open and they overlap.
    const recorded = [];
    for (let round = 0; round < 4; round++) {
      recorded.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? audit : other).record({ kind: 'login', actor: physician, query: `${round}-${i}` }),
          ),
        )),
      );
    }
    expect(recorded.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Each seals the head it finds, with its own key; both keys verify.
    for (const log of [other, audit]) {
      await log.record({ kind: 'login', actor: physician, query: 'next' });
      await log.checkpoint();
    }
    await other.close();
    const keys = [...(await audit.publicKeys())];
    expect(keys).toHaveLength(2);
    const signers = await db.selectFrom('audit_checkpoint').select('key_id').distinct().execute();
    expect(signers.length).toBe(2);
    expect(await verifyAudit(db, { trustedKeys: keys })).toMatchObject({ ok: true, entries: 42, lastCheckpoint: 42 });
  });

  it('writes again, the head read, when another instance appended after the head it knew', async () => {
    const other = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 100 });
    const probe = async (tx: Db) => {
      await sql`CREATE TABLE IF NOT EXISTS change_probe (v TEXT NOT NULL)`.execute(tx);
      await sql`INSERT INTO change_probe (v) VALUES ('changed')`.execute(tx);
    };
    // Each log knows the head it wrote; the other's entry moves it on, three times over.
    const seqs = [];
    seqs.push((await audit.record({ kind: 'login', actor: physician, query: 'a1' })).seq);
    seqs.push((await other.record({ kind: 'login', actor: physician, query: 'b1' })).seq);
    seqs.push((await audit.record({ kind: 'login', actor: physician, query: 'a2' })).seq); // entry alone
    seqs.push((await other.record({ kind: 'care-team-join', actor: physician, patientId: 'p1' }, probe)).seq);
    seqs.push((await audit.record({ kind: 'care-team-join', actor: physician, patientId: 'p2' }, probe)).seq); // with a change
    await other.close();
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    const changes = await sql<{ n: number }>`SELECT count(*) AS n FROM change_probe`.execute(db);
    expect(Number(changes.rows[0]!.n)).toBe(2);
    expect(await verifyAudit(db, { trustedKeys: [...(await audit.publicKeys())] })).toMatchObject({
      ok: true,
      entries: 5,
    });
  });

  it.runIf(onPostgres())(
    'gives the chain’s turn to a writer that did not read the head: it waits for the one that did',
    async () => {
      await audit.record({ kind: 'login', actor: physician, query: 'first' });
      // Another instance's writer, by hand: the turn and the head, then its entry, then its commit.
      await db.connection().execute(async (conn) => {
        await sql`BEGIN`.execute(conn);
        const { rows } = await sql<{
          seq: number;
          hash: string;
        }>`SELECT seq, hash FROM audit_head_for_append()`.execute(conn);
        const head = rows[0]!;
        // This log knows the head (it wrote it) and appends without reading it: the database holds it.
        const appended = audit.record({ kind: 'login', actor: physician, query: 'meanwhile' });
        let done = false;
        void appended.then(
          () => (done = true),
          () => (done = true),
        );
        for (;;) {
          const waiting = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'`.execute(db);
          if (Number(waiting.rows[0]!.n) > 0) break;
          expect(done, 'appended without waiting for the chain’s turn').toBe(false);
        }
        const first = await db.selectFrom('audit_event').selectAll().where('seq', '=', 1).executeTakeFirstOrThrow();
        const fields = { ...first, seq: Number(head.seq) + 1, id: 'by-hand', prev_hash: head.hash };
        delete (fields as { hash?: string }).hash;
        await sql`INSERT INTO audit_event (seq, id, recorded, kind, patient_id, agent_idnps, mode, outcome, resource, prev_hash, hash)
          VALUES (${fields.seq}, ${fields.id}, ${fields.recorded}, ${fields.kind}, ${fields.patient_id}, ${fields.agent_idnps},
            ${fields.mode}, ${fields.outcome}, ${fields.resource}, ${fields.prev_hash}, ${entryHash(fields)})`.execute(
          conn,
        );
        await sql`COMMIT`.execute(conn);
        expect((await appended).seq).toBe(3);
      });
      expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 3 });
    },
  );

  it('signs a checkpoint every N entries and at close, verifiable with the published key', async () => {
    await fill(7);
    expect((await db.selectFrom('audit_checkpoint').select('seq').execute()).map((c) => c.seq)).toEqual([5]);
    await audit.close();
    expect((await db.selectFrom('audit_checkpoint').select('seq').execute()).map((c) => c.seq)).toEqual([5, 7]);
    const [key] = await audit.publicKeys();
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(key).not.toHaveProperty('d');
    expect(await verifyAudit(db, { trustedKeys: [key!] })).toMatchObject({
      ok: true,
      checkpoints: 2,
      lastCheckpoint: 7,
    });
  });

  it('refuses UPDATE and DELETE on the log (append-only triggers)', async () => {
    await fill(5);
    await expect(sql`UPDATE audit_event SET kind = 'x' WHERE seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_event WHERE seq = 2`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_checkpoint`.execute(db)).rejects.toThrow(/append-only/);
    // PostgreSQL's TRUNCATE skips row triggers: a statement trigger refuses it too.
    if (onPostgres()) await expect(sql`TRUNCATE audit_event`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('refuses an entry that does not extend the chain: after a gap, after an older entry, beside another', async () => {
    await fill(3);
    const rows = await db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
    const [second, third] = [rows[1]!, rows[2]!];
    const entry = (seq: number, prev_hash: string) => ({ ...third, seq, id: `forged-${seq}`, prev_hash });
    const insert = (row: typeof third) => db.insertInto('audit_event').values(row).execute();
    await expect(insert(entry(5, third.hash))).rejects.toThrow(/does not extend the chain/);
    await expect(insert(entry(4, second.hash))).rejects.toThrow(/does not extend the chain/);
    await expect(insert(entry(3, second.hash))).rejects.toThrow(/UNIQUE|unique|duplicate/);
    await expect(insert({ ...rows[0]!, seq: 1, id: 'forged-1', prev_hash: third.hash })).rejects.toThrow(
      /UNIQUE|unique|duplicate|does not extend/,
    );
    expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 3 });
  });

  it('commits a change with its entry, or neither: a failing change leaves no entry and the chain goes on', async () => {
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

  it.runIf(onPostgres())('sends a batch’s changes without waiting for each other’s answers (PostgreSQL)', async () => {
    const tap = await wireTap();
    const tapped = await testDatabase({ via: tap.relay });
    const log = await openAuditLog(tapped, await loadSigner({}), { checkpointEvery: 1000 });
    try {
      await sql`CREATE TABLE change_probe (v TEXT NOT NULL)`.execute(tapped);
      const release = await holdAdvisoryLock(tapped, 4242);
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
      expect(await verifyAudit(tapped)).toMatchObject({ ok: true, entries: 2 });
    } finally {
      await log.close();
      await tapped.destroy();
      await tap.close();
    }
  });

  it.runIf(onPostgres())(
    'lets other batches commit while a change of its batch waits: a writer takes the chain’s turn only with its changes done (PostgreSQL: several writers)',
    async () => {
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

  it('verifies a range', async () => {
    await fill(12);
    expect(await verifyAudit(db, { from: 4, to: 9 })).toMatchObject({ ok: true, entries: 6, first: 4, last: 9 });
  });
});
