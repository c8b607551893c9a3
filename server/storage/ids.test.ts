import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('makes distinct version 7 UUIDs whose order follows time, across refills of its random pool', () => {
    const ids = Array.from({ length: 1000 }, newId);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The first 48 bits are the millisecond: never decreasing.
    const ms = ids.map((id) => parseInt(id.replace('-', '').slice(0, 12), 16));
    expect(ms).toEqual([...ms].sort((a, b) => a - b));
    expect(Math.abs(ms.at(-1)! - Date.now())).toBeLessThan(60_000);
  });
});
