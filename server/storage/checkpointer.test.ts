/**
 * SQLite's log is copied into the database file by a thread of its own (`checkpointer.ts`), not by
 * the commit on the event loop; the thread ends before the platform's connection closes, which then
 * removes the log; a thread that fails is reported and the writes go on.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backgroundCheckpoints, type CheckpointResult } from './checkpointer.ts';
import { databaseFile, openDatabase, type Db } from './database.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passerelle-checkpoint-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `commits` commits of one 64 KiB row each: 16 pages, far below SQLite's own checkpoint (1 000 pages). */
async function write(db: Db, commits: number) {
  await sql`CREATE TABLE filler (bytes BLOB)`.execute(db);
  for (let i = 0; i < commits; i++) await sql`INSERT INTO filler VALUES (randomblob(65536))`.execute(db);
}

describe('checkpoints on SQLite', () => {
  it('copies the log into the database file from a thread of its own', async () => {
    // The thread is asked only once the 20 commits are synced (earlier asks are dropped): the one
    // checkpoint it then makes is told to the test (a signal, not a delay).
    let written = false;
    let copied!: (result: CheckpointResult) => void;
    const done = new Promise<CheckpointResult>((resolve) => (copied = resolve));
    const db = await openDatabase(dir, {
      checkpoints: (file) => {
        const thread = backgroundCheckpoints(file, { onDone: copied });
        return Object.assign(() => written && thread(), { close: () => thread.close() });
      },
    });
    const before = statSync(databaseFile(dir)).size;
    await write(db, 20);
    written = true;
    await sql`INSERT INTO filler VALUES (randomblob(16))`.execute(db);
    const result = await done;
    expect(result.checkpointed).toBe(result.log);
    // 20 × 64 KiB now in the file itself: only a checkpoint writes there, and the writer's own
    // (at 1 000 pages of log) was never reached.
    expect(statSync(databaseFile(dir)).size - before).toBeGreaterThanOrEqual(20 * 65536);
    await db.destroy();
  });

  it('ends the thread before the platform’s connection closes, which then copies the log and removes it', async () => {
    // The thread's end, seen: the platform's close must wait for it (no checkpoint still running
    // when its own connection closes; no thread left behind).
    let ended = false;
    const db = await openDatabase(dir, {
      checkpoints: (file) => {
        const thread = backgroundCheckpoints(file);
        return Object.assign(() => thread(), {
          close: async () => {
            await thread.close();
            ended = true;
          },
        });
      },
    });
    await write(db, 5);
    expect(existsSync(`${databaseFile(dir)}-wal`)).toBe(true);
    await db.destroy();
    expect(ended).toBe(true);
    expect(existsSync(`${databaseFile(dir)}-wal`)).toBe(false);
  });

  it('keeps a process that has nothing else to do alive until the thread has ended (a script closing its database)', async () => {
    // A script (`npm run bench`'s audit part) opens the platform's database, closes it and goes on:
    // the idle thread does not hold the process, but its closing must. Before, the process ended
    // inside `destroy()` and the script's next line never ran. Written as a module file, as a script
    // is (`node -e` keeps the process alive until its code settles, and hid the fault).
    const script = join(dir, 'script.mjs');
    writeFileSync(
      script,
      `const { openDatabase } = await import(${JSON.stringify(new URL('./database.ts', import.meta.url).href)});
      const db = await openDatabase(${JSON.stringify(join(dir, 'data'))});
      await db.destroy();
      console.log('closed');`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [script]);
    expect(stdout.trim()).toBe('closed');
    expect(existsSync(`${databaseFile(join(dir, 'data'))}-wal`)).toBe(false);
  });

  it('reports a thread that cannot checkpoint, and is still asked and closed without harm', async () => {
    const failures: Error[] = [];
    let failed!: () => void;
    const told = new Promise<void>((resolve) => (failed = resolve));
    const checkpoint = backgroundCheckpoints(join(dir, 'no-such-folder', 'x.sqlite'), {
      onError: (error) => {
        failures.push(error);
        failed();
      },
    });
    checkpoint();
    await told;
    checkpoint();
    await checkpoint.close();
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toMatch(/unable to open/);
  });
});
