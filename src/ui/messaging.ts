/**
 * How extension pages (panel, options…) talk to the background: typed, versioned here (the pages
 * never write `v`), and parsed on the way back.
 */
import browser from 'webextension-polyfill';
import { PROTOCOL_VERSION, Responses, type Request, type RequestType, type ResponseOf } from '../core/protocol.ts';

export class RefusedError extends Error {}

/** A message as a page writes it: its version is added by `send`. */
type WithoutVersion<M> = M extends unknown ? Omit<M, 'v'> : never;
type Unversioned = WithoutVersion<Request>;

export async function send<M extends Unversioned>(message: M): Promise<ResponseOf<M['type']>> {
  const response: unknown = await browser.runtime.sendMessage({ v: PROTOCOL_VERSION, ...message });
  const schema: (typeof Responses)[RequestType] = Responses[message.type];
  const parsed = schema.safeParse(response);
  if (!parsed.success) throw new RefusedError(message.type);
  return parsed.data as ResponseOf<M['type']>;
}
