/**
 * Changes of `storage.session` told to open extension pages (`ChangeNotice`, `CHANGES_PORT`):
 * only to our own pages, and for the panel only the contexts of its own tab.
 */
import type { ChangeNotice } from '../core/protocol.ts';

const BREAK_GLASS_RESULT = /^breakGlassResult:([0-9a-f-]{36})$/;

/** What a page is told of one changed key, if anything. */
export function noticeOf(key: string, newValue: unknown, tabId: number | undefined): ChangeNotice | undefined {
  if (key === 'auth') return { what: 'auth' };
  if (tabId !== undefined && key.startsWith(`context:${tabId}:`)) return { what: 'context' };
  const result = BREAK_GLASS_RESULT.exec(key);
  if (result && newValue !== undefined) return { what: 'breakGlassResult', pendingId: result[1]!, result: newValue };
  return undefined;
}
