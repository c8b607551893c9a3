/** Birth dates in the forms clinicians' software prints, to ISO `YYYY-MM-DD`. */

export const FR_MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
export const EN_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const strip = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\.$/, '');

// Abbreviations as software prints them (`févr.`, `juil.`, `Sept`), without accents or dot.
const ABBREVIATIONS: Record<string, number> = {
  janv: 1,
  jan: 1,
  fevr: 2,
  fev: 2,
  feb: 2,
  mar: 3,
  avr: 4,
  apr: 4,
  juil: 7,
  jul: 7,
  aou: 8,
  aug: 8,
  sept: 9,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

function monthNumber(name: string): number | undefined {
  const n = strip(name);
  for (const months of [FR_MONTHS, EN_MONTHS]) {
    const i = months.findIndex((m) => strip(m) === n);
    if (i >= 0) return i + 1;
  }
  return ABBREVIATIONS[n];
}

function iso(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1850 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// An optional weekday before a written date: "mercredi 12 mars 1958", "Wednesday, March 12, 1958".
const WEEKDAY =
  '(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\\s+)?';
const ORDINAL = '(?:er|st|nd|rd|th)?';

/** Source of the date forms the adapters look for (with the `u` flag); keep in step with `parseDate`. */
export const DATE_PATTERN = [
  '\\d{4}-\\d{2}-\\d{2}',
  '\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4}',
  `${WEEKDAY}\\d{1,2}${ORDINAL}\\s+[\\p{L}]+\\.?\\s+\\d{4}`,
  `${WEEKDAY}[\\p{L}]+\\.?\\s+\\d{1,2}${ORDINAL},?\\s+\\d{4}`,
].join('|');

const WRITTEN_DAY_FIRST = new RegExp(`^${WEEKDAY}(\\d{1,2})${ORDINAL} ([\\p{L}]+)\\.? (\\d{4})$`, 'iu');
const WRITTEN_MONTH_FIRST = new RegExp(`^${WEEKDAY}([\\p{L}]+)\\.? (\\d{1,2})${ORDINAL},? (\\d{4})$`, 'iu');

/**
 * `12/03/1958` (day first, as in France), `12.03.1958`, `1958-03-12`, `12 mars 1958`,
 * `1er août 1960`, `12 févr. 1958`, `mercredi 12 mars 1958`, `March 12, 1958`, `12th March 1958`,
 * `Wednesday, March 12, 1958` → `1958-03-12`; anything else, or an impossible day, → undefined.
 */
export function parseDate(raw: string): string | undefined {
  const s = raw.trim().replace(/\s+/g, ' ');
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return iso(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s); // French order: day first
  if (m) return iso(+m[3]!, +m[2]!, +m[1]!);
  m = WRITTEN_DAY_FIRST.exec(s);
  if (m) {
    const month = monthNumber(m[2]!);
    return month ? iso(+m[3]!, month, +m[1]!) : undefined;
  }
  m = WRITTEN_MONTH_FIRST.exec(s);
  if (m) {
    const month = monthNumber(m[1]!);
    return month ? iso(+m[3]!, month, +m[2]!) : undefined;
  }
  return undefined;
}
