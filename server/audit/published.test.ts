/**
 * Issue 16: a log that cannot be shortened silently. Checkpoints are published outside the
 * database and kept by a witness; deleting the newest entries with their checkpoints, wiping the
 * log, rewriting it after deleting the checkpoints, or restarting on a truncated database is found
 * — by `verifyAudit` given the checkpoints held outside, by the platform refusing to start, and by
 * the witness (rollback, fork, foreign signature). Each test has its own data folder.
 */
import { liftAppendOnly } from '../../test/support/database.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { devClaims } from '../../test/support/tokens.ts';
import { openDatabase, type Db } from '../storage/database.ts';
import { checkpointPayload, entryHash, GENESIS, type EntryFields } from './chain.ts';
import { openAuditLog, type AuditLog } from './log.ts';
import { AuditIntegrityError } from './start-check.ts';
import { checkpointFile, type SignedCheckpoint } from './published.ts';
import { loadSigner, type AuditSigner } from './signer.ts';
import { verifyAudit } from './verify.ts';
import { witnessFiles, witnessOnce } from './witness.ts';
import { testPlatform } from '../../test/support/platform.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const physician = (() => {
  const mapped = professionalFromClaims(devClaims('physician'));
  if (!mapped.ok) throw new Error('claims');
  return mapped.professional;
})();

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A platform's data folder: database, signing key, published checkpoints; a clock of its own. */
async function dataFolder() {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-published-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const clock = { now: new Date('2026-11-24T09:00:00Z') };
  const published = () => checkpointFile(join(dir, 'audit-checkpoints.jsonl'));
  const signer = await loadSigner({ keyFile: join(dir, 'audit-signing-key.pem'), create: true });
  const open = async () => {
    const db = await openDatabase(dir);
    try {
      const audit = await openAuditLog(db, signer, {
        checkpointEvery: 5,
        now: () => clock.now,
        published: published(),
      });
      cleanup.push(async () => {
        await audit.close().catch(() => undefined);
        await db.destroy().catch(() => undefined);
      });
      return { db, audit };
    } catch (error) {
      await db.destroy();
      throw error;
    }
  };
  const fill = async (audit: AuditLog, n: number) => {
    for (let i = 0; i < n; i++) {
      clock.now = new Date(clock.now.getTime() + 1000);
      await audit.record({ kind: 'patient-search', actor: physician, patientId: `p${i}`, query: `identifier=${i}` });
    }
  };
  const external = () => [{ where: 'le fichier publié', checkpoints: published().all() }];
  return { dir, clock, signer, published, open, fill, external };
}

async function stop(db: Db, audit: AuditLog) {
  await audit.close();
  await db.destroy();
}

describe('checkpoints published outside the database', () => {
  it('publishes every checkpoint to the file, at the count, at start and at close', async () => {
    const f = await dataFolder();
    const { db, audit } = await f.open();
    await f.fill(audit, 12);
    await stop(db, audit);
    const held = f
      .published()
      .all()
      .map((c) => c.seq);
    expect(held).toEqual([5, 10, 12]);
    expect(audit.lastCheckpoint()?.seq).toBe(12);
  });

  it('finds the newest entries deleted with their checkpoints', async () => {
    const f = await dataFolder();
    const { db, audit } = await f.open();
    await f.fill(audit, 12);
    await stop(db, audit);
    const admin = await openDatabase(f.dir);
    await liftAppendOnly(admin);
    await admin.deleteFrom('audit_event').where('seq', '>', 7).execute();
    await admin.deleteFrom('audit_checkpoint').where('seq', '>', 7).execute();
    expect((await verifyAudit(admin)).ok).toBe(true); // the database alone cannot tell
    const report = await verifyAudit(admin, { external: f.external() });
    expect(report).toMatchObject({ ok: false, problem: { kind: 'truncated' } });
    expect(report.problem!.message).toMatch(/n° 10 publié dans le fichier publié/);
    await admin.destroy();
    await expect(f.open()).rejects.toThrow(AuditIntegrityError);
  });

  it('finds the whole log wiped', async () => {
    const f = await dataFolder();
    const { db, audit } = await f.open();
    await f.fill(audit, 6);
    await stop(db, audit);
    const admin = await openDatabase(f.dir);
    await liftAppendOnly(admin);
    await admin.deleteFrom('audit_event').execute();
    await admin.deleteFrom('audit_checkpoint').execute();
    expect((await verifyAudit(admin)).ok).toBe(true);
    expect(await verifyAudit(admin, { external: f.external() })).toMatchObject({
      ok: false,
      problem: { kind: 'truncated', seq: 1 },
    });
    await admin.destroy();
    await expect(f.open()).rejects.toThrow(/ends before entry 6/);
  });

  it('finds the log rewritten after its checkpoints were deleted', async () => {
    const f = await dataFolder();
    const { db, audit } = await f.open();
    await f.fill(audit, 10);
    await stop(db, audit);
    const admin = await openDatabase(f.dir);
    await liftAppendOnly(admin);
    await admin.deleteFrom('audit_checkpoint').execute();
    // A whole new, self-consistent chain: entry 3 now names another patient.
    const rows = await admin.selectFrom('audit_event').selectAll().orderBy('seq').execute();
    let prev = GENESIS;
    for (const row of rows) {
      const fields = Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'hash')) as EntryFields;
      const rewritten = { ...fields, prev_hash: prev, patient_id: row.seq === 3 ? 'someone-else' : row.patient_id };
      const hash = entryHash(rewritten);
      await admin
        .updateTable('audit_event')
        .set({ ...rewritten, hash })
        .where('seq', '=', row.seq)
        .execute();
      prev = hash;
    }
    expect((await verifyAudit(admin)).ok).toBe(true); // self-consistent without its checkpoints
    expect(await verifyAudit(admin, { external: f.external() })).toMatchObject({
      ok: false,
      problem: { kind: 'checkpoint-hash', seq: 5 },
    });
    await admin.destroy();
    await expect(f.open()).rejects.toThrow(/differs from the published checkpoint/);
  });

  it('fails an unsealed tail older than the checkpoint interval allows, not a fresh one', async () => {
    const f = await dataFolder();
    const { db, audit } = await f.open();
    await f.fill(audit, 4); // below the count: sealed only at start (nothing) and close
    const fresh = await verifyAudit(db, { sealing: { now: f.clock.now, maxUnsealedMs: 120_000 } });
    expect(fresh.ok).toBe(true);
    const stale = await verifyAudit(db, {
      sealing: { now: new Date(f.clock.now.getTime() + 10 * 60_000), maxUnsealedMs: 120_000 },
    });
    expect(stale).toMatchObject({ ok: false, problem: { kind: 'unsealed', seq: 1 } });
    await stop(db, audit);
    expect(
      (
        await verifyAudit(await openDatabase(f.dir).then((d) => (cleanup.push(() => d.destroy()), d)), {
          sealing: { now: new Date(f.clock.now.getTime() + 10 * 60_000), maxUnsealedMs: 120_000 },
        })
      ).ok,
    ).toBe(true); // sealed at close
  });

  it('restarts on an intact database, sealing what a crash left unsealed', async () => {
    const f = await dataFolder();
    const first = await f.open();
    await f.fill(first.audit, 3);
    await first.db.destroy(); // a crash: no close, nothing sealed
    const { db, audit } = await f.open();
    expect(audit.lastCheckpoint()?.seq).toBe(3);
    await stop(db, audit);
  });

  it('refuses to start when the database has checkpoints but their publication is gone', async () => {
    const f = await dataFolder();
    const { db, audit } = await f.open();
    await f.fill(audit, 5);
    await stop(db, audit);
    unlinkSync(join(f.dir, 'audit-checkpoints.jsonl'));
    await expect(f.open()).rejects.toThrow(/publication .* is missing/);
  });
});

describe('the witness', () => {
  /** A platform as a witness sees it: the two well-known documents, served by this test. */
  function served(f: { signer: AuditSigner }, answer: () => SignedCheckpoint | undefined): typeof fetch {
    return (async (input: URL | RequestInfo) => {
      const path = new URL(String(input)).pathname;
      if (path === '/.well-known/audit-keys') return Response.json({ keys: [f.signer.publicJwk] });
      const c = answer();
      return c ? Response.json(c) : new Response('{}', { status: 404 });
    }) as typeof fetch;
  }
  const sign = (signer: AuditSigner, seq: number, hash: string): SignedCheckpoint => {
    const c = { seq, hash, signed_at: '2026-11-24T09:00:00.000Z', key_id: signer.keyId };
    return { seq, hash, signedAt: c.signed_at, keyId: c.key_id, signature: signer.sign(checkpointPayload(c)) };
  };
  const witnessDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'passerelle-witness-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it('keeps new checkpoints and raises an alarm on a rollback, a fork or a foreign signature', async () => {
    const f = await dataFolder();
    const dir = witnessDir();
    let shown: SignedCheckpoint | undefined;
    const run = () => witnessOnce({ url: 'http://platform.test', dir, fetch: served(f, () => shown) });
    expect((await run()).status).toBe('none-yet');
    shown = sign(f.signer, 5, 'a'.repeat(64));
    expect((await run()).status).toBe('new');
    expect((await run()).status).toBe('unchanged');
    shown = sign(f.signer, 9, 'b'.repeat(64));
    expect((await run()).status).toBe('new');
    shown = sign(f.signer, 7, 'c'.repeat(64));
    expect(await run()).toMatchObject({ status: 'alarm', kind: 'rollback' });
    shown = sign(f.signer, 9, 'd'.repeat(64));
    expect(await run()).toMatchObject({ status: 'alarm', kind: 'fork' });
    const other = await loadSigner({});
    shown = sign(other, 12, 'e'.repeat(64));
    expect(await run()).toMatchObject({ status: 'alarm', kind: 'signature' });
    expect(
      checkpointFile(witnessFiles(dir).checkpoints)
        .all()
        .map((c) => c.seq),
    ).toEqual([5, 9]);
  });

  it('holds what audit:verify needs to find a truncation even when the platform’s own file was rewritten too', async () => {
    const f = await dataFolder();
    const dir = witnessDir();
    const { db, audit } = await f.open();
    await f.fill(audit, 12);
    await stop(db, audit);
    const fetchFromPlatform = served(f, () => f.published().last());
    expect((await witnessOnce({ url: 'http://platform.test', dir, fetch: fetchFromPlatform })).status).toBe('new');
    const verify = (...args: string[]) =>
      spawnSync(process.execPath, ['server/audit/verify-cli.ts', '--data-dir', f.dir, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    // The administrator truncates the database and the published file alike.
    const admin = await openDatabase(f.dir);
    await liftAppendOnly(admin);
    await admin.deleteFrom('audit_event').where('seq', '>', 5).execute();
    await admin.deleteFrom('audit_checkpoint').where('seq', '>', 5).execute();
    await admin.destroy();
    const [firstPublished] = f.published().all();
    rmSync(join(f.dir, 'audit-checkpoints.jsonl'));
    checkpointFile(join(f.dir, 'audit-checkpoints.jsonl')).append(firstPublished!);
    expect(verify().status).toBe(0); // database and published file agree with each other: no witness, no proof
    const withWitness = verify('--witness', dir);
    expect(withWitness.status).toBe(1);
    expect(withWitness.stdout).toMatch(/Journal tronqué : le point de contrôle n° 12 publié dans le témoin/);
  });

  it('reads the platform’s own well-known documents', async () => {
    const platform = await testPlatform();
    cleanup.push(() => platform.close());
    const dir = witnessDir();
    const viaInject = (async (input: URL | RequestInfo) => {
      const res = await platform.app.inject({ method: 'GET', url: new URL(String(input)).pathname });
      return new Response(res.body, { status: res.statusCode, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    expect((await witnessOnce({ url: 'http://platform.test', dir, fetch: viaInject })).status).toBe('none-yet');
    await platform.audit.record({ kind: 'login', actor: physician });
    await platform.audit.checkpoint();
    expect(await witnessOnce({ url: 'http://platform.test', dir, fetch: viaInject })).toMatchObject({
      status: 'new',
      checkpoint: { seq: 1 },
    });
  });
});
