/**
 * The background's only entrance. Every message is checked in this order, and dropped (with a log
 * line naming the reason, never the content) at the first failure:
 *   1. the sender is this extension: a content script of ours in a web page, or an extension page;
 *   2. the message parses against the protocol (`src/core/protocol.ts`);
 *   3. its type is allowed for that kind of sender: content scripts may only report what they
 *      detected and ask for the banner selectors of their own page; only extension pages (panel,
 *      options) may ask for data.
 * The handler's answer is parsed against the response schema before it leaves.
 */
import { Request, Responses, type RequestOf, type RequestType, type ResponseOf } from '../core/protocol.ts';

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

export const ALLOWED: Record<SenderKind, ReadonlySet<RequestType>> = {
  content: new Set(['context.detected', 'profiles.forPage', 'panel.tampered']),
  'extension-page': new Set([
    'context.get',
    'patient.lookup',
    'panel.close',
    'settings.get',
    'settings.set',
    'auth.status',
    'auth.signIn',
    'auth.signOut',
    'profiles.get',
    'profiles.set',
    'profiles.preview',
    'sites.get',
    'sites.set',
    'identity.confirm',
    'circle.get',
    'circle.join',
    'circle.leave',
    'outbox.list',
    'outbox.dismiss',
    'intent.take',
    'share.redeem',
    'exams.list',
    'exam.get',
    'secretariat.exams',
    'secretariat.issue',
    'secretariat.revoke',
    'secretariat.send',
    'record.summary',
    'record.documents',
    'record.document',
    'breakGlass.prepare',
    'breakGlass.pending',
    'record.breakGlass',
    'record.breakGlassEnd',
    'review.list',
    'review.mark',
    'review.csv',
  ]),
};

/**
 * Messages only one extension page may send, by path: break-glass is confirmed in its own window,
 * never from the panel framed in the host page.
 */
export const PAGE_ONLY: Partial<Record<RequestType, string>> = {
  'record.breakGlass': 'src/break-glass/',
  'breakGlass.pending': 'src/break-glass/',
};

export type Handlers = { [T in RequestType]: (message: RequestOf<T>, context: Context) => Promise<ResponseOf<T>> };

export interface RouterOptions {
  extensionId: string;
  /** `runtime.getURL('')`, e.g. `chrome-extension://<id>/`. */
  extensionOrigin: string;
  handlers: Handlers;
  log: (event: string, detail: Record<string, unknown>) => void;
}

export function senderKind(sender: Sender, extensionId: string, extensionOrigin: string): SenderKind | undefined {
  if (sender.id !== extensionId || !sender.url) return undefined;
  if (sender.url.startsWith(extensionOrigin)) return 'extension-page';
  if (sender.tab?.id !== undefined && /^https?:\/\//.test(sender.url)) return 'content';
  return undefined;
}

export function createRouter({ extensionId, extensionOrigin, handlers, log }: RouterOptions) {
  return async function route(raw: unknown, sender: Sender): Promise<unknown> {
    const kind = senderKind(sender, extensionId, extensionOrigin);
    if (!kind) {
      log('message.dropped', { reason: 'sender' });
      return undefined;
    }
    const parsed = Request.safeParse(raw);
    if (!parsed.success) {
      log('message.dropped', { reason: 'malformed', kind, paths: parsed.error.issues.map((i) => i.path.join('.')) });
      return undefined;
    }
    const message = parsed.data;
    if (!ALLOWED[kind].has(message.type)) {
      log('message.dropped', { reason: 'not-allowed', kind, type: message.type });
      return undefined;
    }
    const page = PAGE_ONLY[message.type];
    if (page !== undefined && !sender.url!.startsWith(extensionOrigin + page)) {
      log('message.dropped', { reason: 'not-allowed', kind, type: message.type });
      return undefined;
    }
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
