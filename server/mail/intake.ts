/**
 * The receipts coming back to the platform's MSSanté mailbox, taken in: each message is read
 * (`receipts.ts`), matched to the platform's message by `Message-ID`, recorded, then let go. A
 * message that is not a receipt of ours is let go too (logged by the caller's count).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../storage/database.ts';
import { recordReceipt } from '../storage/mail-outbox.ts';
import { readReceipt } from './receipts.ts';

/** Where receipts are read from: the platform's mailbox. */
export interface ReceiptSource {
  /** The messages waiting (some at a time). */
  waiting(): Promise<{ id: string; raw: Buffer }[]>;
  /** Done with this one: it is not read again. */
  done(id: string): Promise<void>;
  /** Lets go of the mailbox (a connection), if it holds one. */
  close?(): Promise<void>;
}

/** Takes in what waits; answers how many receipts named a message of the platform's. */
export async function takeReceipts(db: Db, source: ReceiptSource, now: () => Date): Promise<number> {
  let matched = 0;
  for (const message of await source.waiting()) {
    const receipt = await readReceipt(message.raw);
    if (receipt && (await recordReceipt(db, receipt.messageId, receipt, now()))) matched++;
    await source.done(message.id);
  }
  return matched;
}

/** A mailbox that is a folder of `.eml` files (the demo's; a Maildir's `new/` reads the same). */
export function folderSource(dir: string): ReceiptSource {
  return {
    async waiting() {
      const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
      return Promise.all(names.slice(0, 50).map(async (id) => ({ id, raw: await readFile(join(dir, id)) })));
    },
    done: (id) => rm(join(dir, id), { force: true }),
  };
}
