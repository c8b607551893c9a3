/**
 * SQLite's checkpoint — copying the write-ahead log into the database file — off the event loop.
 * SQLite checkpoints in the commit that takes the log past 1 000 pages, on the connection that
 * wrote, with two disk syncs: in Node that is the event loop, and it was more than a third of a
 * batch of declarations' commit (docs/scale.md, "Durable writes on SQLite"). Here a worker thread
 * with its own connection checkpoints after each group sync (PASSIVE: it never waits for the
 * writer nor blocks it), one checkpoint at a time, the requests made meanwhile served by one more
 * (`oneAtATime`, as the group sync's syncs).
 *
 * SQLite starts the log over only once a checkpoint has copied it whole, and under steady writes
 * such a thread never does (the writer has committed more meanwhile): the log would grow without
 * end. The platform's connection keeps SQLite's automatic checkpoint (PASSIVE too: it never waits
 * for the thread): when the log reaches 1 000 pages, the writer's commit copies the little the
 * thread has not, and the log starts over.
 */
import { Worker } from 'node:worker_threads';
import { oneAtATime } from './group-sync.ts';

export interface CheckpointResult {
  /** Pages in the log, and how many of them are copied into the file (SQLite's own counts). */
  log: number;
  checkpointed: number;
}

export type Checkpointer = {
  /** Asks for a checkpoint (after a commit is synced); never waits. */
  (): void;
  /** Ends the thread and its connection: before the platform's own connection closes. */
  close(): Promise<void>;
};

/**
 * A thread checkpointing `file` when asked (one checkpoint at a time, as the group sync syncs:
 * `oneAtATime`). `onDone` is told each checkpoint's counts; `onError` the first failure, after
 * which the thread is asked no more (the writer's own checkpoint still copies the log).
 */
export function backgroundCheckpoints(
  file: string,
  { onDone, onError }: { onDone?: (result: CheckpointResult) => void; onError?: (error: Error) => void } = {},
): Checkpointer {
  const worker = new Worker(new URL('./checkpointer-worker.ts', import.meta.url), { workerData: { file } });
  // An idle checkpointer does not keep the process alive.
  worker.unref();
  // Ended either way, after a failure too (`events.once` would reject on the 'error' event).
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  /** The checkpoint asked of the thread, until it answers; the thread's failure, once it failed. */
  let asked: { done(): void; failed(error: Error): void } | undefined;
  let dead: Error | undefined;
  worker.on('error', (error) => {
    dead = error;
    asked?.failed(error);
  });
  worker.on('message', (message: ({ ok: true } & CheckpointResult) | { ok: false; error: string }) => {
    if (message.ok) {
      onDone?.({ log: message.log, checkpointed: message.checkpointed });
      asked?.done();
    } else asked?.failed(new Error(`checkpoint: ${message.error}`));
  });
  const checkpoint = oneAtATime(() =>
    dead
      ? Promise.reject(dead)
      : new Promise<void>((done, failed) => {
          asked = { done, failed };
          worker.postMessage('checkpoint');
        }),
  );
  let closed = false;
  let told = false;
  return Object.assign(
    () => {
      if (closed) return;
      checkpoint().catch((error: Error) => {
        if (!told) onError?.(error);
        told = true;
      });
    },
    {
      async close() {
        closed = true;
        await checkpoint.settled();
        if (!dead) worker.postMessage('close');
        // Waited for: the process stays alive until the thread has closed its connection (unref'd,
        // a script with nothing else to do ended there, its closing promise never settled).
        worker.ref();
        await exited;
      },
    },
  );
}
