import { describe, expect, it } from 'vitest';
import { DATE_PATTERN, EN_MONTHS, FR_MONTHS, parseDate } from './dates.ts';

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
    ['12 MARS 1958', '1958-03-12'],
    ['12 févr. 1958', '1958-02-12'],
    ['12 fevr 1958', '1958-02-12'],
    ['3 juil. 2001', '2001-07-03'],
    ['3 juin 2001', '2001-06-03'],
    ['25 déc. 1999', '1999-12-25'],
    ['mercredi 12 mars 1958', '1958-03-12'],
    ['Mar 12, 1958', '1958-03-12'],
    ['Sept. 3, 1975', '1975-09-03'],
    ['12th March 1958', '1958-03-12'],
    ['1st May 1990', '1990-05-01'],
    ['Wednesday, March 12, 1958', '1958-03-12'],
    ['29/02/2000', '2000-02-29'],
  ])('reads %s as %s', (raw, expected) => {
    expect(parseDate(raw)).toBe(expected);
  });

  it.each([
    '29/02/1900',
    '31/04/1958',
    'Juil 3, 2001x',
    '12 ju 1958',
    '00/01/1958',
    '31/02/1958',
    '12/13/1958',
    '1958-02-30',
    '12 brumaire 1958',
    'demain',
    '01/01/1700',
  ])('refuses %s', (raw) => {
    expect(parseDate(raw)).toBeUndefined();
  });
});

const [FR, EN] = [FR_MONTHS, EN_MONTHS.map((m) => m[0]!.toUpperCase() + m.slice(1))];

describe('parseDate, every day of a century in every printed form', () => {
  const pad = (n: number) => String(n).padStart(2, '0');
  const forms = (y: number, m: number, d: number) => [
    `${pad(d)}/${pad(m)}/${y}`,
    `${d}/${m}/${y}`,
    `${pad(d)}.${pad(m)}.${y}`,
    `${y}-${pad(m)}-${pad(d)}`,
    `${d === 1 ? '1er' : d} ${FR[m - 1]} ${y}`,
    `${d} ${FR[m - 1]!.toUpperCase()} ${y}`,
    `${EN[m - 1]} ${d}, ${y}`,
    `${d} ${EN[m - 1]} ${y}`,
  ];

  it('reads each form back to the same day, and finds it in running text', () => {
    const inText = new RegExp(`(?:${DATE_PATTERN})`, 'iu');
    let checked = 0;
    for (let t = Date.UTC(1925, 0, 1); t < Date.UTC(2026, 0, 1); t += 86_400_000 * 3) {
      const date = new Date(t);
      const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      const expected = `${y}-${pad(m)}-${pad(d)}`;
      for (const form of forms(y, m, d)) {
        expect(parseDate(form), form).toBe(expected);
        expect(inText.exec(`Né le ${form} à Paris`)?.[0], form).toBe(form);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(90_000);
  });
});
