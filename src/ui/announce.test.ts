import { describe, expect, it } from 'vitest';
import { milestoneOf } from './announce.ts';

describe('countdown announcements', () => {
  it('speaks at 5 minutes and at 1 minute left, and not in between nor at the end', () => {
    const min = 60_000;
    expect(milestoneOf(15 * min)).toBeUndefined();
    expect(milestoneOf(5 * min)).toBe(5);
    expect(milestoneOf(4 * min + 30_000)).toBe(5);
    expect(milestoneOf(4 * min)).toBeUndefined();
    expect(milestoneOf(2 * min)).toBeUndefined();
    expect(milestoneOf(59_000)).toBe(1);
    expect(milestoneOf(0)).toBeUndefined();
  });
});
