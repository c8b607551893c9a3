/**
 * The background's only entrance. Every message is checked in this order, and dropped (with a log
 * line naming the reason, never the content) at the first failure:
 *   1. the sender is this extension: a content script of ours in a web page, or one of our pages,
 *      known by its folder (`src/<page>/`);
 *   2. the message parses against the protocol (`src/core/protocol.ts`);
 *   3. that sender may send it: `Senders` in the protocol says who may send each message (content
 *      scripts only report what their page shows; the panel, framed in the host page, gets only
 *      what the panel needs; the review's, the secretariat's and the break-glass window's messages
 *      come from those pages only).
 * The handler's answer is parsed against the response schema before it leaves.
 */
import {
  PAGES,
  Request,
  Responses,
  Senders,
  type From,
  type RequestOf,
  type RequestType,
  type ResponseOf,
} from '../core/protocol.ts';

export type SenderKind = 'content' | 'extension-page';

/** The parts of `runtime.MessageSender` the router reads. */
export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

export interface Context {
  kind: SenderKind;
  /** The tab the sender lives in (a panel iframe lives in the host page's tab). */
  tabId?: number;
  frameId?: number;
  /** Origin and address of the page, for content scripts. */
  origin?: string;
  url?: string;
}

/** Who sent it: a content script, one of the extension's pages by folder, or nobody we know. */
export function senderOf(sender: Sender, extensionId: string, extensionOrigin: string): From | undefined {
  if (sender.id !== extensionId || !sender.url) return undefined;
  if (sender.url.startsWith(extensionOrigin)) {
    const path = sender.url.slice(extensionOrigin.length);
    return PAGES.find((page) => path.startsWith(`src/${page}/`));
  }
  if (sender.tab?.id !== undefined && /^https?:\/\//.test(sender.url)) return 'content';
  return undefined;
}

const allowed = (from: From, type: RequestType) => (Senders[type] as readonly From[]).includes(from);

export type Handlers = { [T in RequestType]: (message: RequestOf<T>, context: Context) => Promise<ResponseOf<T>> };

export interface RouterOptions {
  extensionId: string;
  /** `runtime.getURL('')`, e.g. `chrome-extension://<id>/`. */
  extensionOrigin: string;
  handlers: Handlers;
  log: (event: string, detail: Record<string, unknown>) => void;
}

export function createRouter({ extensionId, extensionOrigin, handlers, log }: RouterOptions) {
  return async function route(raw: unknown, sender: Sender): Promise<unknown> {
    const from = senderOf(sender, extensionId, extensionOrigin);
    if (!from) {
      log('message.dropped', { reason: 'sender' });
      return undefined;
    }
    const parsed = Request.safeParse(raw);
    if (!parsed.success) {
      log('message.dropped', { reason: 'malformed', from, paths: parsed.error.issues.map((i) => i.path.join('.')) });
      return undefined;
    }
    const message = parsed.data;
    if (!allowed(from, message.type)) {
      log('message.dropped', { reason: 'not-allowed', from, type: message.type });
      return undefined;
    }
    const kind: SenderKind = from === 'content' ? 'content' : 'extension-page';
    const context: Context = { kind, tabId: sender.tab?.id, frameId: sender.frameId };
    if (kind === 'content') {
      context.origin = new URL(sender.url!).origin;
      context.url = sender.url;
    }
    try {
      const handler = handlers[message.type] as (m: typeof message, c: Context) => Promise<unknown>;
      return Responses[message.type].parse(await handler(message, context));
    } catch (error) {
      log('message.failed', { type: message.type, error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    }
  };
}
