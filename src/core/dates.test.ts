import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.ts';

describe('parseDate', () => {
  it.each([
    ['12/03/1958', '1958-03-12'],
    ['1/3/1958', '1958-03-01'],
    ['12.03.1958', '1958-03-12'],
    ['12-03-1958', '1958-03-12'],
    ['1958-03-12', '1958-03-12'],
    ['12 mars 1958', '1958-03-12'],
    ['1er août 1960', '1960-08-01'],
    ['1 aout 1960', '1960-08-01'],
    ['March 12, 1958', '1958-03-12'],
    ['13 August 1939', '1939-08-13'],
  ])('reads %s as %s', (raw, expected) => {
    expect(parseDate(raw)).toBe(expected);
  });

  it.each(['31/02/1958', '12/13/1958', '1958-02-30', '12 brumaire 1958', 'demain', '01/01/1700'])(
    'refuses %s',
    (raw) => {
      expect(parseDate(raw)).toBeUndefined();
    },
  );
});
