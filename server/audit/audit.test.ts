/**
 * The audit log: canonical form, chaining, checkpoints, several writers on one chain (changes
 * committed with their entries: `changes.test.ts`; tampering: `tampering.test.ts`).
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateR4 } from '../../test/support/fhir.ts';
import { auditOnTestDatabase, fillAudit, physician } from '../../test/support/audit.ts';
import type { Db } from '../storage/database.ts';
import { onPostgres, testDatabase } from '../../test/support/database.ts';
import { canonical, entryHash, GENESIS } from './chain.ts';
import { ACCESS_MODES, KINDS, toAuditEvent, type AuditKind } from './events.ts';
import { openAuditLog, type AuditLog } from './log.ts';
import { loadSigner } from './signer.ts';
import { verifyAudit } from './verify.ts';

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

  it('verifies a range', async () => {
    await fill(12);
    expect(await verifyAudit(db, { from: 4, to: 9 })).toMatchObject({ ok: true, entries: 6, first: 4, last: 9 });
  });
});
