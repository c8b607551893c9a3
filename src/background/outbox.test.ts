import { describe, expect, it } from 'vitest';
import type { CareTeamResult, OutboxItem } from '../core/protocol.ts';
import { backoff, createOutbox } from './outbox.ts';
import { memoryOutboxStore } from '../../test/support/outbox-store.ts';

function setup(answers: CareTeamResult[]) {
  let clock = 1_000_000;
  const store = memoryOutboxStore();
  const sent: OutboxItem[] = [];
  const alarms: (number | undefined)[] = [];
  const outbox = createOutbox({
    store,
    now: () => clock,
    schedule: (when) => alarms.push(when),
    send: async (item) => {
      sent.push(item);
      return answers.shift() ?? { status: 'unavailable', reason: 'unreachable' };
    },
  });
  return { outbox, store, sent, alarms, tick: (ms: number) => (clock += ms), now: () => clock };
}

const declaration = { key: 'key-000000001', change: 'join' as const, patientId: 'demo-girard', idNps: '899700100011' };
const ok: CareTeamResult = { status: 'ok', members: [] };

describe('care-circle outbox', () => {
  it('keeps a declaration and asks to be woken at the first backoff', async () => {
    const { outbox, alarms, now } = setup([]);
    await outbox.enqueue(declaration);
    expect(await outbox.list()).toEqual([
      expect.objectContaining({ ...declaration, state: 'pending', attempts: 0, nextAt: now() + backoff(0) }),
    ]);
    expect(alarms.at(-1)).toBe(now() + 5_000);
  });

  it('waits while unreachable, backing off (5 s, 10 s, 20 s… capped), then delivers once with the same key', async () => {
    const { outbox, sent, tick, store } = setup([
      { status: 'unavailable', reason: 'unreachable' },
      { status: 'unavailable', reason: 'server' },
      ok,
    ]);
    await outbox.enqueue(declaration);
    await outbox.flush(); // not due yet
    expect(sent).toHaveLength(0);
    tick(5_000);
    await outbox.flush();
    expect(store.items.get(declaration.key)).toMatchObject({ attempts: 1, state: 'pending' });
    tick(9_999);
    await outbox.flush();
    expect(sent).toHaveLength(1);
    tick(1);
    await outbox.flush();
    tick(20_000);
    await outbox.flush();
    expect(sent.map((s) => s.key)).toEqual([declaration.key, declaration.key, declaration.key]);
    expect(await outbox.list()).toEqual([]);
    expect(backoff(20)).toBe(600_000);
  });

  it('keeps a refused declaration, with the reason, for the user to see; only then can it be dismissed', async () => {
    const { outbox, tick } = setup([{ status: 'unavailable', reason: 'bad-response', detail: 'Patient inconnu.' }]);
    await outbox.enqueue(declaration);
    await outbox.dismiss(declaration.key); // still pending: not dismissed
    expect(await outbox.list()).toHaveLength(1);
    tick(5_000);
    await outbox.flush();
    expect(await outbox.list()).toEqual([expect.objectContaining({ state: 'refused', detail: 'Patient inconnu.' })]);
    tick(600_000);
    await outbox.flush(); // a refused one is never replayed
    await outbox.dismiss(declaration.key);
    expect(await outbox.list()).toEqual([]);
  });

  it('waits for its professional when signed out, without counting an attempt', async () => {
    const { outbox, tick, store } = setup([{ status: 'signed-out' }]);
    await outbox.enqueue(declaration);
    tick(5_000);
    await outbox.flush();
    expect(store.items.get(declaration.key)).toMatchObject({ attempts: 0, state: 'pending' });
  });

  it('runs one flush at a time: concurrent wake-ups send each declaration once', async () => {
    const { outbox, sent, tick } = setup([ok]);
    await outbox.enqueue(declaration);
    tick(5_000);
    await Promise.all([outbox.flush(), outbox.flush(), outbox.flush(true)]);
    expect(sent).toHaveLength(1);
  });

  it('replays oldest first, and stops asking to be woken once empty', async () => {
    const { outbox, sent, tick, alarms } = setup([ok, ok]);
    await outbox.enqueue({ ...declaration, key: 'key-000000002' });
    tick(1);
    await outbox.enqueue({ ...declaration, key: 'key-000000003', change: 'leave' });
    await outbox.flush(true);
    expect(sent.map((s) => s.key)).toEqual(['key-000000002', 'key-000000003']);
    expect(alarms.at(-1)).toBeUndefined();
  });
});
