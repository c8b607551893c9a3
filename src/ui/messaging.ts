/** How extension pages (panel, options) talk to the background: typed, and parsed on the way back. */
import browser from 'webextension-polyfill';
import { Responses, type RequestOf, type RequestType, type ResponseOf } from '../core/protocol.ts';

export class RefusedError extends Error {}

export async function send<T extends RequestType>(message: RequestOf<T>): Promise<ResponseOf<T>> {
  const response: unknown = await browser.runtime.sendMessage(message);
  const parsed = (Responses[message.type] as (typeof Responses)[T]).safeParse(response);
  if (!parsed.success) throw new RefusedError(message.type);
  return parsed.data as ResponseOf<T>;
}
