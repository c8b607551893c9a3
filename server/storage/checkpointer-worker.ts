/**
 * The checkpointer's thread (`checkpointer.ts`): its own connection to the platform's SQLite file,
 * copying the log into the file when told, and saying how far it got. The checkpoint syncs the
 * log first and the file after; both syncs happen here, not on the event loop.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort!;
const db = new DatabaseSync((workerData as { file: string }).file);
// The same syncs as the platform's connection (a checkpoint syncs with NORMAL as with FULL).
db.exec('PRAGMA synchronous = NORMAL');
// PASSIVE: copies what no reader still needs, never waits for the writer, never blocks it.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

port.on('message', (message: 'checkpoint' | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ ok: true, ...(checkpoint.get() as { busy: number; log: number; checkpointed: number }) });
  } catch (error) {
    port.postMessage({ ok: false, error: String(error) });
  }
});
