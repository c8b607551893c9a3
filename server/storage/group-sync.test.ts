/**
 * SQLite's writes are answered once their log is on the disk, one sync for the commits made
 * together, away from the event loop (`group-sync.ts`, `node-sqlite-dialect.ts`). The disk is a
 * stand-in here whose syncs the test ends itself: what waits for what is seen, not timed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../audit/log.ts';
import { loadSigner } from '../audit/signer.ts';
import { onPostgres } from '../../test/support/database.ts';
import { devClaims } from '../../test/support/tokens.ts';
import { professionalFromClaims } from '../../src/core/psc.ts';
import { openDatabase, type Db } from './database.ts';
import { groupSync } from './group-sync.ts';

/**
 * A disk whose syncs pass at once, or, once `hold` is set, wait for the test: `sync(n)` gives the
 * `n`-th sync held (from 1), once it is asked.
 */
function heldDisk() {
  const asked: { file: string; done(): void; fail(error: Error): void }[] = [];
  let wake: (() => void) | undefined;
  const disk = {
    hold: false,
    asked,
    syncFile: (file: string) => ({
      sync: () =>
        disk.hold
          ? new Promise<void>((done, fail) => {
              asked.push({ file, done, fail });
              wake?.();
            })
          : Promise.resolve(),
      close: async () => {},
    }),
    async sync(n: number) {
      while (asked.length < n) await new Promise<void>((resolve) => (wake = resolve));
      return asked[n - 1]!;
    },
  };
  return disk;
}

const physician = (() => {
  const mapped = professionalFromClaims(devClaims('physician'));
  if (!mapped.ok) throw new Error('claims');
  return mapped.professional;
})();

/** Whether a promise has settled, seen after everything already queued has run. */
async function settled(promise: Promise<unknown>) {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('one sync for the commits made together', () => {
  it('a commit made while a sync runs waits for the next one, shared with the others made meanwhile', async () => {
    const disk = heldDisk();
    disk.hold = true;
    const durable = groupSync(disk.syncFile('log'));
    const first = durable();
    const first_ = await disk.sync(1);
    const [second, third] = [durable(), durable()];
    expect(disk.asked).toHaveLength(1);
    first_.done();
    await first;
    expect(await settled(second)).toBe(false);
    (await disk.sync(2)).done();
    await Promise.all([second, third]);
    expect(disk.asked).toHaveLength(2);
  });

  it('a failed sync refuses its commits and every later one, without syncing again', async () => {
    const disk = heldDisk();
    disk.hold = true;
    const durable = groupSync(disk.syncFile('log'));
    const first = durable();
    const waiting = durable();
    (await disk.sync(1)).fail(new Error('EIO'));
    await expect(first).rejects.toThrow('EIO');
    await expect(waiting).rejects.toThrow('EIO');
    await expect(durable()).rejects.toThrow('EIO');
    expect(disk.asked).toHaveLength(1);
  });
});

describe.skipIf(onPostgres())('SQLite writes answered once on the disk', () => {
  let dir: string;
  let disk: ReturnType<typeof heldDisk>;
  let db: Db;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-sync-'));
    disk = heldDisk();
    db = await openDatabase(dir, { syncFile: disk.syncFile });
    await sql`CREATE TABLE note (id TEXT PRIMARY KEY)`.execute(db);
    disk.hold = true;
  });
  afterEach(async () => {
    disk.hold = false;
    for (const s of disk.asked) s.done();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (on: Db, id: string) => sql`INSERT INTO note (id) VALUES (${id})`.execute(on);
  const notes = async () => (await sql<{ id: string }>`SELECT id FROM note`.execute(db)).rows.map((r) => r.id);

  it('a write waits for its log to be synced; meanwhile the connection serves the next request', async () => {
    const write = insert(db, 'a');
    const sync = await disk.sync(1);
    expect(sync.file).toBe(join(dir, 'passerelle.sqlite-wal'));
    // Another request reads while the disk syncs (it sees the commit, not yet answered).
    expect(await notes()).toEqual(['a']);
    expect(await settled(write)).toBe(false);
    sync.done();
    await write;
  });

  it('a read asks for no sync; a transaction asks for one, after its commit', async () => {
    await notes();
    expect(disk.asked).toHaveLength(0);
    const written = db.transaction().execute(async (tx) => {
      await insert(tx, 'b');
      await insert(tx, 'c');
    });
    (await disk.sync(1)).done();
    await written;
    expect(disk.asked).toHaveLength(1);
    expect(await notes()).toEqual(['b', 'c']);
  });

  it('an audit entry is acknowledged only once synced; a failed sync refuses it and every later write', async () => {
    disk.hold = false;
    const audit = await openAuditLog(db, await loadSigner({}), { checkpointEvery: 1000 });
    disk.hold = true;
    const recorded = audit.record({ kind: 'patient-search', actor: physician, query: 'identifier=1' });
    const sync = await disk.sync(1);
    expect(await settled(recorded)).toBe(false);
    sync.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(recorded).rejects.toThrow('EIO');
    await expect(insert(db, 'd')).rejects.toThrow('EIO');
    expect(disk.asked).toHaveLength(1);
    disk.hold = false;
    await audit.close().catch(() => {});
  });
});
