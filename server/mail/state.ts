/** What became of an MSSanté message, as the people who follow it read it (secretariat, privacy officer). */
import type { mailsAbout } from '../storage/mail-outbox.ts';

/**
 * A message's state: waiting, taken by the MSSanté gateway, delivered, read (from the receipts),
 * or failed (with the words of whoever refused it); `unread` once it has waited for its reading
 * longer than `unreadHours` (then the printed code is the fallback).
 */
export function mailState(
  m: Awaited<ReturnType<typeof mailsAbout>>[number] | undefined,
  now: Date,
  unreadHours: number,
) {
  if (!m) return null;
  if (m.state === 'failed')
    return { state: 'failed' as const, at: m.failed_at ?? m.created_at, error: m.error, unread: false };
  if (m.read_at) return { state: 'read' as const, at: m.read_at, error: null, unread: false };
  const unread = now.getTime() - Date.parse(m.created_at) > unreadHours * 3600_000;
  if (m.delivered_at) return { state: 'delivered' as const, at: m.delivered_at, error: null, unread };
  if (m.state === 'sent') return { state: 'sent' as const, at: m.sent_at ?? m.created_at, error: null, unread };
  return { state: 'pending' as const, at: m.created_at, error: m.error, unread };
}
