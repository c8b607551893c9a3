/**
 * The platform's MSSanté outbox (docs/mssante.md). `queueMail` writes a message in the caller's
 * transaction — the one that also writes the action and its audit entry: the message exists if and
 * only if the action happened. The worker delivers what is due through the MSSanté operator's SMTP
 * gateway (nodemailer), asking for delivery status notifications; a refused or unreachable gateway
 * is tried again with backoff, a permanent refusal (5xx) ends in `failed`. A restart loses nothing;
 * a message taken by the gateway is never sent again, and a retry carries the same `Message-ID`.
 */
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Db } from '../storage/database.ts';
import {
  claimMail,
  dueMails,
  enqueueMail,
  markMailFailed,
  markMailRetry,
  markMailSent,
} from '../storage/mail-outbox.ts';
import type { MailOutboxTable } from '../storage/schema.ts';
import { takeReceipts, type ReceiptSource } from './intake.ts';
import { mssanteMail, type Mail } from './message.ts';
import { newId } from '../storage/ids.ts';

/** 30 s, 1 min, 2 min… up to an hour between attempts; given up after a day of them. */
const backoff = (attempts: number) => Math.min(30_000 * 2 ** attempts, 3600_000);
const GIVE_UP_ATTEMPTS = 30;
/** How long a claimed message is left to its worker: well past the SMTP time-outs (`transport.ts`). */
const CLAIM_MS = 5 * 60_000;

/** Queues a message in the caller's transaction (its action's); its outbox id and `Message-ID`. */
export async function queueMail(
  tx: Db,
  what: { kind: MailOutboxTable['kind']; ref: string },
  mail: Mail,
): Promise<{ id: string; messageId: string }> {
  const row = outboxRow(what, mail);
  await enqueueMail(tx, row);
  return { id: row.id, messageId: row.message_id };
}

/** A message as the outbox keeps it, waiting for its first attempt (for `queueMail`, or written with its action's other writes). */
export function outboxRow(what: { kind: MailOutboxTable['kind']; ref: string }, mail: Mail): MailOutboxTable {
  const { messageId, raw } = mssanteMail(mail);
  return {
    id: newId(),
    message_id: messageId,
    kind: what.kind,
    ref: what.ref,
    recipient: mail.to,
    raw,
    state: 'pending',
    attempts: 0,
    next_at: mail.now.toISOString(),
    created_at: mail.now.toISOString(),
    sent_at: null,
    failed_at: null,
    error: null,
    delivered_at: null,
    read_at: null,
  };
}

/** An SMTP answer that will not change on retry (5xx), as opposed to a busy or unreachable gateway. */
const permanent = (error: unknown) => {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500;
};

export interface MailWorker {
  /** Delivers what is due now; answers how many messages the gateway took. */
  deliver(): Promise<number>;
  /** Takes in the receipts waiting in the platform's mailbox; answers how many matched a message. */
  receive(): Promise<number>;
  /** Delivers now, and then every `everyMs`; answers how to stop. */
  start(everyMs: number, onError: (error: unknown) => void): () => void;
}

export function mailWorker(deps: {
  db: Db;
  transport: Transporter<SMTPTransport.SentMessageInfo, SMTPTransport.Options>;
  /** The envelope sender (the establishment's MSSanté mailbox), where receipts come back. */
  sender: string;
  now: () => Date;
  /** The platform's mailbox, where receipts come back (none: receipts are not followed). */
  receipts?: ReceiptSource;
}): MailWorker {
  let running: Promise<number> | undefined;
  const once = async () => {
    let taken = 0;
    for (const mail of await dueMails(deps.db, deps.now())) {
      // Another instance may be sending it: only the one that claims it does. A worker that dies
      // while sending leaves it to be tried again once the claim runs out.
      if (!(await claimMail(deps.db, mail, new Date(deps.now().getTime() + CLAIM_MS)))) continue;
      try {
        await deps.transport.sendMail({
          envelope: { from: deps.sender, to: [mail.recipient] },
          raw: mail.raw,
          // RFC 3461: a delivery status notification, success or failure, with the headers only.
          dsn: { envid: mail.message_id, ret: 'HDRS', notify: ['SUCCESS', 'FAILURE', 'DELAY'] },
        });
        await markMailSent(deps.db, mail.id, deps.now());
        taken++;
      } catch (error) {
        const why = String((error as { response?: string }).response ?? (error as Error).message).slice(0, 500);
        if (permanent(error) || mail.attempts + 1 >= GIVE_UP_ATTEMPTS) {
          await markMailFailed(deps.db, mail.id, deps.now(), why);
        } else {
          await markMailRetry(deps.db, mail.id, new Date(deps.now().getTime() + backoff(mail.attempts)), why);
        }
      }
    }
    return taken;
  };
  // One delivery at a time: a tick that comes while one runs waits for it.
  const deliver = () => (running ??= once().finally(() => (running = undefined)));
  const receive = async () => (deps.receipts ? takeReceipts(deps.db, deps.receipts, deps.now) : 0);
  return {
    deliver,
    receive,
    start(everyMs, onError) {
      const tick = () => void deliver().then(receive).catch(onError);
      tick();
      const timer = setInterval(tick, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
