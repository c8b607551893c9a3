import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes distinct version 7 UUIDs whose order follows time, across refills of its random pool', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const at = new Date('2026-12-07T09:00:00.000Z').getTime();
    vi.setSystemTime(at);
    const ids = Array.from({ length: 500 }, newId);
    vi.setSystemTime(at + 1);
    ids.push(...Array.from({ length: 500 }, newId));
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The first 48 bits are the millisecond: never decreasing.
    const ms = ids.map((id) => parseInt(id.replace('-', '').slice(0, 12), 16));
    expect(ms).toEqual([...ms].sort((a, b) => a - b));
    expect([ms[0], ms.at(-1)]).toEqual([at, at + 1]);
  });
});
