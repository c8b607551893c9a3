/**
 * Group sync of SQLite's write-ahead log (docs/scale.md, "Durable writes on SQLite"). SQLite
 * commits without syncing (`synchronous = NORMAL`: the log's pages reach the kernel, not yet the
 * disk); the write is then acknowledged only once the log file is synced here, in libuv's thread
 * pool — the event loop goes on meanwhile, and one sync covers every commit made before it
 * started. A commit made while a sync is under way waits for the next one, shared by all commits
 * made during the first.
 *
 * A failed sync is final: the kernel may have dropped the pages it could not write, and a later
 * sync would report success for them. Every later write is then refused its acknowledgement
 * until the platform restarts (and SQLite replays what its log holds) — as PostgreSQL stops on a
 * failed sync.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export type GroupSync = {
  /** Resolves once every commit made before the call is on the disk. */
  (): Promise<void>;
  close(): Promise<void>;
};

/** Syncs a file's data (and the folder that names it, once: a new log file's name must last too). */
export function fileSync(file: string) {
  let handle: Promise<FileHandle> | undefined;
  const opened = async () => {
    const log = await open(file, 'r');
    const folder = await open(dirname(file), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
    return log;
  };
  return {
    async sync() {
      handle ??= opened();
      await (await handle).datasync();
    },
    async close() {
      await (await handle)?.close();
      handle = undefined;
    },
  };
}

/**
 * `run` once at a time, shared: a call while none runs starts one; the calls made while one runs
 * share the next, started when it ends. A failure is final: that call and every later one are
 * refused with it. `settled` waits for the run under way and the one asked for after it.
 */
export function oneAtATime(run: () => Promise<void>): { (): Promise<void>; settled(): Promise<void> } {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  let failed: unknown;
  const start = () => {
    const current = run().then(
      () => {
        if (running === current) running = undefined;
      },
      (error: unknown) => {
        failed ??= error;
        if (running === current) running = undefined;
        throw error;
      },
    );
    running = current;
    return current;
  };
  const shared = (): Promise<void> => {
    if (failed !== undefined) return Promise.reject(failed instanceof Error ? failed : new Error(String(failed)));
    if (!running) return start();
    // Asked since the run under way started: the next one, shared.
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        return failed === undefined ? start() : shared();
      });
    return next;
  };
  return Object.assign(shared, {
    async settled() {
      await Promise.allSettled([running, next]);
    },
  });
}

/** One sync of `file` at a time, shared by the commits made before it started (see above). */
export function groupSync(file: { sync(): Promise<void>; close(): Promise<void> }): GroupSync {
  const durable = oneAtATime(() => file.sync());
  return Object.assign(() => durable(), {
    async close() {
      await durable.settled();
      await file.close();
    },
  });
}
