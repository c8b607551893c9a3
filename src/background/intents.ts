/**
 * What a keyboard shortcut asked for in a tab, handed to that tab's panel once it opens: the
 * one-hand "declare me" (`declare-care-team`). Kept in `storage.session`, taken once, and void after
 * 30 seconds (a panel opened later must not act on an old key press).
 */
import { Intent } from '../core/protocol.ts';
import type { SessionArea } from './context-store.ts';

const key = (tabId: number) => `intent:${tabId}`;
export const INTENT_TTL_MS = 30_000;

export async function saveIntent(area: SessionArea, tabId: number, intent: Intent): Promise<void> {
  await area.set({ [key(tabId)]: intent });
}

export async function takeIntent(area: SessionArea, tabId: number, now = Date.now()): Promise<Intent | null> {
  const stored = (await area.get(key(tabId)))[key(tabId)];
  await area.remove(key(tabId));
  const parsed = Intent.safeParse(stored);
  return parsed.success && now - parsed.data.at <= INTENT_TTL_MS ? parsed.data : null;
}
