/**
 * Receipts of the platform's MSSanté messages, as they come back to its mailbox: delivery status
 * notifications (RFC 3464, `message/delivery-status`: delivered, failed, delayed) matched by the
 * envelope id the platform gave (its `Message-ID`), and read notifications (RFC 8098,
 * `message/disposition-notification`) matched by `Original-Message-ID`. Parsed with `mailparser`.
 */
import { simpleParser } from 'mailparser';

export interface Receipt {
  /** The `Message-ID` of the platform's message it is about. */
  messageId: string;
  kind: 'delivered' | 'failed' | 'delayed' | 'read';
  /** What the reporting system said (status, diagnostic), for the people who follow up. */
  detail?: string;
}

/** The field blocks of a report part (RFC 3464 §2.1: blank-line separated, folded lines unfolded). */
function fieldBlocks(text: string): Record<string, string>[] {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/)
    .map((block) =>
      Object.fromEntries(
        block
          .split('\n')
          .map((line) => /^([\w-]+):\s*(.*)$/.exec(line.trim()))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => [m[1]!.toLowerCase(), m[2]!.trim()]),
      ),
    )
    .filter((fields) => Object.keys(fields).length > 0);
}

const ACTIONS: Record<string, Receipt['kind']> = { delivered: 'delivered', failed: 'failed', delayed: 'delayed' };

/** The receipt a message carries, or `undefined` for any other message (never thrown at). */
export async function readReceipt(raw: Buffer | string): Promise<Receipt | undefined> {
  let mail;
  try {
    mail = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextLinks: true });
  } catch {
    return undefined;
  }
  for (const part of mail.attachments) {
    const type = part.contentType.toLowerCase();
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      const [perMessage, ...recipients] = fieldBlocks(part.content.toString('utf8'));
      const messageId = perMessage?.['original-envelope-id'];
      const recipient = recipients[0];
      const kind = ACTIONS[(recipient?.action ?? '').toLowerCase()];
      if (!messageId || !kind) return undefined;
      const detail = recipient?.['diagnostic-code'] ?? recipient?.status;
      return { messageId, kind, ...(detail ? { detail: detail.slice(0, 500) } : {}) };
    }
    if (type === 'message/disposition-notification') {
      const [fields] = fieldBlocks(part.content.toString('utf8'));
      const messageId = fields?.['original-message-id'];
      // `displayed` is read; `deleted` (unread) is not a read receipt.
      if (!messageId || !/(^|[;\s])displayed\b/i.test(fields?.disposition ?? '')) return undefined;
      return { messageId, kind: 'read' };
    }
  }
  return undefined;
}
